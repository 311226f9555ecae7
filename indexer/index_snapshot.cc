#include "indexer/index_snapshot.h"

#include <filesystem>
#include <set>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "indexer/records.h"
#include "spdlog/spdlog.h"

namespace helixmatch {

absl::StatusOr<BuiltVectorIndex> BuildVectorIndex(
    std::vector<std::string> slot_ids, std::span<const float> vectors,
    int dimension, const VectorIndexOptions& options) {
  if (dimension <= 0 ||
      vectors.size() != slot_ids.size() * static_cast<size_t>(dimension)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "building a vector index: ", vectors.size(), " floats for ",
        slot_ids.size(), " ids of dimension ", dimension));
  }
  auto index = VectorIndex::Create(
      dimension, static_cast<int64_t>(slot_ids.size()), options);
  if (!index.ok()) return index.status();
  if (!vectors.empty()) {
    if (auto added = (*index)->Add(vectors); !added.ok()) {
      return added.status();
    }
  }
  return BuiltVectorIndex{std::move(*index), std::move(slot_ids)};
}

absl::Status SaveVectorIndex(const VectorIndex& index, const std::string& path,
                             const VectorIndexFileInfo& info) {
  const std::filesystem::path folder =
      std::filesystem::path(path).parent_path();
  if (!folder.empty()) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("creating '", folder.string(), "': ", error.message()));
    }
  }
  return index.Save(path, info);
}

namespace {

// Why the saved index (its Load status and file info) cannot be brought up
// to date, or "" when it can; then *changed holds the ids to replay.
std::string RebuildReason(const RecordStore& store, v1::RecordKind kind,
                          const absl::Status& loaded,
                          const VectorIndexFileInfo& info, size_t stored_count,
                          absl::FunctionRef<bool(const std::string&)> stored,
                          std::set<std::string>* changed) {
  const absl::string_view name = RecordKindName(kind);
  const uint64_t latest = store.LatestSequence();
  if (!loaded.ok()) return std::string(loaded.message());
  if (info.store_sequence > latest) {
    return absl::StrCat("index file reflects store sequence ",
                        info.store_sequence, ", beyond the store's ", latest);
  }
  if (info.store_sequence < latest) {
    auto ids = store.ChangedIdsSince(info.store_sequence, kind);
    if (!ids.ok()) {
      return absl::StrCat("cannot replay the store's changes: ",
                          ids.status().message());
    }
    *changed = std::move(*ids);
  }
  // Every vector the file keeps must still be in the store, and after the
  // replay the live count must equal the store's.
  size_t live = 0;
  for (const std::string& id : info.slot_ids) {
    if (id.empty() || changed->count(id) > 0) continue;
    if (!stored(id)) {
      return absl::StrCat("index file names unknown ", name, " '", id, "'");
    }
    ++live;
  }
  for (const std::string& id : *changed) live += stored(id) ? 1 : 0;
  if (live != stored_count) {
    return absl::StrCat("index file and replay give ", live, " live ", name,
                        " vectors, the store has ", stored_count);
  }
  return "";
}

// The index rebuilt from every stored vector, in id order.
template <class Stored>
absl::StatusOr<BuiltVectorIndex> Rebuild(
    const std::map<std::string, Stored, std::less<>>& stored, int dimension,
    const VectorIndexOptions& options) {
  const absl::string_view name = RecordKindName(kStoredKind<Stored>);
  std::vector<std::string> ids;
  std::vector<float> vectors;
  ids.reserve(stored.size());
  vectors.reserve(stored.size() * static_cast<size_t>(dimension));
  for (const auto& [id, record] : stored) {
    auto vector = DecodeVector(record.vector(), dimension);
    if (!vector.ok()) {
      return absl::DataLossError(
          absl::StrCat(name, " '", id, "': ", vector.status().message()));
    }
    vectors.insert(vectors.end(), vector->begin(), vector->end());
    ids.push_back(id);
  }
  return BuildVectorIndex(std::move(ids), vectors, dimension, options);
}

// Takes the loaded file as the start: changed slots go dead, and the
// changed records that still exist are appended with their stored vectors.
template <class Stored>
absl::Status Replay(std::unique_ptr<VectorIndex> loaded,
                    VectorIndexFileInfo info,
                    const std::set<std::string>& changed, int dimension,
                    RecoveredIndex<Stored>* out) {
  out->index = std::move(loaded);
  out->slot_ids = std::move(info.slot_ids);
  for (std::string& id : out->slot_ids) {
    if (changed.count(id) > 0) id.clear();
  }
  for (const std::string& id : changed) {
    const auto it = out->stored.find(id);
    if (it == out->stored.end()) continue;
    auto vector = DecodeVector(it->second.vector(), dimension);
    if (!vector.ok()) {
      return absl::DataLossError(
          absl::StrCat("replaying ", RecordKindName(kStoredKind<Stored>), " '",
                       id, "': ", vector.status().message()));
    }
    out->appended.push_back({id, std::move(*vector)});
  }
  return absl::OkStatus();
}

}  // namespace

template <class Stored>
absl::StatusOr<RecoveredIndex<Stored>> RecoverVectorIndex(
    const RecordStore& store, const std::string& path, int dimension,
    const VectorIndexOptions& options) {
  constexpr v1::RecordKind kind = kStoredKind<Stored>;
  const std::string name(RecordKindName(kind));  // for the log
  RecoveredIndex<Stored> out;
  auto status = store.ForEach<Stored>([&](Stored&& record) {
    std::string id = record.record().id();
    out.stored.emplace(std::move(id), std::move(record));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;

  // Use the saved index; bring it up to date by replaying the store's
  // changes since the sequence it reflects; rebuild when that fails.
  VectorIndexFileInfo info;
  auto loaded = VectorIndex::Load(path, dimension, &info, options);
  std::set<std::string> changed;
  const std::string reason = RebuildReason(
      store, kind, loaded.status(), info, out.stored.size(),
      [&](const std::string& id) { return out.stored.count(id) > 0; },
      &changed);
  if (!reason.empty()) {
    out.recovery = {IndexRecovery::How::kRebuilt,
                    absl::StrCat("rebuilt: ", reason)};
    spdlog::warn("{} index rebuilt from the store: {}", name, reason);
    auto built = Rebuild(out.stored, dimension, options);
    if (!built.ok()) return built.status();
    out.index = std::move(built->index);
    out.slot_ids = std::move(built->slot_ids);
    return out;
  }
  const uint64_t saved_at = info.store_sequence;
  if (auto s =
          Replay(std::move(*loaded), std::move(info), changed, dimension, &out);
      !s.ok()) {
    return s;
  }
  if (saved_at == store.LatestSequence()) {
    out.recovery = {IndexRecovery::How::kLoaded, "loaded"};
    spdlog::info("{} index loaded from {}", name, path);
  } else {
    out.recovery = {IndexRecovery::How::kReplayed,
                    absl::StrCat("replayed ", changed.size(), " ", name,
                                 " changes since sequence ", saved_at)};
    spdlog::info("{} index loaded from {}; {}", name, path,
                 out.recovery.description);
  }
  return out;
}

template absl::StatusOr<RecoveredIndex<storage::StoredCapability>>
RecoverVectorIndex(const RecordStore&, const std::string&, int,
                   const VectorIndexOptions&);
template absl::StatusOr<RecoveredIndex<storage::StoredNeed>> RecoverVectorIndex(
    const RecordStore&, const std::string&, int, const VectorIndexOptions&);

}  // namespace helixmatch
