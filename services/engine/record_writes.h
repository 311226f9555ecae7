// The engine's side of writing one record: validation and embedding (no
// lock needed), the references checked against the catalog, the keys a
// write conflicts on in the group commit, and the store writes.
#ifndef HELIXMATCH_SERVICES_ENGINE_RECORD_WRITES_H_
#define HELIXMATCH_SERVICES_ENGINE_RECORD_WRITES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/embedder.h"
#include "indexer/record_store.h"
#include "services/catalog/catalog.h"
#include "services/catalog/visibility.h"
#include "services/engine/group_commit.h"

namespace helixmatch {

// A valid record with its vector (capabilities and needs), ready to be
// checked against the catalog and written.
struct EmbeddedRecord {
  v1::Record record;
  std::vector<float> vector;
  bool created = true;  // set by CheckReferences
};

// ValidateForWrite (records.h; `path` prefixes the reserved-id error) and
// the embedding of the record's text.
absl::StatusOr<EmbeddedRecord> EmbedForWrite(const Embedder& embedder,
                                             const v1::Record& record,
                                             absl::string_view path);

// FAILED_PRECONDITION naming the field when an organization the record
// refers to is neither live in the catalog nor in
// `organizations_in_batch`. Sets record->created.
absl::Status CheckReferences(
    const Catalog& catalog, EmbeddedRecord* record,
    const std::vector<std::string>& organizations_in_batch);

// For an outcome, what `writer` stores over the catalog's outcome of the
// same id (services/programmes/outcome_claims.h: claims and
// confirmations); other records are left as they are. Errors as
// ResolveOutcomeWrite.
absl::Status ResolveOutcomeClaim(const Catalog& catalog, const Viewer& writer,
                                 EmbeddedRecord* record);

// The keys an upsert or a delete conflicts on (see WriteOp).
void AddUpsertKeys(const v1::Record& record, WriteOp* op);
void AddDeleteKeys(v1::RecordKind kind, const std::string& id, WriteOp* op);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGINE_RECORD_WRITES_H_
