// Group commit: every write of the engine goes through Commit. The first
// writer to find no commit in progress becomes the leader: it takes the
// queued writes from the front while they do not conflict with each other
// (at most kMaxGroupWrites operations and kMaxGroupRecords records),
// checks each against the catalog under the read lock, writes all the
// accepted changes in one synced RocksDB batch (one fsync for the group),
// applies them to the catalog under the write lock and wakes their
// writers. A write that conflicts waits for the next group, so writes to
// the same records keep their arrival order and each is checked against
// the state its predecessors left. A write is acknowledged (Commit
// returns OK) only after its group is durable.
//
// Thread-safe. Lock order: the write mutex (HoldWrites), then the
// catalog lock; never the reverse.
#ifndef HELIXMATCH_SERVICES_ENGINE_GROUP_COMMIT_H_
#define HELIXMATCH_SERVICES_ENGINE_GROUP_COMMIT_H_

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "indexer/record_store.h"
#include "services/engine/catalog_lock.h"

namespace helixmatch {

// One writer's request in the queue.
struct WriteOp {
  using KeySet = std::unordered_set<std::string>;
  // Conflict keys: records written (exclusive), organizations whose
  // existence is relied on, organizations gaining a dependent record.
  std::vector<std::string> writes, reads, adds;
  size_t records = 1;
  // Run by the group's leader under the catalog's read lock: checks the
  // write against the catalog and adds its changes to the batch. An error
  // refuses this write only.
  std::function<absl::Status(StoreBatch*)> check;
  // Run under the catalog's write lock once the group's batch is durable.
  std::function<absl::Status()> apply;

  bool ConflictsWith(const KeySet& writes, const KeySet& reads,
                     const KeySet& adds) const;
};

// Observations counted into fixed buckets, for metrics: counts[i] holds
// the values <= kBounds[i] (and above kBounds[i - 1]); counts.back() the
// values above every bound.
template <size_t N>
struct BucketCounts {
  std::array<double, N> bounds;
  std::array<int64_t, N + 1> counts{};
  double sum = 0;

  void Observe(double value) {
    size_t i = 0;
    while (i < N && value > bounds[i]) ++i;
    ++counts[i];
    sum += value;
  }
};

struct CommitCounters {
  int64_t groups = 0;              // groups written
  int64_t writes = 0;              // accepted writes that changed the store
  int64_t changes_since_save = 0;  // store operations since MarkSaved
  // Per group written: its accepted writes, and the seconds its synced
  // store write took (the fsync the group shares).
  BucketCounts<9> group_writes{{1, 2, 4, 8, 16, 32, 64, 128, 256}};
  BucketCounts<12> sync_seconds{{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05, 0.1, 0.25, 0.5, 1, 2.5}};
};

class GroupCommit {
 public:
  static constexpr size_t kMaxGroupWrites = 256;
  static constexpr size_t kMaxGroupRecords = 4096;

  // `store` and `lock` must outlive this object.
  GroupCommit(RecordStore* store, const CatalogLock* lock)
      : store_(store), lock_(lock) {}

  // Queues `op` and returns once it is durable and applied, or refused
  // (the status of its check, of the store write or of its apply).
  absl::Status Commit(WriteOp& op);

  // No group is written or applied while the returned lock is held.
  [[nodiscard]] std::unique_lock<std::mutex> HoldWrites() const {
    return std::unique_lock<std::mutex>(write_mu_);
  }
  CommitCounters Counters() const;
  // Resets changes_since_save; `held` is the caller's HoldWrites lock.
  void MarkSaved(const std::unique_lock<std::mutex>& held);

 private:
  struct Queued {
    WriteOp* op;
    absl::Status status;
    bool done = false;  // guarded by queue_mu_
  };
  // Takes the group from the front of the queue (queue_mu_ held).
  std::vector<Queued*> TakeGroup();
  void RunGroup(const std::vector<Queued*>& group);

  RecordStore* store_;
  const CatalogLock* lock_;
  std::mutex queue_mu_;  // guards queue_, committing_, Queued::done
  std::condition_variable queue_cv_;
  std::deque<Queued*> queue_;
  bool committing_ = false;
  mutable std::mutex write_mu_;  // serializes groups; guards counters_
  CommitCounters counters_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGINE_GROUP_COMMIT_H_
