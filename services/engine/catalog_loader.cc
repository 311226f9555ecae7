#include "services/engine/catalog_loader.h"

#include <chrono>
#include <set>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

// Loads the profiles of `kind` into the catalog with their vector index;
// returns how the index was obtained.
absl::StatusOr<std::string> LoadProfiles(const RecordStore& store,
                                         const DataDir& dir,
                                         v1::RecordKind kind, int dimension,
                                         const VectorIndexOptions& options,
                                         Catalog* catalog) {
  const bool needs = kind == v1::RECORD_KIND_NEED;
  const char* name = needs ? "need" : "capability";
  std::unordered_map<std::string, storage::StoredCapability> capabilities;
  std::unordered_map<std::string, storage::StoredNeed> need_records;
  auto status = store.ForEach(
      kind, [&](absl::string_view id, absl::string_view value) -> absl::Status {
        bool ok;
        if (needs) {
          ok = need_records[std::string(id)].ParseFromArray(
              value.data(), static_cast<int>(value.size()));
        } else {
          ok = capabilities[std::string(id)].ParseFromArray(
              value.data(), static_cast<int>(value.size()));
        }
        if (!ok) {
          return absl::DataLossError(
              absl::StrCat("stored ", name, " '", id, "' does not parse"));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  const size_t stored = needs ? need_records.size() : capabilities.size();

  // Use the saved index; bring it up to date by replaying the store's
  // changes since the sequence it reflects; rebuild when that fails.
  const auto stored_has = [&](const std::string& id) {
    return needs ? need_records.count(id) > 0 : capabilities.count(id) > 0;
  };
  VectorIndexFileInfo info;
  const std::string path = dir.IndexPath(kind);
  const uint64_t latest = store.LatestSequence();
  auto loaded = VectorIndex::Load(path, dimension, &info, options);
  std::string rebuild_reason;
  std::set<std::string> changed;
  if (!loaded.ok()) {
    rebuild_reason = std::string(loaded.status().message());
  } else if (info.store_sequence > latest) {
    rebuild_reason =
        absl::StrCat("index file reflects store sequence ", info.store_sequence,
                     ", beyond the store's ", latest);
  } else if (info.store_sequence < latest) {
    auto ids = store.ChangedIdsSince(info.store_sequence, kind);
    if (!ids.ok()) {
      rebuild_reason = absl::StrCat("cannot replay the store's changes: ",
                                    ids.status().message());
    } else {
      changed = std::move(*ids);
    }
  }
  if (rebuild_reason.empty()) {
    // Every vector the file keeps must still be in the store, and after
    // the replay the live count must equal the store's.
    size_t live = 0;
    for (const auto& id : info.slot_ids) {
      if (id.empty() || changed.count(id)) continue;
      if (!stored_has(id)) {
        rebuild_reason =
            absl::StrCat("index file names unknown ", name, " '", id, "'");
        break;
      }
      ++live;
    }
    for (const auto& id : changed) live += stored_has(id) ? 1 : 0;
    if (rebuild_reason.empty() && live != stored) {
      rebuild_reason =
          absl::StrCat("index file and replay give ", live, " live ", name,
                       " vectors, the store has ", stored);
    }
  }
  std::string recovery;
  std::unique_ptr<VectorIndex> index;
  std::vector<std::string> slot_ids;
  if (rebuild_reason.empty()) {
    index = std::move(*loaded);
    slot_ids = std::move(info.slot_ids);
    if (info.store_sequence == latest) {
      recovery = "loaded";
      spdlog::info("{} index loaded from {}", name, path);
    } else {
      recovery = absl::StrCat("replayed ", changed.size(), " ", name,
                              " changes since sequence ", info.store_sequence);
      spdlog::info("{} index loaded from {}; {}", name, path, recovery);
    }
  } else {
    recovery = absl::StrCat("rebuilt: ", rebuild_reason);
    spdlog::warn("{} index rebuilt from the store: {}", name, rebuild_reason);
    changed.clear();
    auto built = BuildVectorIndex(store, kind, dimension, options);
    if (!built.ok()) return built.status();
    index = std::move(built->index);
    slot_ids = std::move(built->slot_ids);
  }
  catalog->profiles(kind).ResetIndex(std::move(index));
  for (const std::string& id : slot_ids) {
    absl::Status s;
    if (id.empty() || changed.count(id)) {
      s = needs ? catalog->AdoptNeedSlot(nullptr)
                : catalog->AdoptCapabilitySlot(nullptr);
    } else if (needs) {
      s = catalog->AdoptNeedSlot(&need_records.at(id).record());
    } else {
      s = catalog->AdoptCapabilitySlot(&capabilities.at(id).record());
    }
    if (!s.ok()) {
      return absl::DataLossError(
          absl::StrCat("loading ", name, " '", id, "': ", s.message()));
    }
  }
  // The replay: changed records that still exist get their current vector.
  for (const std::string& id : changed) {
    if (!stored_has(id)) continue;
    const std::string& bytes =
        needs ? need_records.at(id).vector() : capabilities.at(id).vector();
    auto vector = DecodeVector(bytes, dimension);
    absl::Status s = vector.status();
    if (s.ok()) {
      s = needs ? catalog->PutNeed(need_records.at(id).record(), *vector)
                : catalog->PutCapability(capabilities.at(id).record(), *vector);
    }
    if (!s.ok()) {
      return absl::DataLossError(
          absl::StrCat("replaying ", name, " '", id, "': ", s.message()));
    }
  }
  return recovery;
}

}  // namespace

absl::StatusOr<LoadedCatalog> LoadCatalog(const RecordStore& store,
                                          const DataDir& dir, int dimension,
                                          const VectorIndexOptions& options,
                                          absl::string_view model_identity) {
  LoadedCatalog loaded;
  const auto start = std::chrono::steady_clock::now();
  auto cap_index = VectorIndex::Create(dimension, 0, options);
  auto need_index = VectorIndex::Create(dimension, 0, options);
  if (!cap_index.ok()) return cap_index.status();
  if (!need_index.ok()) return need_index.status();
  loaded.catalog =
      std::make_unique<Catalog>(std::move(*cap_index), std::move(*need_index));
  auto status = store.ForEach(
      v1::RECORD_KIND_ORGANIZATION,
      [&](absl::string_view id, absl::string_view value) -> absl::Status {
        v1::Organization org;
        if (!org.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError(
              absl::StrCat("stored organization '", id, "' does not parse"));
        }
        loaded.catalog->PutOrganization(std::move(org));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  for (auto kind : {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    auto recovery = LoadProfiles(store, dir, kind, dimension, options,
                                 loaded.catalog.get());
    if (!recovery.ok()) return recovery.status();
    (kind == v1::RECORD_KIND_NEED ? loaded.need_recovery
                                  : loaded.capability_recovery) = *recovery;
  }
  status = store.ForEach(
      v1::RECORD_KIND_TIE,
      [&](absl::string_view id, absl::string_view value) -> absl::Status {
        v1::Tie tie;
        if (!tie.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError(
              absl::StrCat("stored tie '", id, "' does not parse"));
        }
        loaded.catalog->PutTie(std::move(tie));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  status = store.ForEach(
      v1::RECORD_KIND_OUTCOME,
      [&](absl::string_view id, absl::string_view value) -> absl::Status {
        v1::Outcome outcome;
        if (!outcome.ParseFromArray(value.data(),
                                    static_cast<int>(value.size()))) {
          return absl::DataLossError(
              absl::StrCat("stored outcome '", id, "' does not parse"));
        }
        loaded.catalog->PutOutcome(std::move(outcome));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  spdlog::info(
      "catalog loaded in {:.3f} s: {} organizations, {} capabilities ({}), "
      "{} needs ({}), {} ties; model {}",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count(),
      loaded.catalog->live_organizations(),
      loaded.catalog->capabilities().live(),
      loaded.catalog->capabilities().index().Describe(),
      loaded.catalog->needs().live(),
      loaded.catalog->needs().index().Describe(), loaded.catalog->live_ties(),
      std::string(model_identity));
  return loaded;
}

}  // namespace helixmatch
