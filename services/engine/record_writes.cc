#include "services/engine/record_writes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "indexer/profile_text.h"
#include "indexer/records.h"
#include "indexer/text_analyzer.h"
#include "services/programmes/outcome_claims.h"

namespace helixmatch {
namespace {

std::string RecordKey(v1::RecordKind kind, absl::string_view id) {
  return absl::StrCat(RecordKindName(kind), "/", id);
}
std::string OrganizationKey(absl::string_view id) {
  return RecordKey(v1::RECORD_KIND_ORGANIZATION, id);
}
// Taken by a write that adds a record depending on the organization, and
// read by the organization's delete.
std::string DependentsKey(absl::string_view id) {
  return absl::StrCat("dependents/", id);
}

}  // namespace

absl::StatusOr<EmbeddedRecord> EmbedForWrite(const Embedder& embedder,
                                             const v1::Record& record,
                                             absl::string_view path) {
  if (auto s = ValidateForWrite(record, path); !s.ok()) return s;
  EmbeddedRecord r;
  r.record = record;
  const std::string text = ProfileText(record);
  if (!text.empty()) r.vector = embedder.Embed(Tokenize(text));
  return r;
}

absl::Status CheckReferences(
    const Catalog& catalog, EmbeddedRecord* r,
    const std::vector<std::string>& organizations_in_batch) {
  const v1::Record& record = r->record;
  r->created = !catalog.Contains(KindOf(record), RecordId(record));
  for (const OrganizationReference& ref : OrganizationReferences(record)) {
    if (catalog.LiveOrganizationIndex(*ref.id) != kNoIndex ||
        std::find(organizations_in_batch.begin(), organizations_in_batch.end(),
                  *ref.id) != organizations_in_batch.end()) {
      continue;
    }
    return absl::FailedPreconditionError(
        absl::StrCat(ref.field, ": organization '", *ref.id, "' not found"));
  }
  return absl::OkStatus();
}

absl::Status ResolveOutcomeClaim(const Catalog& catalog, const Viewer& writer,
                                 EmbeddedRecord* r) {
  if (!r->record.has_outcome()) return absl::OkStatus();
  const v1::Outcome& incoming = r->record.outcome();
  auto resolved =
      ResolveOutcomeWrite(catalog.outcome(incoming.id()), incoming, writer);
  if (!resolved.ok()) return resolved.status();
  *r->record.mutable_outcome() = std::move(*resolved);
  return absl::OkStatus();
}

void AddUpsertKeys(const v1::Record& record, WriteOp* op) {
  const v1::RecordKind kind = KindOf(record);
  op->writes.push_back(RecordKey(kind, RecordId(record)));
  if (kind == v1::RECORD_KIND_OUTCOME) {
    op->writes.push_back(
        RecordKey(v1::RECORD_KIND_TIE, OutcomeTieId(RecordId(record))));
  }
  for (const OrganizationReference& ref : OrganizationReferences(record)) {
    op->reads.push_back(OrganizationKey(*ref.id));
    op->adds.push_back(DependentsKey(*ref.id));
  }
}

void AddDeleteKeys(v1::RecordKind kind, const std::string& id, WriteOp* op) {
  op->writes.push_back(RecordKey(kind, id));
  if (kind == v1::RECORD_KIND_OUTCOME) {
    op->writes.push_back(RecordKey(v1::RECORD_KIND_TIE, OutcomeTieId(id)));
  }
  if (kind == v1::RECORD_KIND_ORGANIZATION) {
    op->reads.push_back(DependentsKey(id));
  }
}

}  // namespace helixmatch
