#include "services/engine/engine_slot.h"

#include <chrono>

namespace helixmatch {

const char* ServerRoleName(ServerRole role) {
  switch (role) {
    case ServerRole::kWriter:
      return "writer";
    case ServerRole::kReplica:
      return "replica";
    case ServerRole::kStandalone:
      break;
  }
  return "standalone";
}

int64_t SnapshotAgeMs(const SnapshotInfo& snapshot) {
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  return now_ms - snapshot.created_unix_ms;
}

std::unique_ptr<EngineSlot> EngineSlot::Borrowing(MatchingEngine* engine) {
  // The no-op deleter: the caller owns the engine.
  return std::make_unique<EngineSlot>(
      std::shared_ptr<MatchingEngine>(engine, [](MatchingEngine*) {}),
      ServerRole::kStandalone);
}

std::shared_ptr<MatchingEngine> EngineSlot::engine() const {
  std::lock_guard<std::mutex> lock(mu_);
  return engine_;
}

std::shared_ptr<MatchingEngine> EngineSlot::Install(
    std::shared_ptr<MatchingEngine> engine, const SnapshotInfo& snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  engine_.swap(engine);
  snapshot_ = snapshot;
  return engine;
}

void EngineSlot::SetPublished(const SnapshotInfo& snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = snapshot;
}

std::optional<SnapshotInfo> EngineSlot::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

std::shared_ptr<MatchingEngine> EngineSlot::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(engine_);
}

}  // namespace helixmatch
