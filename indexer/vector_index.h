// Nearest-neighbour search over unit vectors by inner product (cosine),
// behind one interface whatever FAISS index serves it: exact Flat below
// kHnswThreshold vectors, HNSW above.
//
// Vectors live in "slots" numbered 0, 1, 2, ... in the order they were
// added; the caller maps slots to records and marks deleted slots by
// leaving them out of the selector it passes to Search (HNSW cannot remove
// vectors). Files written by Save carry our own checksummed header, since
// FAISS itself loads damaged files without complaint.
//
// Thread safety: Search is const and may run concurrently with other
// Searches; Add must not run concurrently with anything (callers hold a
// writer lock).
#ifndef HELIXMATCH_INDEXER_VECTOR_INDEX_H_
#define HELIXMATCH_INDEXER_VECTOR_INDEX_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace faiss {
struct Index;
struct IDSelector;
}  // namespace faiss

namespace helixmatch {

struct VectorHit {
  int64_t slot;
  float score;  // inner product; cosine for unit vectors
};

// Chooses which slots a search may return. Implementations must be cheap:
// is_allowed runs once per visited vector.
class SlotFilter {
 public:
  virtual ~SlotFilter() = default;
  virtual bool IsAllowed(int64_t slot) const = 0;
  // Upper bound on allowed slots, used to pick an exact scan when the
  // filter is very selective; -1 when unknown.
  virtual int64_t AllowedCountHint() const { return -1; }
};

enum class VectorIndexKind { kFlat, kHnsw };

struct VectorIndexOptions {
  // At or above this many vectors Create picks HNSW.
  int64_t hnsw_threshold = 20000;
  int hnsw_m = 32;
  int hnsw_ef_construction = 160;
  int hnsw_ef_search = 128;
  // Threads that link new vectors into the graph; 0: one per core, at
  // most 8. Any count gives the same graph.
  int build_threads = 0;
  // With a filter that allows fewer slots than this share of all slots,
  // search scans the allowed slots exactly instead of the graph.
  double exact_scan_share = 0.05;
};

// What Save records beside the vectors and Load gives back.
struct VectorIndexFileInfo {
  uint64_t store_sequence = 0;        // the store's sequence the index reflects
  std::vector<std::string> slot_ids;  // record id per slot; "" = deleted
};

class VectorIndex {
 public:
  // An empty index of `dimension` sized for about `expected_vectors`.
  static absl::StatusOr<std::unique_ptr<VectorIndex>> Create(
      int dimension, int64_t expected_vectors,
      const VectorIndexOptions& options = {});
  ~VectorIndex();

  // Appends n vectors (n * dimension floats); returns the first new slot.
  // A Flat index that reaches hnsw_threshold slots becomes HNSW here.
  // Deterministic: the same vectors added in the same calls give the same
  // index, whatever options.build_threads is.
  absl::StatusOr<int64_t> Add(std::span<const float> vectors);

  // Up to k best slots allowed by `filter` (nullptr: all), best first.
  // INVALID_ARGUMENT when the query has the wrong dimension.
  absl::StatusOr<std::vector<VectorHit>> Search(
      std::span<const float> query, int k,
      const SlotFilter* filter = nullptr) const;

  // The stored vector of a slot (dimension floats).
  std::span<const float> Vector(int64_t slot) const {
    return {SlotVector(slot), static_cast<size_t>(dimension_)};
  }

  // Inner product of the query with one slot's vector.
  float Score(std::span<const float> query, int64_t slot) const;
  // Asks the CPU to start loading a slot's vector (a hint; results do not
  // change): a loop scoring many scattered slots calls it a few slots
  // ahead, so the memory reads overlap instead of waiting one by one.
  void Prefetch(int64_t slot) const;

  int dimension() const { return dimension_; }
  int64_t slots() const;
  VectorIndexKind kind() const { return kind_; }
  // e.g. "HNSW32(IP) 100d, 120000 slots".
  std::string Describe() const;

  // Writes the index atomically: temp file, fsync, rename, fsync of the
  // folder. `info.slot_ids` must have one entry per slot.
  absl::Status Save(const std::string& path,
                    const VectorIndexFileInfo& info) const;

  // Reads and verifies a file written by Save. NOT_FOUND when missing,
  // DATA_LOSS when the header, checksum or contents are wrong.
  static absl::StatusOr<std::unique_ptr<VectorIndex>> Load(
      const std::string& path, int expected_dimension,
      VectorIndexFileInfo* info, const VectorIndexOptions& options = {});

 private:
  VectorIndex() = default;
  std::vector<VectorHit> ExactScan(std::span<const float> query, int k,
                                   const SlotFilter& filter) const;
  const float* SlotVector(int64_t slot) const;

  int dimension_ = 0;
  VectorIndexKind kind_ = VectorIndexKind::kFlat;
  VectorIndexOptions options_;
  std::unique_ptr<faiss::Index> index_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_VECTOR_INDEX_H_
