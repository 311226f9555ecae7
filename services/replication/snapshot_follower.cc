#include "services/replication/snapshot_follower.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "indexer/word_vectors.h"
#include "services/replication/snapshot_manifest.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace fs = std::filesystem;
namespace {

constexpr char kCopyPrefix[] = "snapshot-";

// Copies `from` to `to` and checks the copy's size and SHA-256 against
// the manifest in the same pass, so what is opened is what was checked.
absl::Status CopyVerified(const std::string& from, const std::string& to,
                          const SnapshotManifest::File& expected) {
  std::ifstream in(from, std::ios::binary);
  if (!in) {
    return absl::DataLossError(
        absl::StrCat("file '", expected.path, "' is missing"));
  }
  std::error_code error;
  fs::create_directories(fs::path(to).parent_path(), error);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  if (!out)
    return absl::UnavailableError(absl::StrCat("cannot write '", to, "'"));
  auto digest = HashStream(in, &out, from);
  out.close();
  if (!digest.ok() && digest.status().code() == absl::StatusCode::kInternal) {
    return digest.status();
  }
  if (!digest.ok() || !out) {
    return absl::UnavailableError(absl::StrCat("copying '", from, "' failed"));
  }
  if (digest->bytes != expected.bytes || digest->sha256 != expected.sha256) {
    return absl::DataLossError(
        absl::StrCat("file '", expected.path, "' differs from the manifest (",
                     digest->bytes, " bytes, expected ", expected.bytes, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckFollowerOptions(const FollowerOptions& options,
                                  bool periodic) {
  if (options.publish_dir.empty()) {
    return absl::InvalidArgumentError("--replica-of: is empty");
  }
  if (periodic && (options.poll_ms < 100 || options.poll_ms > 3600000)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--replica-poll-ms: ", options.poll_ms, " is outside 100..3600000"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SnapshotFollower>> SnapshotFollower::Start(
    EngineSlot* slot, FollowerOptions options, LoadedCallback on_loaded) {
  if (auto s = CheckFollowerOptions(options, false); !s.ok()) return s;
  std::error_code error;
  if (!fs::is_directory(options.publish_dir, error)) {
    return absl::NotFoundError(absl::StrCat(
        "--replica-of: '", options.publish_dir,
        "' is not a folder (the writer's --publish-dir, mounted here)"));
  }
  fs::create_directories(options.work_dir, error);
  if (error || !fs::is_directory(options.work_dir)) {
    return absl::UnavailableError(absl::StrCat(
        "cannot make the replica's folder '", options.work_dir, "'"));
  }
  // Copies of an earlier run (stopped, or killed in the middle of a load).
  for (fs::directory_iterator it(options.work_dir, error), end;
       !error && it != end; it.increment(error)) {
    if (absl::StartsWith(it->path().filename().string(), kCopyPrefix)) {
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }
  if (options.engine.word_vectors == nullptr) {
    auto vectors = WordVectors::Load(options.engine.word_vectors_path);
    if (!vectors.ok()) return vectors.status();
    options.engine.word_vectors = *std::move(vectors);
  }
  options.engine.save_indexes_on_close = false;
  auto follower = std::unique_ptr<SnapshotFollower>(
      new SnapshotFollower(slot, std::move(options), std::move(on_loaded)));
  if (follower->options_.poll_ms > 0) {
    follower->thread_ = std::thread([f = follower.get()] { f->Run(); });
  }
  return follower;
}

SnapshotFollower::~SnapshotFollower() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SnapshotFollower::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  do {
    lock.unlock();
    if (auto loaded = CheckNow(); !loaded.ok()) {
      spdlog::warn("replica: {}", std::string(loaded.status().message()));
    }
    lock.lock();
  } while (!cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                         [&] { return stopping_; }));
}

int64_t SnapshotFollower::skipped() const {
  std::lock_guard<std::mutex> lock(check_mu_);
  return skipped_;
}

int64_t SnapshotFollower::last_load_ms() const {
  std::lock_guard<std::mutex> lock(check_mu_);
  return last_load_ms_;
}

absl::StatusOr<std::optional<SnapshotInfo>> SnapshotFollower::CheckNow() {
  std::lock_guard<std::mutex> lock(check_mu_);
  auto latest = ReadLatest(options_.publish_dir);
  if (absl::IsNotFound(latest.status())) return std::nullopt;  // none yet
  if (!latest.ok()) return latest.status();
  const auto served = slot_->snapshot();
  const int64_t current = served ? served->sequence : 0;
  // Newest first: LATEST, then older complete ones while none is served.
  std::vector<int64_t> candidates;
  for (int64_t sequence : ListSnapshots(options_.publish_dir)) {
    if (sequence > current && sequence <= *latest &&
        skipped_sequences_.count(sequence) == 0) {
      candidates.push_back(sequence);
    }
  }
  std::sort(candidates.rbegin(), candidates.rend());
  for (int64_t sequence : candidates) {
    auto info = Load(sequence);
    if (info.ok()) return *info;
    if (!fs::exists(SnapshotFolder(options_.publish_dir, sequence))) {
      continue;  // removed by the writer while we copied: not corrupt
    }
    spdlog::error("replica: skipping snapshot {}: {}", sequence,
                  std::string(info.status().message()));
    skipped_sequences_.insert(sequence);
    ++skipped_;
    if (served) break;  // keep serving; never go back to an older one
  }
  return std::nullopt;
}

absl::StatusOr<SnapshotInfo> SnapshotFollower::Load(int64_t sequence) {
  const auto start = std::chrono::steady_clock::now();
  const std::string source = SnapshotFolder(options_.publish_dir, sequence);
  auto manifest = ReadManifest(source);
  if (!manifest.ok()) return manifest.status();
  if (manifest->info.sequence != sequence) {
    return absl::DataLossError(
        absl::StrCat("its manifest names sequence ", manifest->info.sequence));
  }
  const std::string copy =
      absl::StrCat(options_.work_dir, "/", kCopyPrefix, sequence);
  std::error_code error;
  fs::remove_all(copy, error);
  const auto discard = [&](absl::Status s) {
    std::error_code ignored;
    fs::remove_all(copy, ignored);
    return s;
  };
  for (const auto& file : manifest->files) {
    if (auto s = CopyVerified(source + "/" + file.path, copy + "/" + file.path,
                              file);
        !s.ok()) {
      return discard(s);
    }
  }
  EngineOptions engine_options = options_.engine;
  engine_options.data_dir = copy;
  auto engine = MatchingEngine::Open(engine_options);
  if (!engine.ok()) return discard(engine.status());
  // The copy goes with the engine, once the last call holding it returns.
  std::shared_ptr<MatchingEngine> shared(engine->release(),
                                         [copy](MatchingEngine* e) {
                                           delete e;
                                           std::error_code ignored;
                                           fs::remove_all(copy, ignored);
                                         });
  const auto loaded = std::chrono::steady_clock::now();
  auto previous = slot_->Install(std::move(shared), manifest->info);
  const auto installed = std::chrono::steady_clock::now();
  // The previous engine closes here unless calls still hold it (then the
  // last of them closes it): not part of the swap.
  previous.reset();
  last_load_ms_ =
      std::chrono::duration_cast<std::chrono::milliseconds>(loaded - start)
          .count();
  spdlog::info(
      "replica: serving snapshot {} (store sequence {}, taken {} ms ago); "
      "copied, verified and opened in {} ms, swapped in {} us",
      sequence, manifest->info.store_sequence, SnapshotAgeMs(manifest->info),
      last_load_ms_,
      std::chrono::duration_cast<std::chrono::microseconds>(installed - loaded)
          .count());
  if (on_loaded_) on_loaded_(manifest->info);
  return manifest->info;
}

}  // namespace helixmatch
