#include "services/engine/catalog_loader.h"

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "indexer/records.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

// The catalog's per-kind calls, so LoadProfiles is one template.
absl::Status AdoptSlot(Catalog* catalog, const v1::CapabilityProfile* record) {
  return catalog->AdoptCapabilitySlot(record);
}
absl::Status AdoptSlot(Catalog* catalog, const v1::FirmNeed* record) {
  return catalog->AdoptNeedSlot(record);
}
absl::Status PutProfile(Catalog* catalog, const v1::CapabilityProfile& record,
                        std::span<const float> vector) {
  return catalog->PutCapability(record, vector);
}
absl::Status PutProfile(Catalog* catalog, const v1::FirmNeed& record,
                        std::span<const float> vector) {
  return catalog->PutNeed(record, vector);
}

// Recovers the vector index of kStoredKind<Stored> and adopts its slots,
// then the replayed records, into the catalog.
template <class Stored>
absl::StatusOr<IndexRecovery> LoadProfiles(const RecordStore& store,
                                           const DataDir& dir, int dimension,
                                           const VectorIndexOptions& options,
                                           Catalog* catalog) {
  constexpr v1::RecordKind kind = kStoredKind<Stored>;
  const absl::string_view name = RecordKindName(kind);
  auto recovered = RecoverVectorIndex<Stored>(store, dir.IndexPath(kind),
                                              dimension, options);
  if (!recovered.ok()) return recovered.status();
  catalog->profiles(kind).ResetIndex(std::move(recovered->index));
  for (const std::string& id : recovered->slot_ids) {
    const auto* record =
        id.empty() ? nullptr : &recovered->stored.at(id).record();
    if (auto s = AdoptSlot(catalog, record); !s.ok()) {
      return absl::DataLossError(
          absl::StrCat("loading ", name, " '", id, "': ", s.message()));
    }
  }
  for (const auto& [id, vector] : recovered->appended) {
    if (auto s = PutProfile(catalog, recovered->stored.at(id).record(), vector);
        !s.ok()) {
      return absl::DataLossError(
          absl::StrCat("replaying ", name, " '", id, "': ", s.message()));
    }
  }
  return std::move(recovered->recovery);
}

template <class Record, class Put>
absl::Status LoadRecords(const RecordStore& store, Put put) {
  return store.ForEach<Record>([&](Record record) {
    put(std::move(record));
    return absl::OkStatus();
  });
}

}  // namespace

absl::StatusOr<LoadedCatalog> LoadCatalog(const RecordStore& store,
                                          const DataDir& dir, int dimension,
                                          const VectorIndexOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  // The ties (the most records: 422,763 for CORDIS) are read and parsed on
  // a thread of their own while the organizations and profiles load; they
  // are linked into the catalog afterwards, on this thread, in store
  // order. Declared first, so an early return waits for the thread.
  // Each becomes its shared record on that thread, so linking moves only
  // pointers.
  using SharedTies = std::vector<std::shared_ptr<const v1::Tie>>;
  std::future<absl::StatusOr<SharedTies>> read_ties = std::async(
      std::launch::async, [&store]() -> absl::StatusOr<SharedTies> {
        SharedTies ties;
        auto s = LoadRecords<v1::Tie>(store, [&](v1::Tie tie) {
          ties.push_back(std::make_shared<const v1::Tie>(std::move(tie)));
        });
        if (!s.ok()) return s;
        return ties;
      });
  auto cap_index = VectorIndex::Create(dimension, 0, options);
  auto need_index = VectorIndex::Create(dimension, 0, options);
  if (!cap_index.ok()) return cap_index.status();
  if (!need_index.ok()) return need_index.status();
  LoadedCatalog loaded;
  loaded.catalog =
      std::make_unique<Catalog>(std::move(*cap_index), std::move(*need_index));
  Catalog* catalog = loaded.catalog.get();
  if (auto s = LoadRecords<v1::Organization>(store,
                                             [&](v1::Organization org) {
                                               catalog->PutOrganization(
                                                   std::move(org));
                                             });
      !s.ok()) {
    return s;
  }
  auto capabilities = LoadProfiles<storage::StoredCapability>(
      store, dir, dimension, options, catalog);
  if (!capabilities.ok()) return capabilities.status();
  loaded.capability_recovery = std::move(*capabilities);
  auto needs = LoadProfiles<storage::StoredNeed>(store, dir, dimension, options,
                                                 catalog);
  if (!needs.ok()) return needs.status();
  loaded.need_recovery = std::move(*needs);
  auto ties = read_ties.get();
  if (!ties.ok()) return ties.status();
  catalog->ReserveTies(ties->size());
  for (auto& tie : *ties) catalog->PutTie(std::move(tie));
  ties->clear();
  if (auto s =
          LoadRecords<v1::Outcome>(store,
                                   [&](v1::Outcome outcome) {
                                     catalog->PutOutcome(std::move(outcome));
                                   });
      !s.ok()) {
    return s;
  }
  spdlog::info(
      "catalog loaded in {:.3f} s: {} organizations, {} capabilities ({}), "
      "{} needs ({}), {} ties",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count(),
      catalog->live_organizations(), catalog->capabilities().live(),
      catalog->capabilities().index().Describe(), catalog->needs().live(),
      catalog->needs().index().Describe(), catalog->live_ties());
  return loaded;
}

}  // namespace helixmatch
