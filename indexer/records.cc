#include "indexer/records.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "indexer/record_store.h"
#include "indexer/record_validation.h"

namespace helixmatch {
namespace {

const RecordKindInfo* FindKind(v1::RecordKind kind) {
  for (const RecordKindInfo& info : kRecordKinds) {
    if (info.kind == kind) return &info;
  }
  return nullptr;
}

}  // namespace

v1::RecordKind KindOf(const v1::Record& record) {
  for (const RecordKindInfo& info : kRecordKinds) {
    if (info.kind_case == record.kind_case()) return info.kind;
  }
  return v1::RECORD_KIND_UNSPECIFIED;
}

absl::string_view RecordKindName(v1::RecordKind kind) {
  const RecordKindInfo* info = FindKind(kind);
  return info == nullptr ? "" : info->name;
}

absl::string_view RecordKindName(const v1::Record& record) {
  return RecordKindName(KindOf(record));
}

std::optional<v1::RecordKind> ParseRecordKind(absl::string_view name) {
  for (const RecordKindInfo& info : kRecordKinds) {
    if (info.name == name) return info.kind;
  }
  return std::nullopt;
}

const std::string& RecordId(const v1::Record& record) {
  static const std::string* const kNoId = new std::string();
  return VisitRecord(
      record, Overloaded{
                  [](const auto& m) -> const std::string& { return m.id(); },
                  [](std::monostate) -> const std::string& { return *kNoId; },
              });
}

bool WrittenForEveryone(const v1::Record& record) {
  if (!record.has_need()) return true;
  const auto visibility = record.need().visibility();
  return visibility != v1::VISIBILITY_PRIVATE &&
         visibility != v1::VISIBILITY_PROGRAMME_ONLY;
}

std::string OutcomeTieId(absl::string_view outcome_id) {
  return absl::StrCat(kOutcomeTiePrefix, outcome_id);
}

bool OutcomeConfirmed(const v1::Outcome& outcome) {
  return outcome.recorded_by().empty() || !outcome.confirmed_by().empty();
}

std::optional<v1::Tie> TieFromOutcome(const v1::Outcome& outcome) {
  if (!OutcomeConfirmed(outcome)) return std::nullopt;
  return EngagementTie(outcome);
}

std::optional<v1::Tie> EngagementTie(const v1::Outcome& outcome) {
  v1::Tie tie;
  v1::Channel channel = outcome.channel();
  switch (outcome.kind()) {
    case v1::OUTCOME_KIND_MEETING_HELD:
      channel = v1::CHANNEL_MEETINGS;
      tie.set_outcome(v1::TIE_OUTCOME_COMPLETED);
      break;
    case v1::OUTCOME_KIND_INTERNSHIP_STARTED:
      channel = v1::CHANNEL_INTERNSHIP;
      tie.set_outcome(v1::TIE_OUTCOME_ONGOING);
      break;
    case v1::OUTCOME_KIND_CONTRACT_SIGNED:
      if (channel == v1::CHANNEL_UNSPECIFIED) {
        channel = v1::CHANNEL_CONTRACT_RESEARCH;
      }
      tie.set_outcome(v1::TIE_OUTCOME_ONGOING);
      break;
    case v1::OUTCOME_KIND_PROJECT_COMPLETED:
      if (channel == v1::CHANNEL_UNSPECIFIED) {
        channel = v1::CHANNEL_CONTRACT_RESEARCH;
      }
      tie.set_outcome(v1::TIE_OUTCOME_COMPLETED);
      break;
    default:
      return std::nullopt;
  }
  tie.set_id(OutcomeTieId(outcome.id()));
  tie.set_organization_a(outcome.offered_by());
  tie.set_organization_b(outcome.offered_to());
  tie.set_channel(channel);
  tie.set_year(outcome.year());
  tie.set_origin(v1::TIE_ORIGIN_SELF_INITIATED);
  std::string what = absl::AsciiStrToLower(
      v1::OutcomeKind_Name(outcome.kind()).substr(sizeof("OUTCOME_KIND_") - 1));
  std::replace(what.begin(), what.end(), '_', ' ');
  tie.set_reference(
      absl::StrCat(what, " (", outcome.year(), "), outcome '", outcome.id(),
                   "'", outcome.note().empty() ? "" : ": ", outcome.note()));
  return tie;
}

absl::InlinedVector<OrganizationReference, 2> OrganizationReferences(
    const v1::Record& record) {
  using References = absl::InlinedVector<OrganizationReference, 2>;
  return VisitRecord(
      record,
      Overloaded{
          [](const v1::CapabilityProfile& c) -> References {
            return {{"capability.organization_id", &c.organization_id()}};
          },
          [](const v1::FirmNeed& n) -> References {
            return {{"need.organization_id", &n.organization_id()}};
          },
          [](const v1::Tie& t) -> References {
            return {{"tie.organization_a", &t.organization_a()},
                    {"tie.organization_b", &t.organization_b()}};
          },
          [](const v1::Outcome& o) -> References {
            return {{"outcome.offered_by", &o.offered_by()},
                    {"outcome.offered_to", &o.offered_to()}};
          },
          [](const auto&) -> References { return {}; },
      });
}

absl::Status ValidateForWrite(const v1::Record& record,
                              absl::string_view path) {
  if (auto s = ValidateRecord(record); !s.ok()) return s;
  if (record.has_tie() &&
      absl::StartsWith(record.tie().id(), kOutcomeTiePrefix)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, path.empty() ? "" : ".", "tie.id: the prefix '",
        kOutcomeTiePrefix,
        "' is reserved for ties made from recorded outcomes; record an "
        "outcome instead"));
  }
  return absl::OkStatus();
}

absl::Status ValidateForDelete(v1::RecordKind kind, absl::string_view id) {
  if (RecordKindName(kind).empty()) {
    return absl::InvalidArgumentError(
        "kind: is required (organization, capability, need, tie, outcome)");
  }
  if (auto s = ValidateId(id, "id"); !s.ok()) return s;
  if (kind == v1::RECORD_KIND_TIE && absl::StartsWith(id, kOutcomeTiePrefix)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tie '", id, "' was made from a recorded outcome; delete outcome '",
        id.substr(sizeof(kOutcomeTiePrefix) - 1), "' instead"));
  }
  return absl::OkStatus();
}

void AddPutWrites(const v1::Record& record, std::span<const float> vector,
                  StoreBatch* batch) {
  VisitRecord(
      record,
      Overloaded{
          [&](const v1::Organization& org) { batch->PutOrganization(org); },
          [&](const v1::CapabilityProfile& capability) {
            storage::StoredCapability stored;
            *stored.mutable_record() = capability;
            stored.set_vector(EncodeVector(vector));
            batch->PutCapability(stored);
          },
          [&](const v1::FirmNeed& need) {
            storage::StoredNeed stored;
            *stored.mutable_record() = need;
            stored.set_vector(EncodeVector(vector));
            batch->PutNeed(stored);
          },
          [&](const v1::Tie& tie) { batch->PutTie(tie); },
          [&](const v1::Outcome& outcome) {
            batch->PutOutcome(outcome);
            if (auto tie = TieFromOutcome(outcome)) {
              batch->PutTie(*tie);
            } else {
              // A replaced outcome may have made a tie the new one does not.
              batch->Delete(v1::RECORD_KIND_TIE, OutcomeTieId(outcome.id()));
            }
          },
          [](std::monostate) {},
      });
}

void AddDeleteWrites(v1::RecordKind kind, absl::string_view id,
                     StoreBatch* batch) {
  batch->Delete(kind, id);
  if (kind == v1::RECORD_KIND_OUTCOME) {
    batch->Delete(v1::RECORD_KIND_TIE, OutcomeTieId(id));
  }
}

}  // namespace helixmatch
