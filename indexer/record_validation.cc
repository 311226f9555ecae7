#include "indexer/record_validation.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "indexer/records.h"

namespace helixmatch {
namespace {

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

bool IsBlank(absl::string_view s) {
  return absl::StripAsciiWhitespace(s).empty();
}

absl::Status CheckText(absl::string_view text, absl::string_view path,
                       size_t max_bytes, bool required) {
  if (required && IsBlank(text)) return Invalid(path, "is required");
  if (text.size() > max_bytes) {
    return Invalid(path, absl::StrCat("is ", text.size(),
                                      " bytes, the limit is ", max_bytes));
  }
  return absl::OkStatus();
}

template <typename List>
absl::Status CheckTextList(const List& items, absl::string_view path) {
  if (items.size() > kMaxListItems) {
    return Invalid(path, absl::StrCat("has ", items.size(),
                                      " items, the limit is ", kMaxListItems));
  }
  for (int i = 0; i < items.size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (IsBlank(items[i])) return Invalid(item_path, "is empty");
    if (auto s = CheckText(items[i], item_path, kMaxShortTextBytes, false);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Enum fields: proto3 keeps unknown numbers, so check against the schema.
template <typename IsValid>
absl::Status CheckEnum(int value, absl::string_view path, IsValid is_valid,
                       bool required) {
  if (!is_valid(value)) {
    return Invalid(path, absl::StrCat("unknown value ", value));
  }
  if (required && value == 0) return Invalid(path, "is required");
  return absl::OkStatus();
}

template <typename List, typename IsValid>
absl::Status CheckEnumList(const List& values, absl::string_view path,
                           IsValid is_valid) {
  if (values.size() > kMaxListItems) {
    return Invalid(path, absl::StrCat("has ", values.size(),
                                      " items, the limit is ", kMaxListItems));
  }
  for (int i = 0; i < values.size(); ++i) {
    if (auto s = CheckEnum(values[i], absl::StrCat(path, "[", i, "]"), is_valid,
                           /*required=*/true);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTrl(const v1::TrlRange& trl, absl::string_view path) {
  if (trl.min() == 0 && trl.max() == 0) return absl::OkStatus();  // unknown
  for (const auto& [value, name] :
       {std::pair{trl.min(), "min"}, std::pair{trl.max(), "max"}}) {
    if (value < 1 || value > 9) {
      return Invalid(absl::StrCat(path, ".", name),
                     absl::StrCat(value, " is outside 1..9"));
    }
  }
  if (trl.min() > trl.max()) {
    return Invalid(
        path, absl::StrCat("min ", trl.min(), " is above max ", trl.max()));
  }
  return absl::OkStatus();
}

template <typename T>
absl::Status CheckNonNegative(bool present, T value, absl::string_view path) {
  if (present && !(value >= 0)) {  // also rejects NaN
    return Invalid(path, absl::StrCat(value, " is negative or not a number"));
  }
  if constexpr (std::is_floating_point_v<T>) {
    if (present && !std::isfinite(value)) return Invalid(path, "is not finite");
  }
  return absl::OkStatus();
}

absl::Status CheckSignals(const v1::OrganizationSignals& s,
                          absl::string_view path) {
  const auto p = [&](absl::string_view field) {
    return absl::StrCat(path, ".", field);
  };
  absl::Status status;
  status.Update(
      CheckNonNegative(s.has_researchers(), s.researchers(), p("researchers")));
  status.Update(
      CheckNonNegative(s.has_rd_staff(), s.rd_staff(), p("rd_staff")));
  status.Update(CheckNonNegative(s.has_rd_spend_usd(), s.rd_spend_usd(),
                                 p("rd_spend_usd")));
  status.Update(
      CheckNonNegative(s.has_tto_staff(), s.tto_staff(), p("tto_staff")));
  status.Update(CheckNonNegative(s.has_publications_per_year(),
                                 s.publications_per_year(),
                                 p("publications_per_year")));
  status.Update(CheckNonNegative(s.has_active_projects(), s.active_projects(),
                                 p("active_projects")));
  status.Update(CheckNonNegative(s.has_patents(), s.patents(), p("patents")));
  status.Update(CheckNonNegative(s.has_teaching_hours_per_fte(),
                                 s.teaching_hours_per_fte(),
                                 p("teaching_hours_per_fte")));
  status.Update(CheckNonNegative(s.has_contract_turnaround_days(),
                                 s.contract_turnaround_days(),
                                 p("contract_turnaround_days")));
  status.Update(
      CheckNonNegative(s.has_phd_staff(), s.phd_staff(), p("phd_staff")));
  status.Update(CheckNonNegative(s.has_licences_granted(), s.licences_granted(),
                                 p("licences_granted")));
  if (!status.ok()) return status;
  if (s.has_graduate_share() &&
      !(s.graduate_share() >= 0 && s.graduate_share() <= 1)) {
    return Invalid(p("graduate_share"),
                   absl::StrCat(s.graduate_share(), " is outside 0..1"));
  }
  if (s.has_ip_policy()) {
    return CheckEnum(s.ip_policy(), p("ip_policy"), v1::IpPolicy_IsValid,
                     /*required=*/false);
  }
  return absl::OkStatus();
}

bool IsUpperAlpha2(absl::string_view country) {
  return country.size() == 2 && absl::ascii_isupper(country[0]) &&
         absl::ascii_isupper(country[1]);
}

}  // namespace

absl::Status ValidateId(absl::string_view id, absl::string_view path) {
  if (id.empty()) return Invalid(path, "is required");
  if (id.size() > kMaxIdBytes) {
    return Invalid(path, absl::StrCat("is ", id.size(), " bytes, the limit is ",
                                      kMaxIdBytes));
  }
  for (char c : id) {
    if (!(absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' ||
          c == '-')) {
      return Invalid(path, absl::StrCat("character '", absl::CEscape({&c, 1}),
                                        "' is not allowed (use A-Z a-z 0-9 . _ "
                                        ": -)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOrganization(const v1::Organization& org,
                                  absl::string_view path) {
  const auto p = [&](absl::string_view field) {
    return absl::StrCat(path, ".", field);
  };
  if (auto s = ValidateId(org.id(), p("id")); !s.ok()) return s;
  if (auto s = CheckEnum(org.kind(), p("kind"), v1::OrganizationKind_IsValid,
                         /*required=*/true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText(org.name(), p("name"), kMaxNameBytes, true); !s.ok()) {
    return s;
  }
  if (org.country().empty()) return Invalid(p("country"), "is required");
  if (!IsUpperAlpha2(org.country())) {
    return Invalid(p("country"),
                   absl::StrCat("'", absl::CHexEscape(org.country()),
                                "' is not an ISO 3166 alpha-2 code (two "
                                "upper-case letters)"));
  }
  if (auto s = CheckText(org.region(), p("region"), kMaxShortTextBytes, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText(org.city(), p("city"), kMaxShortTextBytes, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckTextList(org.sectors(), p("sectors")); !s.ok()) return s;
  if (auto s = CheckEnum(org.size_band(), p("size_band"), v1::SizeBand_IsValid,
                         false);
      !s.ok()) {
    return s;
  }
  if (org.has_latitude() != org.has_longitude()) {
    return Invalid(p(org.has_latitude() ? "longitude" : "latitude"),
                   "is required when the other coordinate is given");
  }
  if (org.has_latitude() && !(org.latitude() >= -90 && org.latitude() <= 90)) {
    return Invalid(p("latitude"),
                   absl::StrCat(org.latitude(), " is outside -90..90"));
  }
  if (org.has_longitude() &&
      !(org.longitude() >= -180 && org.longitude() <= 180)) {
    return Invalid(p("longitude"),
                   absl::StrCat(org.longitude(), " is outside -180..180"));
  }
  return CheckSignals(org.signals(), p("signals"));
}

absl::Status ValidateCapability(const v1::CapabilityProfile& profile,
                                absl::string_view path) {
  const auto p = [&](absl::string_view field) {
    return absl::StrCat(path, ".", field);
  };
  if (auto s = ValidateId(profile.id(), p("id")); !s.ok()) return s;
  if (auto s = ValidateId(profile.organization_id(), p("organization_id"));
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText(profile.unit(), p("unit"), kMaxNameBytes, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText(profile.title(), p("title"), kMaxTitleBytes, true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText(profile.description(), p("description"),
                         kMaxDescriptionBytes, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckTextList(profile.keywords(), p("keywords")); !s.ok()) {
    return s;
  }
  if (auto s = CheckTrl(profile.trl(), p("trl")); !s.ok()) return s;
  if (auto s = CheckTextList(profile.equipment(), p("equipment")); !s.ok()) {
    return s;
  }
  if (auto s = CheckEnumList(profile.channels_offered(), p("channels_offered"),
                             v1::Channel_IsValid);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckEnumList(profile.benefits_sought(), p("benefits_sought"),
                             v1::Benefit_IsValid);
      !s.ok()) {
    return s;
  }
  if (profile.year() != 0 &&
      (profile.year() < kMinYear || profile.year() > kMaxYear)) {
    return Invalid(p("year"), absl::StrCat(profile.year(), " is outside ",
                                           kMinYear, "..", kMaxYear));
  }
  if (auto s = ValidateFundingCall(profile.funding_call(), p("funding_call"));
      !s.ok()) {
    return s;
  }
  return CheckText(profile.reference(), p("reference"), kMaxTitleBytes, false);
}

absl::Status ValidateFundingCall(const v1::FundingCall& call,
                                 absl::string_view path) {
  if (auto s = CheckText(call.programme(), absl::StrCat(path, ".programme"),
                         kMaxFundingCallBytes, false);
      !s.ok()) {
    return s;
  }
  return CheckText(call.topic(), absl::StrCat(path, ".topic"),
                   kMaxFundingCallBytes, false);
}

absl::Status ValidateNeed(const v1::FirmNeed& need, absl::string_view path) {
  const auto p = [&](absl::string_view field) {
    return absl::StrCat(path, ".", field);
  };
  if (auto s = ValidateId(need.id(), p("id")); !s.ok()) return s;
  if (auto s = ValidateId(need.organization_id(), p("organization_id"));
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText(need.title(), p("title"), kMaxTitleBytes, true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText(need.description(), p("description"),
                         kMaxDescriptionBytes, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckTextList(need.keywords(), p("keywords")); !s.ok()) return s;
  if (auto s = ValidateFundingCall(need.funding_call(), p("funding_call"));
      !s.ok()) {
    return s;
  }
  if (auto s = CheckTrl(need.trl_wanted(), p("trl_wanted")); !s.ok()) return s;
  if (auto s = CheckEnum(need.budget_band(), p("budget_band"),
                         v1::BudgetBand_IsValid, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckEnum(need.time_horizon(), p("time_horizon"),
                         v1::TimeHorizon_IsValid, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckEnumList(need.channels_wanted(), p("channels_wanted"),
                             v1::Channel_IsValid);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckEnumList(need.benefits_sought(), p("benefits_sought"),
                             v1::Benefit_IsValid);
      !s.ok()) {
    return s;
  }
  return CheckEnum(need.visibility(), p("visibility"), v1::Visibility_IsValid,
                   false);
}

absl::Status ValidateTie(const v1::Tie& tie, absl::string_view path) {
  const auto p = [&](absl::string_view field) {
    return absl::StrCat(path, ".", field);
  };
  if (auto s = ValidateId(tie.id(), p("id")); !s.ok()) return s;
  if (auto s = ValidateId(tie.organization_a(), p("organization_a")); !s.ok()) {
    return s;
  }
  if (auto s = ValidateId(tie.organization_b(), p("organization_b")); !s.ok()) {
    return s;
  }
  if (tie.organization_a() == tie.organization_b()) {
    return Invalid(p("organization_b"),
                   "must differ from organization_a (a tie joins two "
                   "organizations)");
  }
  if (auto s = CheckEnum(tie.channel(), p("channel"), v1::Channel_IsValid,
                         /*required=*/true);
      !s.ok()) {
    return s;
  }
  if (tie.year() < kMinYear || tie.year() > kMaxYear) {
    return Invalid(p("year"), tie.year() == 0
                                  ? std::string("is required")
                                  : absl::StrCat(tie.year(), " is outside ",
                                                 kMinYear, "..", kMaxYear));
  }
  if (auto s =
          CheckEnum(tie.outcome(), p("outcome"), v1::TieOutcome_IsValid, false);
      !s.ok()) {
    return s;
  }
  if (auto s =
          CheckEnum(tie.origin(), p("origin"), v1::TieOrigin_IsValid, false);
      !s.ok()) {
    return s;
  }
  return CheckText(tie.reference(), p("reference"), kMaxTitleBytes, false);
}

absl::Status ValidateRecord(const v1::Record& record) {
  return VisitRecord(
      record,
      Overloaded{
          [](const v1::Organization& m) { return ValidateOrganization(m); },
          [](const v1::CapabilityProfile& m) { return ValidateCapability(m); },
          [](const v1::FirmNeed& m) { return ValidateNeed(m); },
          [](const v1::Tie& m) { return ValidateTie(m); },
          [](const v1::Outcome& m) { return ValidateOutcome(m); },
          [](std::monostate) {
            return absl::InvalidArgumentError(
                "record: exactly one of organization, capability, "
                "need, tie, outcome is required");
          },
      });
}

absl::Status ValidateOutcome(const v1::Outcome& outcome,
                             absl::string_view path) {
  const auto p = [&](absl::string_view field) {
    return absl::StrCat(path, ".", field);
  };
  if (auto s = ValidateId(outcome.id(), p("id")); !s.ok()) return s;
  if (auto s = ValidateId(outcome.offered_by(), p("offered_by")); !s.ok()) {
    return s;
  }
  if (auto s = ValidateId(outcome.offered_to(), p("offered_to")); !s.ok()) {
    return s;
  }
  if (outcome.offered_by() == outcome.offered_to()) {
    return Invalid(p("offered_to"), "must differ from offered_by");
  }
  if (auto s = CheckEnum(outcome.kind(), p("kind"), v1::OutcomeKind_IsValid,
                         /*required=*/true);
      !s.ok()) {
    return s;
  }
  if (outcome.year() < kMinYear || outcome.year() > kMaxYear) {
    return Invalid(p("year"), outcome.year() == 0
                                  ? std::string("is required")
                                  : absl::StrCat(outcome.year(), " is outside ",
                                                 kMinYear, "..", kMaxYear));
  }
  if (auto s = CheckEnum(outcome.channel(), p("channel"), v1::Channel_IsValid,
                         false);
      !s.ok()) {
    return s;
  }
  const bool declined = outcome.kind() == v1::OUTCOME_KIND_DECLINED;
  if (auto s = CheckEnum(outcome.decline_reason(), p("decline_reason"),
                         v1::DeclineReason_IsValid, declined);
      !s.ok()) {
    return s;
  }
  if (!declined && outcome.decline_reason() != 0) {
    return Invalid(p("decline_reason"),
                   "is only allowed when kind is OUTCOME_KIND_DECLINED");
  }
  if (!outcome.need_id().empty()) {
    if (auto s = ValidateId(outcome.need_id(), p("need_id")); !s.ok()) return s;
  }
  if (!outcome.capability_id().empty()) {
    if (auto s = ValidateId(outcome.capability_id(), p("capability_id"));
        !s.ok()) {
      return s;
    }
  }
  if (auto s = CheckText(outcome.note(), p("note"), kMaxNoteBytes, false);
      !s.ok()) {
    return s;
  }
  const std::string& recorder = outcome.recorded_by();
  const std::string& confirmer = outcome.confirmed_by();
  if (!recorder.empty() && recorder != outcome.offered_by() &&
      recorder != outcome.offered_to()) {
    return Invalid(p("recorded_by"),
                   "must be offered_by or offered_to (or empty for an "
                   "operator's record)");
  }
  if (recorder.empty() && !confirmer.empty()) {
    return Invalid(p("confirmed_by"),
                   "must be empty when recorded_by is (an operator's record "
                   "needs no confirmation)");
  }
  if (!confirmer.empty() && confirmer != kOperatorConfirmation &&
      (confirmer == recorder || (confirmer != outcome.offered_by() &&
                                 confirmer != outcome.offered_to()))) {
    return Invalid(
        p("confirmed_by"),
        absl::StrCat("must be the party other than recorded_by, or '",
                     kOperatorConfirmation, "'"));
  }
  return absl::OkStatus();
}

}  // namespace helixmatch
