// The replica's side of replication (--replica-of): follows DIR/LATEST
// of a writer's publish dir, copies each newer snapshot into a folder of
// its own while checking every byte against the snapshot's MANIFEST,
// opens an engine on the copy and installs it in the EngineSlot. Calls
// in flight finish on the engine they started with; the previous engine
// and its copy are removed when the last of them returns.
//
// A snapshot that is partial or corrupt (no MANIFEST, a missing file, a
// byte that differs, an engine that does not open) is skipped, logged
// and never tried again; the replica keeps serving what it served, and
// tries the next older complete snapshot when it has none yet.
//
// Thread-safe: CheckNow may be called from any thread; checks run one at
// a time.
#ifndef HELIXMATCH_SERVICES_REPLICATION_SNAPSHOT_FOLLOWER_H_
#define HELIXMATCH_SERVICES_REPLICATION_SNAPSHOT_FOLLOWER_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "services/engine/engine_slot.h"
#include "services/engine/matching_engine.h"

namespace helixmatch {

struct FollowerOptions {
  std::string publish_dir;  // the writer's --publish-dir
  // Where the copies go (one sub-folder per loaded snapshot; stale ones
  // from an earlier run are removed at start). Created if missing.
  std::string work_dir;
  // Look for a newer snapshot this often; 0: only when CheckNow is called.
  int poll_ms = 2000;
  // How each snapshot's engine is opened; data_dir is set per snapshot,
  // word vectors are loaded once (from word_vectors_path unless
  // word_vectors is set) and shared by every engine.
  EngineOptions engine;
};

// INVALID_ARGUMENT naming the flag (--replica-of, --replica-poll-ms) for
// an empty folder or poll_ms outside 100..3600000 (when `periodic`).
absl::Status CheckFollowerOptions(const FollowerOptions& options,
                                  bool periodic);

class SnapshotFollower {
 public:
  // Called after each snapshot is installed, on the thread that loaded it.
  using LoadedCallback = std::function<void(const SnapshotInfo&)>;

  // Loads the word vectors, prepares the work folder and, when
  // options.poll_ms > 0, starts following on a thread of its own (the
  // first check runs at once). `slot` (not owned, a kReplica slot) must
  // outlive the follower. NOT_FOUND "--replica-of: ..." when the publish
  // dir is not a folder; UNAVAILABLE when the work folder cannot be made.
  static absl::StatusOr<std::unique_ptr<SnapshotFollower>> Start(
      EngineSlot* slot, FollowerOptions options, LoadedCallback on_loaded);
  // Stops the thread, waiting for a load in progress.
  ~SnapshotFollower();

  // Installs the newest complete snapshot newer than the one served;
  // nullopt when there is none (or none that verifies: those are
  // skipped). An error only for a publish dir that cannot be read.
  absl::StatusOr<std::optional<SnapshotInfo>> CheckNow();

  // Snapshots skipped as partial or corrupt since the start.
  int64_t skipped() const;
  // Milliseconds the last successful load took (copy, verify, open).
  int64_t last_load_ms() const;

 private:
  SnapshotFollower(EngineSlot* slot, FollowerOptions options,
                   LoadedCallback on_loaded)
      : slot_(slot),
        options_(std::move(options)),
        on_loaded_(std::move(on_loaded)) {}
  void Run();
  // Copies, verifies and opens snapshot `sequence`; installs it.
  absl::StatusOr<SnapshotInfo> Load(int64_t sequence);

  EngineSlot* const slot_;
  const FollowerOptions options_;
  const LoadedCallback on_loaded_;

  mutable std::mutex check_mu_;          // one check at a time
  std::set<int64_t> skipped_sequences_;  // guarded by check_mu_
  int64_t skipped_ = 0;                  // guarded by check_mu_
  int64_t last_load_ms_ = 0;             // guarded by check_mu_

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_REPLICATION_SNAPSHOT_FOLLOWER_H_
