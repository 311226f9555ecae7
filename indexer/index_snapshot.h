// The vector index of capabilities or needs as a file beside the store (a
// snapshot): built from vectors, saved with the store sequence it reflects,
// and recovered at start by loading the file, replaying the store's changes
// since that sequence, or rebuilding it from the vectors in the store.
//
// The store is the source of truth; an index file is derived and can always
// be rebuilt from it. Not thread-safe: each call owns what it returns.
#ifndef HELIXMATCH_INDEXER_INDEX_SNAPSHOT_H_
#define HELIXMATCH_INDEXER_INDEX_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "indexer/record_store.h"
#include "indexer/vector_index.h"

namespace helixmatch {

struct BuiltVectorIndex {
  std::unique_ptr<VectorIndex> index;
  std::vector<std::string> slot_ids;  // record id per slot
};

// Builds an index whose slot i holds the vector of slot_ids[i], the i-th
// `dimension` floats of `vectors`. The vectors are added in one call, so
// the same input gives the same index (and HNSW graph) bit for bit.
// INVALID_ARGUMENT when the sizes do not match.
absl::StatusOr<BuiltVectorIndex> BuildVectorIndex(
    std::vector<std::string> slot_ids, std::span<const float> vectors,
    int dimension, const VectorIndexOptions& options = {});

// Writes `index` to `path` (atomically, see VectorIndex::Save) with `info`:
// the store sequence it reflects and one id per slot ("" for a dead slot).
// Creates the folder of `path` when missing.
absl::Status SaveVectorIndex(const VectorIndex& index, const std::string& path,
                             const VectorIndexFileInfo& info);

// How a recovered index was obtained.
struct IndexRecovery {
  enum class How {
    kLoaded,    // the file reflects the store's last sequence
    kReplayed,  // the file plus the store's changes since its sequence
    kRebuilt,   // from the vectors in the store
  };
  How how = How::kLoaded;
  // As shown by Stats and logged: "loaded", "replayed N capability changes
  // since sequence S" or "rebuilt: REASON".
  std::string description;
};

// What RecoverVectorIndex gives back. `Stored` is storage::StoredCapability
// or storage::StoredNeed.
template <class Stored>
struct RecoveredIndex {
  IndexRecovery recovery;
  std::unique_ptr<VectorIndex> index;
  // One per slot of `index`: the id of the stored record whose vector the
  // slot holds, or "" for a dead slot (deleted, replaced, or changed since
  // the file was saved).
  std::vector<std::string> slot_ids;
  // The records changed since the file was saved that still exist, in id
  // order, with their stored vectors: the caller adds them after the slots.
  struct Appended {
    std::string id;
    std::vector<float> vector;
  };
  std::vector<Appended> appended;
  // Every stored record of the kind, by id.
  std::map<std::string, Stored, std::less<>> stored;
};

// Recovers the index of kStoredKind<Stored> saved at `path`: the file as
// saved when its store sequence is the store's; the file with the changes
// since its sequence replayed (RecordStore::ChangedIdsSince) when older;
// otherwise rebuilt, in id order, from the stored vectors: when the file
// does not load (missing, header, checksum, dimension), reflects a sequence
// beyond the store's, names an id the store no longer has, the log does not
// reach back, or the live count after the replay differs from the store's.
// Logs which of the three happened and why. Errors: the store's (a record
// that does not parse), or DATA_LOSS for a stored vector of the wrong size.
template <class Stored>
absl::StatusOr<RecoveredIndex<Stored>> RecoverVectorIndex(
    const RecordStore& store, const std::string& path, int dimension,
    const VectorIndexOptions& options = {});

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_INDEX_SNAPSHOT_H_
