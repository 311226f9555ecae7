// Loads the catalog from the store at start: organizations, capability
// profiles and needs with their vector indexes, ties and outcomes. An
// index is loaded from its file, brought up to date by replaying the
// store's changes since the sequence the file reflects, or rebuilt from
// the stored vectors when neither works; the log says which and why.
#ifndef HELIXMATCH_SERVICES_ENGINE_CATALOG_LOADER_H_
#define HELIXMATCH_SERVICES_ENGINE_CATALOG_LOADER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "indexer/corpus.h"
#include "indexer/record_store.h"
#include "indexer/vector_index.h"
#include "services/catalog/catalog.h"

namespace helixmatch {

struct LoadedCatalog {
  std::unique_ptr<Catalog> catalog;
  // How each index was obtained: "loaded", "replayed N ... changes since
  // sequence S" or "rebuilt: REASON".
  std::string capability_recovery;
  std::string need_recovery;
};

// DATA_LOSS when a stored record does not parse or an index cannot be
// matched to the store.
absl::StatusOr<LoadedCatalog> LoadCatalog(const RecordStore& store,
                                          const DataDir& dir, int dimension,
                                          const VectorIndexOptions& options,
                                          absl::string_view model_identity);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGINE_CATALOG_LOADER_H_
