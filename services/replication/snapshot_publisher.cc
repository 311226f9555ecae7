#include "services/replication/snapshot_publisher.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "indexer/atomic_file.h"
#include "services/replication/snapshot_manifest.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace fs = std::filesystem;
namespace {

constexpr char kPartialPrefix[] = ".partial-";

absl::Status SyncFolder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError(absl::StrCat("cannot sync '", folder, "'"));
  }
  ::close(fd);
  return absl::OkStatus();
}

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

absl::Status CheckPublisherOptions(const PublisherOptions& options,
                                   bool periodic) {
  if (options.publish_dir.empty()) {
    return absl::InvalidArgumentError("--publish-dir: is empty");
  }
  if (periodic && (options.seconds < 1 || options.seconds > 86400)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--publish-seconds: ", options.seconds, " is outside 1..86400"));
  }
  if (options.keep < 2 || options.keep > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--publish-keep: ", options.keep, " is outside 2..1000"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SnapshotPublisher>> SnapshotPublisher::Start(
    MatchingEngine* engine, EngineSlot* slot, PublisherOptions options) {
  if (auto s = CheckPublisherOptions(options, false); !s.ok()) return s;
  std::error_code error;
  fs::create_directories(options.publish_dir, error);
  if (error || !fs::is_directory(options.publish_dir)) {
    return absl::UnavailableError(
        absl::StrCat("--publish-dir: cannot make folder '", options.publish_dir,
                     "'", error ? ": " + error.message() : ""));
  }
  for (fs::directory_iterator it(options.publish_dir, error), end;
       !error && it != end; it.increment(error)) {
    if (absl::StartsWith(it->path().filename().string(), kPartialPrefix)) {
      spdlog::warn("removing the partial snapshot {}", it->path().string());
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }
  // A writable folder, checked now rather than at the first publish.
  const std::string probe = options.publish_dir + "/.write-test";
  if (auto s = WriteFileAtomically(probe, {}); !s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("--publish-dir: cannot write in '", options.publish_dir,
                     "': ", s.message()));
  }
  fs::remove(probe, error);
  auto publisher = std::unique_ptr<SnapshotPublisher>(
      new SnapshotPublisher(engine, slot, std::move(options)));
  if (auto latest = ReadLatest(publisher->options_.publish_dir);
      latest.ok() && slot != nullptr) {
    if (auto manifest = ReadManifest(
            SnapshotFolder(publisher->options_.publish_dir, *latest));
        manifest.ok()) {
      slot->SetPublished(manifest->info);
    }
  }
  if (publisher->options_.seconds > 0) {
    publisher->thread_ = std::thread([p = publisher.get()] { p->Run(); });
  }
  return publisher;
}

SnapshotPublisher::~SnapshotPublisher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SnapshotPublisher::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  do {
    lock.unlock();
    if (auto published = PublishNow(); !published.ok()) {
      spdlog::error("snapshot not published: {}",
                    std::string(published.status().message()));
    }
    lock.lock();
  } while (!cv_.wait_for(lock, std::chrono::seconds(options_.seconds),
                         [&] { return stopping_; }));
}

absl::StatusOr<std::optional<SnapshotInfo>> SnapshotPublisher::PublishNow(
    bool force) {
  std::lock_guard<std::mutex> lock(publish_mu_);
  if (!force && published_store_sequence_.has_value() &&
      *published_store_sequence_ == engine_->Stats().store_sequence()) {
    return std::nullopt;
  }
  int64_t sequence = 0;
  const std::vector<int64_t> existing = ListSnapshots(options_.publish_dir);
  if (!existing.empty()) sequence = existing.back();
  if (auto latest = ReadLatest(options_.publish_dir); latest.ok()) {
    sequence = std::max(sequence, *latest);
  }
  auto info = Publish(sequence + 1);
  if (!info.ok()) return info.status();
  published_store_sequence_ = info->store_sequence;
  if (slot_ != nullptr) slot_->SetPublished(*info);
  RemoveOldSnapshots(info->sequence);
  return *info;
}

absl::StatusOr<SnapshotInfo> SnapshotPublisher::Publish(int64_t sequence) {
  const auto start = std::chrono::steady_clock::now();
  const std::string& dir = options_.publish_dir;
  const std::string partial = absl::StrCat(dir, "/", kPartialPrefix, sequence);
  const std::string folder = SnapshotFolder(dir, sequence);
  std::error_code error;
  fs::remove_all(partial, error);
  SnapshotInfo info;
  info.sequence = sequence;
  info.created_unix_ms = NowUnixMs();
  auto backup = engine_->Backup(partial);
  const auto cleanup = [&](absl::Status s) {
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    return s;
  };
  if (!backup.ok()) return cleanup(backup.status());
  info.store_sequence = backup->store_sequence();
  auto manifest = DescribeFolder(partial, info);
  if (!manifest.ok()) return cleanup(manifest.status());
  const std::string text = SerializeManifest(*manifest);
  const absl::string_view parts[] = {text};
  if (auto s =
          WriteFileAtomically(absl::StrCat(partial, "/", kManifestName), parts);
      !s.ok()) {
    return cleanup(s);
  }
  fs::rename(partial, folder, error);
  if (error) {
    return cleanup(absl::UnavailableError(absl::StrCat(
        "moving '", partial, "' to '", folder, "': ", error.message())));
  }
  if (auto s = SyncFolder(dir); !s.ok()) return s;
  const std::string latest = absl::StrCat(sequence, "\n");
  const absl::string_view latest_parts[] = {latest};
  if (auto s = WriteFileAtomically(absl::StrCat(dir, "/", kLatestName),
                                   latest_parts);
      !s.ok()) {
    return s;
  }
  uint64_t bytes = 0;
  for (const auto& f : manifest->files) bytes += f.bytes;
  spdlog::info(
      "published snapshot {} (store sequence {}, {} files, {} bytes) in {} ms",
      sequence, info.store_sequence, manifest->files.size(), bytes,
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start)
          .count());
  return info;
}

void SnapshotPublisher::RemoveOldSnapshots(int64_t latest) {
  std::vector<int64_t> sequences = ListSnapshots(options_.publish_dir);
  const size_t keep = static_cast<size_t>(options_.keep);
  if (sequences.size() <= keep) return;
  sequences.resize(sequences.size() - keep);
  for (int64_t sequence : sequences) {
    if (sequence == latest) continue;
    std::error_code error;
    fs::remove_all(SnapshotFolder(options_.publish_dir, sequence), error);
    if (error) {
      spdlog::warn("cannot remove old snapshot {}: {}", sequence,
                   error.message());
    }
  }
}

}  // namespace helixmatch
