#include "services/programmes/proposal_validation.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "indexer/record_validation.h"
#include "services/programmes/value_text.h"

namespace helixmatch {
namespace {

namespace pb = google::protobuf;

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::Status CheckProposalText(absl::string_view text, absl::string_view path,
                               size_t max_bytes, bool required) {
  if (required && absl::StripAsciiWhitespace(text).empty()) {
    return Invalid(path, "is required");
  }
  if (text.size() > max_bytes) {
    return Invalid(path, absl::StrCat("is ", text.size(),
                                      " bytes, the limit is ", max_bytes));
  }
  return absl::OkStatus();
}

template <typename List>
absl::Status CheckProposalTexts(const List& items, absl::string_view path,
                                int max_items, size_t max_bytes) {
  if (items.size() > max_items) {
    return Invalid(path, absl::StrCat("has ", items.size(),
                                      " items, the limit is ", max_items));
  }
  for (int i = 0; i < items.size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (absl::StripAsciiWhitespace(items[i]).empty()) {
      return Invalid(item_path, "is empty");
    }
    if (auto s = CheckProposalText(items[i], item_path, max_bytes, false);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

template <typename List>
absl::Status CheckProposalEnums(const List& values, absl::string_view path,
                                const pb::EnumDescriptor* type) {
  if (values.size() > kMaxListItems) {
    return Invalid(path, absl::StrCat("has ", values.size(),
                                      " items, the limit is ", kMaxListItems));
  }
  for (int i = 0; i < values.size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (type->FindValueByNumber(values[i]) == nullptr) {
      return Invalid(item_path, absl::StrCat("unknown value ", values[i]));
    }
    if (values[i] == 0) return Invalid(item_path, "must not be UNSPECIFIED");
  }
  return absl::OkStatus();
}

absl::Status CheckProposalAmount(double value, absl::string_view path,
                                 bool zero_allowed) {
  if (!std::isfinite(value)) {
    return Invalid(path, absl::StrCat(value, " is not a finite number"));
  }
  if (zero_allowed ? value < 0 : value <= 0) {
    return Invalid(path,
                   absl::StrCat(zero_allowed ? "must be >= 0" : "must be > 0",
                                " (got ", FormatAmount(value), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckProposalTrl(const v1::TrlRange& trl) {
  if (trl.min() == 0 && trl.max() == 0) return absl::OkStatus();  // unknown
  for (const auto& [value, path] : {std::pair{trl.min(), "proposal.trl.min"},
                                    std::pair{trl.max(), "proposal.trl.max"}}) {
    if (value < 1 || value > 9) {
      return Invalid(path, absl::StrCat(value, " is outside 1..9"));
    }
  }
  if (trl.min() > trl.max()) {
    return Invalid("proposal.trl.min",
                   absl::StrCat(trl.min(), " is above trl.max ", trl.max()));
  }
  return absl::OkStatus();
}

absl::Status CheckProposalIds(const v1::Proposal& p) {
  using IdField = std::pair<const std::string*, const char*>;
  for (const auto& [id, path] :
       {IdField{&p.id(), "proposal.id"},
        IdField{&p.programme_id(), "proposal.programme_id"},
        IdField{&p.university_id(), "proposal.university_id"},
        IdField{&p.firm_id(), "proposal.firm_id"}}) {
    if (auto s = ValidateId(*id, path); !s.ok()) return s;
  }
  if (p.firm_id() == p.university_id()) {
    return Invalid("proposal.firm_id",
                   "must differ from university_id (a partnership joins two "
                   "organizations)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateProposal(const v1::Proposal& p) {
  if (auto s = CheckProposalIds(p); !s.ok()) return s;
  if (auto s =
          CheckProposalText(p.unit(), "proposal.unit", kMaxNameBytes, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalText(p.title(), "proposal.title",
                                 kMaxProposalTitleBytes, true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalText(p.abstract(), "proposal.abstract",
                                 kMaxProposalAbstractBytes, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalTexts(p.keywords(), "proposal.keywords",
                                  kMaxListItems, kMaxProposalKeywordBytes);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalAmount(p.budget_usd(), "proposal.budget_usd",
                                   /*zero_allowed=*/false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalAmount(p.cofunding_usd(), "proposal.cofunding_usd",
                                   /*zero_allowed=*/true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalTrl(p.trl()); !s.ok()) return s;
  if (auto s = CheckProposalEnums(p.channels(), "proposal.channels",
                                  v1::Channel_descriptor());
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalEnums(p.benefits(), "proposal.benefits",
                                  v1::Benefit_descriptor());
      !s.ok()) {
    return s;
  }
  if (p.duration_months() < 0 || p.duration_months() > kMaxDurationMonths) {
    return Invalid("proposal.duration_months",
                   absl::StrCat(p.duration_months(), " is outside 0..",
                                kMaxDurationMonths));
  }
  if (!p.need_id().empty()) {
    if (auto s = ValidateId(p.need_id(), "proposal.need_id"); !s.ok()) {
      return s;
    }
  }
  return CheckProposalTexts(p.declared_conflicts(),
                            "proposal.declared_conflicts",
                            kMaxDeclaredConflicts, kMaxShortTextBytes);
}

}  // namespace helixmatch
