// The engine a server answers with, and which role the server plays. A
// standalone server or a writer holds one engine for its lifetime; a read
// replica (services/replication/snapshot_follower.h) installs the engine
// of each newer snapshot it loads, and calls that took the previous one
// finish on it: every caller holds the engine it got (a shared_ptr) for
// the whole call, so no call sees half of one snapshot and half of the
// next, and the previous engine is destroyed when its last call returns.
//
// Thread-safe: every method may be called concurrently.
#ifndef HELIXMATCH_SERVICES_ENGINE_ENGINE_SLOT_H_
#define HELIXMATCH_SERVICES_ENGINE_ENGINE_SLOT_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "services/engine/matching_engine.h"

namespace helixmatch {

enum class ServerRole {
  kStandalone,  // one process, reads and writes, publishes nothing
  kWriter,      // reads and writes, publishes snapshots (--publish-dir)
  kReplica,     // reads the writer's snapshots (--replica-of), no writes
};

// "standalone", "writer" or "replica" (Stats.role, metrics labels).
const char* ServerRoleName(ServerRole role);

// A published snapshot: the folder DIR/<sequence>/ of a publish dir.
struct SnapshotInfo {
  int64_t sequence = 0;         // 1, 2, ... per publish dir
  int64_t created_unix_ms = 0;  // when the writer took it
  uint64_t store_sequence = 0;  // every write up to it is in the snapshot
};

// Milliseconds since the writer took `snapshot` (by the system clock).
int64_t SnapshotAgeMs(const SnapshotInfo& snapshot);

class EngineSlot {
 public:
  // An empty slot (a replica before its first snapshot).
  explicit EngineSlot(ServerRole role) : role_(role) {}
  // A slot holding `engine` for good (a standalone server or a writer).
  EngineSlot(std::shared_ptr<MatchingEngine> engine, ServerRole role)
      : role_(role), engine_(std::move(engine)) {}
  // A slot over an engine the caller owns (not owned; it must outlive the
  // slot): for transports built over a plain engine.
  static std::unique_ptr<EngineSlot> Borrowing(MatchingEngine* engine);

  ServerRole role() const { return role_; }

  // The engine to answer one call with; null while none is loaded.
  std::shared_ptr<MatchingEngine> engine() const;
  // Replaces the engine and records the snapshot it was loaded from;
  // returns the previous engine (callers may still hold it).
  std::shared_ptr<MatchingEngine> Install(
      std::shared_ptr<MatchingEngine> engine, const SnapshotInfo& snapshot);
  // A writer's last published snapshot.
  void SetPublished(const SnapshotInfo& snapshot);
  // The snapshot served (replica) or last published (writer); nullopt
  // when there is none yet, and always for a standalone server.
  std::optional<SnapshotInfo> snapshot() const;
  // Empties the slot and returns its engine (to destroy it at shutdown).
  std::shared_ptr<MatchingEngine> Release();

 private:
  const ServerRole role_;
  mutable std::mutex mu_;
  std::shared_ptr<MatchingEngine> engine_;  // guarded by mu_
  std::optional<SnapshotInfo> snapshot_;    // guarded by mu_
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGINE_ENGINE_SLOT_H_
