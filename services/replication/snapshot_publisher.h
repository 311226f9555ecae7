// The writer's side of replication (--publish-dir): takes a snapshot of
// the engine with MatchingEngine::Backup (a RocksDB checkpoint plus both
// vector indexes, between two writes), checksums every file into a
// MANIFEST, moves it to DIR/<sequence>/ and then moves DIR/LATEST to it,
// each step atomic and fsynced (snapshot_manifest.h has the layout). So
// a reader that follows LATEST sees only complete snapshots. Keeps the
// newest `keep` snapshots and removes older ones.
//
// Thread-safe: PublishNow may be called from any thread; publishes run
// one at a time.
#ifndef HELIXMATCH_SERVICES_REPLICATION_SNAPSHOT_PUBLISHER_H_
#define HELIXMATCH_SERVICES_REPLICATION_SNAPSHOT_PUBLISHER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "services/engine/engine_slot.h"
#include "services/engine/matching_engine.h"

namespace helixmatch {

struct PublisherOptions {
  std::string publish_dir;  // created if missing
  // Publish this often when the store changed since the last snapshot
  // (and once at start); 0: only when PublishNow is called.
  int seconds = 0;
  // Snapshots kept in the folder, the newest; at least 2, so a replica
  // still copying the previous one is not cut short by the next publish.
  int keep = 3;
};

// INVALID_ARGUMENT naming the flag (--publish-dir, --publish-seconds,
// --publish-keep) for an empty folder, seconds outside 1..86400 (when
// `periodic`) or keep outside 2..1000.
absl::Status CheckPublisherOptions(const PublisherOptions& options,
                                   bool periodic);

class SnapshotPublisher {
 public:
  // Creates the folder, removes partial snapshots a crash left behind
  // (.partial-*) and, when options.seconds > 0, starts publishing on a
  // thread of its own. `engine` (not owned) must outlive the publisher;
  // `slot` (not owned, may be null) learns each published snapshot for
  // Stats and metrics. UNAVAILABLE when the folder cannot be made or
  // written.
  static absl::StatusOr<std::unique_ptr<SnapshotPublisher>> Start(
      MatchingEngine* engine, EngineSlot* slot, PublisherOptions options);
  // Stops the thread, waiting for a publish in progress.
  ~SnapshotPublisher();

  // Publishes a snapshot now, unless the store has not changed since the
  // last one this publisher wrote and `force` is false (then nullopt).
  // On error nothing is published and LATEST still names the previous
  // snapshot.
  absl::StatusOr<std::optional<SnapshotInfo>> PublishNow(bool force = false);

 private:
  SnapshotPublisher(MatchingEngine* engine, EngineSlot* slot,
                    PublisherOptions options)
      : engine_(engine), slot_(slot), options_(std::move(options)) {}
  void Run();
  absl::StatusOr<SnapshotInfo> Publish(int64_t sequence);
  void RemoveOldSnapshots(int64_t latest);

  MatchingEngine* const engine_;
  EngineSlot* const slot_;
  const PublisherOptions options_;

  std::mutex publish_mu_;                             // one publish at a time
  std::optional<uint64_t> published_store_sequence_;  // guarded by publish_mu_

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_REPLICATION_SNAPSHOT_PUBLISHER_H_
