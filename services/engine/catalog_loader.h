// Loads the catalog from the store at start: organizations, capability
// profiles and needs with their vector indexes, ties and outcomes. Each
// index is recovered by indexer/index_snapshot.h: loaded from its file,
// brought up to date by replaying the store's changes since the sequence
// the file reflects, or rebuilt from the stored vectors; the log says
// which and why.
#ifndef HELIXMATCH_SERVICES_ENGINE_CATALOG_LOADER_H_
#define HELIXMATCH_SERVICES_ENGINE_CATALOG_LOADER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "indexer/data_dir.h"
#include "indexer/index_snapshot.h"
#include "indexer/record_store.h"
#include "indexer/vector_index.h"
#include "services/catalog/catalog.h"

namespace helixmatch {

struct LoadedCatalog {
  std::unique_ptr<Catalog> catalog;
  IndexRecovery capability_recovery;  // how each index was obtained
  IndexRecovery need_recovery;
};

// Errors: the store's (DATA_LOSS for a record that does not parse) or
// DATA_LOSS when a recovered index cannot be matched to the catalog.
absl::StatusOr<LoadedCatalog> LoadCatalog(const RecordStore& store,
                                          const DataDir& dir, int dimension,
                                          const VectorIndexOptions& options);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGINE_CATALOG_LOADER_H_
