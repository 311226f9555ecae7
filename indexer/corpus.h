// Shared pieces of the indexed corpus: where things live in a data folder,
// which text of a record is analysed, how vectors are stored, and how the
// derived vector indexes are rebuilt from the store.
#ifndef HELIXMATCH_INDEXER_CORPUS_H_
#define HELIXMATCH_INDEXER_CORPUS_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/record_store.h"
#include "indexer/vector_index.h"

namespace helixmatch {

// A data folder holds the store (RocksDB) and the derived index files:
//   DIR/store/                 RocksDB
//   DIR/index/capabilities.hxidx, DIR/index/needs.hxidx
struct DataDir {
  std::string root;
  std::string StorePath() const { return root + "/store"; }
  std::string IndexFolder() const { return root + "/index"; }
  // kind is RECORD_KIND_CAPABILITY or RECORD_KIND_NEED.
  std::string IndexPath(v1::RecordKind kind) const;
};

// The text analysed for matching: title, unit, description and keywords.
std::string CapabilityText(const v1::CapabilityProfile& profile);
std::string NeedText(const v1::FirmNeed& need);

std::string EncodeVector(std::span<const float> vector);
// DATA_LOSS when the byte count is not dimension * 4.
absl::StatusOr<std::vector<float>> DecodeVector(absl::string_view bytes,
                                                int dimension);

struct BuiltVectorIndex {
  std::unique_ptr<VectorIndex> index;
  std::vector<std::string> slot_ids;  // record id per slot
};

// Builds the vector index of `kind` (capabilities or needs) from the
// vectors in the store.
absl::StatusOr<BuiltVectorIndex> BuildVectorIndex(
    const RecordStore& store, v1::RecordKind kind, int dimension,
    const VectorIndexOptions& options = {});

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_CORPUS_H_
