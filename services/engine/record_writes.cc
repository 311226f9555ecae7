#include "services/engine/record_writes.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "indexer/corpus.h"
#include "indexer/record_validation.h"
#include "indexer/text_analyzer.h"

namespace helixmatch {
namespace {

std::string OrgKey(absl::string_view id) { return absl::StrCat("o/", id); }
std::string OwnKey(absl::string_view id) { return absl::StrCat("w/", id); }

v1::RecordKind KindOf(const v1::Record& r) {
  switch (r.kind_case()) {
    case v1::Record::kOrganization:
      return v1::RECORD_KIND_ORGANIZATION;
    case v1::Record::kCapability:
      return v1::RECORD_KIND_CAPABILITY;
    case v1::Record::kNeed:
      return v1::RECORD_KIND_NEED;
    case v1::Record::kTie:
      return v1::RECORD_KIND_TIE;
    case v1::Record::kOutcome:
      return v1::RECORD_KIND_OUTCOME;
    default:
      return v1::RECORD_KIND_UNSPECIFIED;
  }
}

absl::Status CheckReserved(const v1::Record& record) {
  if (record.has_tie() &&
      absl::StartsWith(record.tie().id(), kOutcomeTiePrefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat("tie.id: the prefix '", kOutcomeTiePrefix,
                     "' is reserved for ties made from recorded "
                     "outcomes; record an outcome instead"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EmbeddedRecord> EmbedForWrite(const Embedder& embedder,
                                             const v1::Record& record) {
  if (auto s = ValidateRecord(record); !s.ok()) return s;
  if (auto s = CheckReserved(record); !s.ok()) return s;
  EmbeddedRecord r;
  r.record = record;
  std::string text;
  if (record.has_capability()) text = CapabilityText(record.capability());
  if (record.has_need()) text = NeedText(record.need());
  if (!text.empty()) r.vector = embedder.Embed(Tokenize(text));
  return r;
}

absl::Status CheckReferences(
    const Catalog& catalog, EmbeddedRecord* r,
    const std::vector<std::string>& organizations_in_batch) {
  const auto need_org = [&](absl::string_view field,
                            const std::string& id) -> absl::Status {
    if (catalog.LiveOrganizationIndex(id) != kNoIndex ||
        std::find(organizations_in_batch.begin(), organizations_in_batch.end(),
                  id) != organizations_in_batch.end()) {
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": organization '", id, "' not found"));
  };
  const v1::Record& rec = r->record;
  r->created = !catalog.Contains(KindOf(rec), RecordId(rec));
  switch (rec.kind_case()) {
    case v1::Record::kCapability:
      return need_org("capability.organization_id",
                      rec.capability().organization_id());
    case v1::Record::kNeed:
      return need_org("need.organization_id", rec.need().organization_id());
    case v1::Record::kTie:
      if (auto s = need_org("tie.organization_a", rec.tie().organization_a());
          !s.ok()) {
        return s;
      }
      return need_org("tie.organization_b", rec.tie().organization_b());
    case v1::Record::kOutcome:
      if (auto s = need_org("outcome.offered_by", rec.outcome().offered_by());
          !s.ok()) {
        return s;
      }
      return need_org("outcome.offered_to", rec.outcome().offered_to());
    default:
      return absl::OkStatus();
  }
}

void AddStoreWrites(const EmbeddedRecord& r, StoreBatch* batch) {
  switch (r.record.kind_case()) {
    case v1::Record::kOrganization:
      batch->PutOrganization(r.record.organization());
      break;
    case v1::Record::kCapability: {
      storage::StoredCapability stored;
      *stored.mutable_record() = r.record.capability();
      stored.set_vector(EncodeVector(r.vector));
      batch->PutCapability(stored);
      break;
    }
    case v1::Record::kNeed: {
      storage::StoredNeed stored;
      *stored.mutable_record() = r.record.need();
      stored.set_vector(EncodeVector(r.vector));
      batch->PutNeed(stored);
      break;
    }
    case v1::Record::kTie:
      batch->PutTie(r.record.tie());
      break;
    case v1::Record::kOutcome:
      batch->PutOutcome(r.record.outcome());
      if (auto tie = TieFromOutcome(r.record.outcome())) {
        batch->PutTie(*tie);
      } else {
        // A replaced outcome may have made a tie the new one does not.
        batch->Delete(v1::RECORD_KIND_TIE,
                      absl::StrCat(kOutcomeTiePrefix, r.record.outcome().id()));
      }
      break;
    default:
      break;
  }
}

void AddUpsertKeys(const v1::Record& r, WriteOp* op) {
  const auto owned_by = [op](const std::string& org) {
    op->reads.push_back(OrgKey(org));
    op->adds.push_back(OwnKey(org));
  };
  switch (r.kind_case()) {
    case v1::Record::kOrganization:
      op->writes.push_back(OrgKey(r.organization().id()));
      break;
    case v1::Record::kCapability:
      op->writes.push_back(absl::StrCat("c/", r.capability().id()));
      owned_by(r.capability().organization_id());
      break;
    case v1::Record::kNeed:
      op->writes.push_back(absl::StrCat("n/", r.need().id()));
      owned_by(r.need().organization_id());
      break;
    case v1::Record::kTie:
      op->writes.push_back(absl::StrCat("t/", r.tie().id()));
      owned_by(r.tie().organization_a());
      owned_by(r.tie().organization_b());
      break;
    case v1::Record::kOutcome:
      op->writes.push_back(absl::StrCat("x/", r.outcome().id()));
      op->writes.push_back(
          absl::StrCat("t/", kOutcomeTiePrefix, r.outcome().id()));
      owned_by(r.outcome().offered_by());
      owned_by(r.outcome().offered_to());
      break;
    default:
      break;
  }
}

void AddDeleteKeys(v1::RecordKind kind, const std::string& id, WriteOp* op) {
  switch (kind) {
    case v1::RECORD_KIND_ORGANIZATION:
      op->writes.push_back(OrgKey(id));
      op->reads.push_back(OwnKey(id));
      break;
    case v1::RECORD_KIND_CAPABILITY:
      op->writes.push_back(absl::StrCat("c/", id));
      break;
    case v1::RECORD_KIND_NEED:
      op->writes.push_back(absl::StrCat("n/", id));
      break;
    case v1::RECORD_KIND_OUTCOME:
      op->writes.push_back(absl::StrCat("x/", id));
      op->writes.push_back(absl::StrCat("t/", kOutcomeTiePrefix, id));
      break;
    default:
      op->writes.push_back(absl::StrCat("t/", id));
  }
}

}  // namespace helixmatch
