#include "services/matching_engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "indexer/profile_text.h"
#include "indexer/record_validation.h"
#include "indexer/records.h"
#include "indexer/text_analyzer.h"
#include "services/barrier_model.h"
#include "services/engagement_ladder.h"
#include "services/engine_internal.h"
#include "spdlog/spdlog.h"

namespace helixmatch {

struct MatchingEngine::Prepared {
  v1::Record record;
  std::vector<float> vector;   // capabilities and needs
  std::optional<v1::Tie> tie;  // the tie an outcome becomes
  bool created = true;
};

namespace {

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

bool IsResearchSide(const v1::Organization& org) {
  return org.kind() == v1::ORGANIZATION_KIND_UNIVERSITY ||
         org.kind() == v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE;
}

// Which target profiles a Recommend may return.
class TargetFilter : public SlotFilter {
 public:
  TargetFilter(const Catalog& catalog, const ProfileSet& set,
               const v1::Filter& filter, uint32_t requester,
               bool programme_requester)
      : catalog_(catalog),
        set_(set),
        filter_(filter),
        requester_(requester),
        programme_requester_(programme_requester) {}

  bool IsAllowed(int64_t slot) const override {
    if (slot < 0 || slot >= static_cast<int64_t>(set_.entries().size())) {
      return false;
    }
    const ProfileEntry& e = set_.entry(static_cast<uint32_t>(slot));
    if (!e.live || e.organization == requester_) return false;
    if (e.need) {
      const auto v = e.need->visibility();
      if (v == v1::VISIBILITY_PRIVATE) return false;
      if (v == v1::VISIBILITY_PROGRAMME_ONLY && !programme_requester_) {
        return false;
      }
    }
    const v1::Organization& org = *catalog_.organization(e.organization).record;
    if (!filter_.kinds().empty() &&
        std::find(filter_.kinds().begin(), filter_.kinds().end(), org.kind()) ==
            filter_.kinds().end()) {
      return false;
    }
    if (!filter_.countries().empty() &&
        std::find(filter_.countries().begin(), filter_.countries().end(),
                  org.country()) == filter_.countries().end()) {
      return false;
    }
    if (!filter_.regions().empty() &&
        std::find(filter_.regions().begin(), filter_.regions().end(),
                  org.region()) == filter_.regions().end()) {
      return false;
    }
    if (!filter_.sectors().empty() &&
        std::none_of(org.sectors().begin(), org.sectors().end(),
                     [&](const std::string& s) {
                       return std::find(filter_.sectors().begin(),
                                        filter_.sectors().end(),
                                        s) != filter_.sectors().end();
                     })) {
      return false;
    }
    if (filter_.trl() != 0 &&
        !(e.trl_min() <= filter_.trl() && filter_.trl() <= e.trl_max())) {
      return false;
    }
    return true;
  }

 private:
  const Catalog& catalog_;
  const ProfileSet& set_;
  const v1::Filter& filter_;
  uint32_t requester_;
  bool programme_requester_;
};

absl::Status ValidateFilter(const v1::Filter& f) {
  const auto too_many = [](absl::string_view path, int n) {
    return Invalid(path, absl::StrCat("has ", n, " values, the limit is ",
                                      kMaxFilterValues));
  };
  if (f.kinds_size() > kMaxFilterValues) {
    return too_many("filter.kinds", f.kinds_size());
  }
  for (int i = 0; i < f.kinds_size(); ++i) {
    if (!v1::OrganizationKind_IsValid(f.kinds(i)) || f.kinds(i) == 0) {
      return Invalid(absl::StrCat("filter.kinds[", i, "]"),
                     absl::StrCat("unknown organization kind ", f.kinds(i)));
    }
  }
  if (f.countries_size() > kMaxFilterValues) {
    return too_many("filter.countries", f.countries_size());
  }
  for (int i = 0; i < f.countries_size(); ++i) {
    const auto& c = f.countries(i);
    if (c.size() != 2 || !absl::ascii_isupper(c[0]) ||
        !absl::ascii_isupper(c[1])) {
      return Invalid(absl::StrCat("filter.countries[", i, "]"),
                     "is not an ISO 3166 alpha-2 code (two upper-case "
                     "letters)");
    }
  }
  if (f.regions_size() > kMaxFilterValues) {
    return too_many("filter.regions", f.regions_size());
  }
  if (f.sectors_size() > kMaxFilterValues) {
    return too_many("filter.sectors", f.sectors_size());
  }
  if (f.trl() < 0 || f.trl() > 9) {
    return Invalid("filter.trl", absl::StrCat(f.trl(), " is outside 0..9"));
  }
  return absl::OkStatus();
}

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

// Recovers the vector index of kStoredKind<Stored> (index_snapshot.h) and
// adopts its slots, then the replayed records, into the catalog.
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

}  // namespace

// ---------------------------------------------------------------- opening

absl::StatusOr<std::unique_ptr<MatchingEngine>> MatchingEngine::Open(
    const EngineOptions& options) {
  auto engine = std::unique_ptr<MatchingEngine>(new MatchingEngine());
  engine->options_ = options;
  engine->dir_ = DataDir{options.data_dir};
  std::error_code error;
  std::filesystem::create_directories(engine->dir_.IndexFolder(), error);
  if (error) {
    return absl::UnavailableError(absl::StrCat(
        "creating '", engine->dir_.IndexFolder(), "': ", error.message()));
  }
  if (options.word_vectors) {
    engine->word_vectors_ = options.word_vectors;
  } else {
    auto vectors = WordVectors::Load(options.word_vectors_path);
    if (!vectors.ok()) return vectors.status();
    engine->word_vectors_ = std::move(*vectors);
  }
  if (!options.programmes_path.empty()) {
    auto programmes = ProgrammeRegistry::Load(options.programmes_path);
    if (!programmes.ok()) return programmes.status();
    engine->programmes_ = std::move(*programmes);
    spdlog::info("{} programme rule sets loaded from {}",
                 engine->programmes_.size(), options.programmes_path);
  }
  auto store = RecordStore::Open(engine->dir_.StorePath());
  if (!store.ok()) return store.status();
  engine->store_ = std::move(*store);

  auto model = engine->store_->GetModel();
  if (!model.ok()) return model.status();
  if (model->has_value()) {
    auto embedder = GloveIdfEmbedder::FromModel(engine->word_vectors_, **model);
    if (!embedder.ok()) return embedder.status();
    engine->embedder_ = std::move(*embedder);
  } else {
    // An empty store: start with an IDF fitted on nothing (every word
    // weighs the same) until the first import refits it.
    auto embedder = std::make_unique<GloveIdfEmbedder>(engine->word_vectors_,
                                                       IdfTable::Fit({}));
    StoreBatch batch;
    batch.PutModel(embedder->ToModel());
    if (auto s = engine->store_->Write(batch); !s.ok()) return s;
    engine->embedder_ = std::move(embedder);
  }
  engine->model_identity_ = absl::StrCat(engine->embedder_->Identity(),
                                         "; ranking ", kRankingWeightsVersion);
  if (auto s = engine->LoadCatalog(); !s.ok()) return s;
  // A replayed or rebuilt index is saved at once, so the next start (after
  // another crash, say) does not redo the work: a replay can cross the
  // Flat -> HNSW threshold, and that conversion takes seconds.
  if (engine->capability_recovery_.how != IndexRecovery::How::kLoaded ||
      engine->need_recovery_.how != IndexRecovery::How::kLoaded) {
    if (auto s = engine->SaveIndexes(); !s.ok()) {
      spdlog::warn("saving the recovered vector indexes failed: {}",
                   std::string(s.message()));
    }
  }
  return engine;
}

MatchingEngine::~MatchingEngine() {
  if (store_ != nullptr && catalog_ != nullptr &&
      options_.save_indexes_on_close) {
    if (auto s = SaveIndexes(); !s.ok()) {
      spdlog::warn("saving vector indexes on shutdown failed: {}",
                   std::string(s.message()));
    }
  }
}

absl::Status MatchingEngine::LoadCatalog() {
  const auto start = std::chrono::steady_clock::now();
  const int dimension = embedder_->Dimension();
  auto cap_index = VectorIndex::Create(dimension, 0, options_.index);
  auto need_index = VectorIndex::Create(dimension, 0, options_.index);
  if (!cap_index.ok()) return cap_index.status();
  if (!need_index.ok()) return need_index.status();
  catalog_ =
      std::make_unique<Catalog>(std::move(*cap_index), std::move(*need_index));
  auto status = store_->ForEach<v1::Organization>([&](v1::Organization org) {
    catalog_->PutOrganization(std::move(org));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  auto capabilities = LoadProfiles<storage::StoredCapability>(
      *store_, dir_, dimension, options_.index, catalog_.get());
  if (!capabilities.ok()) return capabilities.status();
  capability_recovery_ = std::move(*capabilities);
  auto needs = LoadProfiles<storage::StoredNeed>(
      *store_, dir_, dimension, options_.index, catalog_.get());
  if (!needs.ok()) return needs.status();
  need_recovery_ = std::move(*needs);
  status = store_->ForEach<v1::Tie>([&](v1::Tie tie) {
    catalog_->PutTie(std::move(tie));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  status = store_->ForEach<v1::Outcome>([&](v1::Outcome outcome) {
    catalog_->PutOutcome(std::move(outcome));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  spdlog::info(
      "catalog loaded in {:.3f} s: {} organizations, {} capabilities ({}), "
      "{} needs ({}), {} ties; model {}",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count(),
      catalog_->live_organizations(), catalog_->capabilities().live(),
      catalog_->capabilities().index().Describe(), catalog_->needs().live(),
      catalog_->needs().index().Describe(), catalog_->live_ties(),
      model_identity_);
  return absl::OkStatus();
}

absl::Status MatchingEngine::SaveIndexes() {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  if (auto s = SaveIndexesLocked(dir_); !s.ok()) return s;
  changes_since_save_ = 0;
  return absl::OkStatus();
}

absl::Status MatchingEngine::SaveIndexesLocked(const DataDir& dir) {
  auto read_lock = ReadLock();
  for (auto kind : {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    const ProfileSet& set = catalog_->profiles(kind);
    VectorIndexFileInfo info;
    info.store_sequence = store_->LatestSequence();
    info.slot_ids = set.SlotIds();
    if (auto s = set.index().Save(dir.IndexPath(kind), info); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

int64_t MatchingEngine::ChangesSinceSave() const {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  return changes_since_save_;
}

absl::StatusOr<v1::BackupResponse> MatchingEngine::Backup(
    const std::string& folder) {
  if (folder.empty()) return Invalid("folder", "is required");
  std::error_code error;
  if (std::filesystem::exists(folder, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat("folder: '", folder, "' already exists"));
  }
  const DataDir target{folder};
  std::filesystem::create_directories(target.IndexFolder(), error);
  if (error) {
    return absl::UnavailableError(absl::StrCat(
        "creating '", target.IndexFolder(), "': ", error.message()));
  }
  // No write runs while write_mu_ is held, so the checkpoint and the
  // indexes reflect the same sequence.
  std::lock_guard<std::mutex> write_lock(write_mu_);
  if (auto s = store_->Checkpoint(target.StorePath()); !s.ok()) return s;
  if (auto s = SaveIndexesLocked(target); !s.ok()) return s;
  v1::BackupResponse response;
  response.set_folder(folder);
  response.set_store_sequence(store_->LatestSequence());
  spdlog::info("backup written to {} at store sequence {}", folder,
               response.store_sequence());
  return response;
}

int MatchingEngine::CurrentYear() const {
  if (options_.reference_year > 0) return options_.reference_year;
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

// ---------------------------------------------------------------- locks

// glibc's shared_mutex lets readers overtake a waiting writer, so a steady
// stream of queries could stall writes indefinitely. Both sides pass the
// gate; a writer holds it while it waits, so new readers queue behind it.
std::shared_lock<std::shared_mutex> MatchingEngine::ReadLock() const {
  std::lock_guard<std::mutex> gate(gate_mu_);
  return std::shared_lock<std::shared_mutex>(catalog_mu_);
}

std::unique_lock<std::shared_mutex> MatchingEngine::WriteLock() const {
  std::lock_guard<std::mutex> gate(gate_mu_);
  return std::unique_lock<std::shared_mutex>(catalog_mu_);
}

// ---------------------------------------------------------------- writes

bool MatchingEngine::RecordExists(const v1::Record& record) const {
  const std::string& id = RecordId(record);
  switch (record.kind_case()) {
    case v1::Record::kOrganization: {
      const uint32_t i = catalog_->OrganizationIndex(id);
      return i != kNoIndex && catalog_->organization(i).live;
    }
    case v1::Record::kCapability:
      return catalog_->capabilities().SlotOf(id) != kNoIndex;
    case v1::Record::kNeed:
      return catalog_->needs().SlotOf(id) != kNoIndex;
    case v1::Record::kTie:
      return catalog_->TieIndex(id) != kNoIndex;
    case v1::Record::kOutcome:
      return catalog_->outcome(id) != nullptr;
    default:
      return false;
  }
}

absl::StatusOr<MatchingEngine::Prepared> MatchingEngine::PrepareRecord(
    const v1::Record& record, absl::string_view path) const {
  if (auto s = ValidateForWrite(record, path); !s.ok()) return s;
  Prepared p;
  p.record = record;
  const std::string text = ProfileText(record);
  if (!text.empty()) p.vector = embedder_->Embed(Tokenize(text));
  if (record.has_outcome()) p.tie = TieFromOutcome(record.outcome());
  return p;
}

absl::Status MatchingEngine::CheckReferences(
    Prepared& p, const std::vector<std::string>& organizations_in_batch) const {
  const auto org_known = [&](const std::string& id) {
    const uint32_t i = catalog_->OrganizationIndex(id);
    if (i != kNoIndex && catalog_->organization(i).live) return true;
    return std::find(organizations_in_batch.begin(),
                     organizations_in_batch.end(),
                     id) != organizations_in_batch.end();
  };
  const auto need_org = [&](absl::string_view field,
                            const std::string& id) -> absl::Status {
    if (org_known(id)) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": organization '", id, "' not found"));
  };
  p.created = !RecordExists(p.record);
  for (const OrganizationReference& ref : OrganizationReferences(p.record)) {
    if (auto s = need_org(ref.field, *ref.id); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status MatchingEngine::Apply(const Prepared& p) {
  switch (p.record.kind_case()) {
    case v1::Record::kOrganization:
      catalog_->PutOrganization(p.record.organization());
      return absl::OkStatus();
    case v1::Record::kCapability:
      return catalog_->PutCapability(p.record.capability(), p.vector);
    case v1::Record::kNeed:
      return catalog_->PutNeed(p.record.need(), p.vector);
    case v1::Record::kTie:
      catalog_->PutTie(p.record.tie());
      return absl::OkStatus();
    case v1::Record::kOutcome:
      catalog_->PutOutcome(p.record.outcome());
      if (p.tie) {
        catalog_->PutTie(*p.tie);
      } else {
        catalog_->RemoveTie(
            absl::StrCat(kOutcomeTiePrefix, p.record.outcome().id()));
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

// Applies organizations before the records that refer to them.
absl::Status MatchingEngine::ApplyAll(const std::vector<Prepared>& prepared) {
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& p : prepared) {
      if (p.record.has_organization() != (pass == 0)) continue;
      if (auto s = Apply(p); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

// ------------------------------------------------------ group commit
//
// Every write goes through Commit. The first writer to find no commit in
// progress becomes the leader: it takes the queued writes that do not
// conflict with each other, checks each against the catalog, writes all
// the accepted changes in one synced RocksDB batch (one fsync for the
// group), applies them to the catalog and wakes their writers. Writes that
// touch the same records wait for the next group, in arrival order, so
// each write is checked against the state its predecessors left.

namespace {

std::string OrgKey(absl::string_view id) { return absl::StrCat("o/", id); }
std::string OwnKey(absl::string_view id) { return absl::StrCat("w/", id); }

}  // namespace

void MatchingEngine::AddKeys(const v1::Record& r, WriteOp* op) {
  const auto owned_by = [op](const std::string& org) {
    op->reads.push_back(OrgKey(org));
    op->adds.push_back(OwnKey(org));
  };
  switch (r.kind_case()) {
    case v1::Record::kOrganization:
      op->writes.push_back(OrgKey(r.organization().id()));
      break;
    case v1::Record::kCapability:
      op->writes.push_back(absl::StrCat("c/", r.capability().id()));
      owned_by(r.capability().organization_id());
      break;
    case v1::Record::kNeed:
      op->writes.push_back(absl::StrCat("n/", r.need().id()));
      owned_by(r.need().organization_id());
      break;
    case v1::Record::kTie:
      op->writes.push_back(absl::StrCat("t/", r.tie().id()));
      owned_by(r.tie().organization_a());
      owned_by(r.tie().organization_b());
      break;
    case v1::Record::kOutcome:
      op->writes.push_back(absl::StrCat("x/", r.outcome().id()));
      op->writes.push_back(
          absl::StrCat("t/", kOutcomeTiePrefix, r.outcome().id()));
      owned_by(r.outcome().offered_by());
      owned_by(r.outcome().offered_to());
      break;
    default:
      break;
  }
}

bool MatchingEngine::WriteOp::ConflictsWith(const KeySet& writes,
                                            const KeySet& reads,
                                            const KeySet& adds) const {
  const auto any_in = [](const std::vector<std::string>& keys,
                         const KeySet& set) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](const std::string& k) { return set.count(k) > 0; });
  };
  return any_in(this->writes, writes) || any_in(this->writes, reads) ||
         any_in(this->reads, writes) || any_in(this->reads, adds) ||
         any_in(this->adds, reads);
}

absl::Status MatchingEngine::Commit(WriteOp& op) {
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_.push_back(&op);
  while (!op.done) {
    if (committing_) {
      queue_cv_.wait(lock);
      continue;
    }
    committing_ = true;
    // Take writes from the front while they do not conflict; stop at the
    // first that does, so writes to the same records stay in order.
    std::vector<WriteOp*> group;
    WriteOp::KeySet writes, reads, adds;
    size_t records = 0;
    while (!queue_.empty() && group.size() < kMaxGroupWrites &&
           records < kMaxGroupRecords) {
      WriteOp* next = queue_.front();
      if (!group.empty() && next->ConflictsWith(writes, reads, adds)) break;
      writes.insert(next->writes.begin(), next->writes.end());
      reads.insert(next->reads.begin(), next->reads.end());
      adds.insert(next->adds.begin(), next->adds.end());
      records += next->records;
      group.push_back(next);
      queue_.pop_front();
    }
    lock.unlock();
    RunGroup(group);
    lock.lock();
    for (WriteOp* g : group) g->done = true;
    committing_ = false;
    queue_cv_.notify_all();
  }
  return op.status;
}

void MatchingEngine::RunGroup(const std::vector<WriteOp*>& group) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  StoreBatch batch;
  std::vector<WriteOp*> accepted;
  int64_t writing = 0;  // accepted writes with changes to store
  {
    auto read_lock = ReadLock();
    for (WriteOp* op : group) {
      StoreBatch own;
      op->status = op->check(&own);
      if (!op->status.ok()) continue;
      writing += own.size() > 0 ? 1 : 0;
      batch.Append(std::move(own));
      accepted.push_back(op);
    }
  }
  // Nothing to write (e.g. an ingest chunk whose records were all
  // refused): no sync, and the counters stay as they are.
  if (batch.size() == 0) return;
  if (auto s = store_->Write(batch); !s.ok()) {
    for (WriteOp* op : accepted) op->status = s;
    return;
  }
  auto lock = WriteLock();
  for (WriteOp* op : accepted) {
    if (auto s = op->apply(); !s.ok()) op->status = s;
  }
  ++groups_committed_;
  writes_committed_ += writing;
  changes_since_save_ += static_cast<int64_t>(batch.size());
}

// ------------------------------------------------------ write entry points

absl::StatusOr<v1::UpsertResponse> MatchingEngine::Upsert(
    const v1::Record& record) {
  auto p = PrepareRecord(record, "record");
  if (!p.ok()) return p.status();
  WriteOp op;
  AddKeys(p->record, &op);
  op.check = [&](StoreBatch* batch) -> absl::Status {
    if (auto s = CheckReferences(*p, {}); !s.ok()) return s;
    AddPutWrites(p->record, p->vector, batch);
    return absl::OkStatus();
  };
  op.apply = [&] { return Apply(*p); };
  if (auto s = Commit(op); !s.ok()) return s;
  v1::UpsertResponse response;
  response.set_created(p->created);
  return response;
}

absl::StatusOr<v1::BatchUpsertResponse> MatchingEngine::BatchUpsert(
    const google::protobuf::RepeatedPtrField<v1::Record>& records) {
  if (records.empty()) return Invalid("records", "is empty");
  if (records.size() > kMaxBatchRecords) {
    return Invalid("records",
                   absl::StrCat("has ", records.size(),
                                " records, the limit is ", kMaxBatchRecords));
  }
  std::vector<Prepared> prepared;
  std::vector<std::string> batch_orgs;
  std::unordered_map<std::string, int> seen;
  WriteOp op;
  for (int i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const std::string key = absl::StrCat(RecordKindName(r), "/", RecordId(r));
    if (auto [it, inserted] = seen.emplace(key, i);
        !inserted && !RecordId(r).empty()) {
      return Invalid(
          absl::StrCat("records[", i, "].", RecordKindName(r), ".id"),
          absl::StrCat("duplicate id '", RecordId(r), "', also at records[",
                       it->second, "]"));
    }
    auto p = PrepareRecord(r, "");
    if (!p.ok()) {
      return absl::Status(
          p.status().code(),
          absl::StrCat("records[", i, "].", p.status().message()));
    }
    if (r.has_organization()) batch_orgs.push_back(r.organization().id());
    AddKeys(r, &op);
    prepared.push_back(std::move(*p));
  }
  op.records = prepared.size();
  op.check = [&](StoreBatch* batch) -> absl::Status {
    for (size_t i = 0; i < prepared.size(); ++i) {
      if (auto s = CheckReferences(prepared[i], batch_orgs); !s.ok()) {
        return absl::Status(s.code(),
                            absl::StrCat("records[", i, "].", s.message()));
      }
    }
    for (const auto& p : prepared) AddPutWrites(p.record, p.vector, batch);
    return absl::OkStatus();
  };
  op.apply = [&] { return ApplyAll(prepared); };
  if (auto s = Commit(op); !s.ok()) return s;
  v1::BatchUpsertResponse response;
  for (const auto& p : prepared) {
    if (p.created) {
      response.set_created(response.created() + 1);
    } else {
      response.set_replaced(response.replaced() + 1);
    }
  }
  return response;
}

absl::StatusOr<std::vector<v1::RecordError>> MatchingEngine::IngestChunk(
    const std::vector<v1::Record>& records, int64_t first_position) {
  std::vector<v1::RecordError> errors;
  const auto reject = [&](int64_t position, const v1::Record& r,
                          absl::string_view message) {
    auto& e = errors.emplace_back();
    e.set_position(position);
    e.set_id(RecordId(r));
    e.set_message(std::string(message));
  };
  // Catalog-free checks and embedding happen here, outside every lock.
  std::vector<Prepared> candidates;
  std::vector<int64_t> positions;
  std::unordered_map<std::string, int64_t> seen;
  WriteOp op;
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const int64_t position = first_position + static_cast<int64_t>(i);
    const std::string key = absl::StrCat(RecordKindName(r), "/", RecordId(r));
    if (auto it = seen.find(key); it != seen.end() && !RecordId(r).empty()) {
      reject(position, r,
             absl::StrCat(RecordKindName(r), ".id: duplicate id '", RecordId(r),
                          "', also at position ", it->second));
      continue;
    }
    auto p = PrepareRecord(r, "record");
    if (!p.ok()) {
      reject(position, r, p.status().message());
      continue;
    }
    seen.emplace(key, position);
    AddKeys(r, &op);
    candidates.push_back(std::move(*p));
    positions.push_back(position);
  }
  if (candidates.empty()) return errors;
  op.records = candidates.size();
  std::vector<Prepared> accepted;
  op.check = [&](StoreBatch* batch) -> absl::Status {
    std::vector<std::string> accepted_orgs;
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (auto s = CheckReferences(candidates[i], accepted_orgs); !s.ok()) {
        reject(positions[i], candidates[i].record, s.message());
        continue;
      }
      if (candidates[i].record.has_organization()) {
        accepted_orgs.push_back(candidates[i].record.organization().id());
      }
      AddPutWrites(candidates[i].record, candidates[i].vector, batch);
      accepted.push_back(std::move(candidates[i]));
    }
    return absl::OkStatus();
  };
  op.apply = [&] { return ApplyAll(accepted); };
  if (auto s = Commit(op); !s.ok()) return s;
  std::sort(errors.begin(), errors.end(),
            [](const v1::RecordError& a, const v1::RecordError& b) {
              return a.position() < b.position();
            });
  return errors;
}

absl::Status MatchingEngine::Delete(v1::RecordKind kind,
                                    const std::string& id) {
  if (auto s = ValidateForDelete(kind, id); !s.ok()) return s;
  v1::Record probe;
  switch (kind) {
    case v1::RECORD_KIND_ORGANIZATION:
      probe.mutable_organization()->set_id(id);
      break;
    case v1::RECORD_KIND_CAPABILITY:
      probe.mutable_capability()->set_id(id);
      break;
    case v1::RECORD_KIND_NEED:
      probe.mutable_need()->set_id(id);
      break;
    case v1::RECORD_KIND_OUTCOME:
      probe.mutable_outcome()->set_id(id);
      break;
    default:
      probe.mutable_tie()->set_id(id);
  }
  WriteOp op;
  switch (kind) {
    case v1::RECORD_KIND_ORGANIZATION:
      op.writes.push_back(OrgKey(id));
      op.reads.push_back(OwnKey(id));
      break;
    case v1::RECORD_KIND_CAPABILITY:
      op.writes.push_back(absl::StrCat("c/", id));
      break;
    case v1::RECORD_KIND_NEED:
      op.writes.push_back(absl::StrCat("n/", id));
      break;
    case v1::RECORD_KIND_OUTCOME:
      op.writes.push_back(absl::StrCat("x/", id));
      op.writes.push_back(absl::StrCat("t/", kOutcomeTiePrefix, id));
      break;
    default:
      op.writes.push_back(absl::StrCat("t/", id));
  }
  op.check = [&](StoreBatch* batch) -> absl::Status {
    if (kind == v1::RECORD_KIND_ORGANIZATION) {
      if (auto s = catalog_->CheckOrganizationRemovable(id); !s.ok()) {
        return s;
      }
    }
    if (!RecordExists(probe)) {
      return absl::NotFoundError(
          absl::StrCat(RecordKindName(probe), " '", id, "' not found"));
    }
    AddDeleteWrites(kind, id, batch);
    return absl::OkStatus();
  };
  op.apply = [&]() -> absl::Status {
    switch (kind) {
      case v1::RECORD_KIND_ORGANIZATION:
        return catalog_->RemoveOrganization(id);
      case v1::RECORD_KIND_CAPABILITY:
      case v1::RECORD_KIND_NEED:
        catalog_->RemoveProfile(kind, id);
        return absl::OkStatus();
      case v1::RECORD_KIND_OUTCOME:
        catalog_->RemoveOutcome(id);
        catalog_->RemoveTie(absl::StrCat(kOutcomeTiePrefix, id));
        return absl::OkStatus();
      default:
        catalog_->RemoveTie(id);
        return absl::OkStatus();
    }
  };
  return Commit(op);
}

// ---------------------------------------------------------------- reads

absl::StatusOr<v1::Record> MatchingEngine::Get(v1::RecordKind kind,
                                               const std::string& id) const {
  if (kind == v1::RECORD_KIND_UNSPECIFIED || !v1::RecordKind_IsValid(kind)) {
    return Invalid("kind",
                   "is required (organization, capability, need, tie, "
                   "outcome)");
  }
  if (auto s = ValidateId(id, "id"); !s.ok()) return s;
  auto lock = ReadLock();
  v1::Record record;
  const auto not_found = [&](absl::string_view what) {
    return absl::NotFoundError(absl::StrCat(what, " '", id, "' not found"));
  };
  switch (kind) {
    case v1::RECORD_KIND_ORGANIZATION: {
      const uint32_t i = catalog_->OrganizationIndex(id);
      if (i == kNoIndex || !catalog_->organization(i).live) {
        return not_found("organization");
      }
      *record.mutable_organization() = *catalog_->organization(i).record;
      break;
    }
    case v1::RECORD_KIND_CAPABILITY: {
      const uint32_t slot = catalog_->capabilities().SlotOf(id);
      if (slot == kNoIndex) return not_found("capability");
      *record.mutable_capability() =
          *catalog_->capabilities().entry(slot).capability;
      break;
    }
    case v1::RECORD_KIND_NEED: {
      const uint32_t slot = catalog_->needs().SlotOf(id);
      if (slot == kNoIndex) return not_found("need");
      *record.mutable_need() = *catalog_->needs().entry(slot).need;
      break;
    }
    case v1::RECORD_KIND_OUTCOME: {
      const v1::Outcome* outcome = catalog_->outcome(id);
      if (outcome == nullptr) return not_found("outcome");
      *record.mutable_outcome() = *outcome;
      break;
    }
    default: {
      const uint32_t i = catalog_->TieIndex(id);
      if (i == kNoIndex) return not_found("tie");
      *record.mutable_tie() = *catalog_->ties()[i].record;
    }
  }
  return record;
}

v1::StatsResponse MatchingEngine::Stats() const {
  v1::StatsResponse stats;
  {
    // Lock order is write_mu_, then the catalog lock: never the reverse.
    std::lock_guard<std::mutex> write_lock(write_mu_);
    stats.set_writes_committed(writes_committed_);
    stats.set_write_groups(groups_committed_);
  }
  auto lock = ReadLock();
  stats.set_organizations(catalog_->live_organizations());
  stats.set_capabilities(catalog_->capabilities().live());
  stats.set_needs(catalog_->needs().live());
  stats.set_ties(catalog_->live_ties());
  stats.set_model(model_identity_);
  stats.set_capability_index(catalog_->capabilities().index().Describe());
  stats.set_need_index(catalog_->needs().index().Describe());
  stats.set_outcomes(static_cast<int64_t>(catalog_->outcomes().size()));
  stats.set_capability_index_recovery(capability_recovery_.description);
  stats.set_need_index_recovery(need_recovery_.description);
  stats.set_store_sequence(store_->LatestSequence());
  return stats;
}

bool MatchingEngine::HasProfiles(const std::string& organization_id) const {
  auto lock = ReadLock();
  const uint32_t i = catalog_->OrganizationIndex(organization_id);
  return i != kNoIndex && !catalog_->organization(i).capabilities.empty();
}

PairHistory MatchingEngine::HistoryBetween(uint32_t a, uint32_t b) const {
  PairHistory h;
  if (a == kNoIndex || b == kNoIndex) return h;
  const auto& ta = catalog_->organization(a).ties;
  const auto& tb = catalog_->organization(b).ties;
  const auto& fewer = ta.size() <= tb.size() ? ta : tb;
  for (uint32_t t : fewer) {
    const TieEntry& tie = catalog_->ties()[t];
    if (!tie.live ||
        !((tie.a == a && tie.b == b) || (tie.a == b && tie.b == a)))
      continue;
    h.ties.push_back(tie.record.get());
  }
  return SummarizeTies(std::move(h.ties));
}

absl::StatusOr<MatchingEngine::Query> MatchingEngine::ResolveQuery(
    const v1::RecommendRequest& request) const {
  Query q;
  q.filter = request.filter();
  switch (request.query_case()) {
    case v1::RecommendRequest::kNeedId: {
      if (request.direction() == v1::DIRECTION_CAPABILITY_TO_NEEDS) {
        return Invalid("direction",
                       "need_id queries look for capabilities "
                       "(DIRECTION_NEED_TO_CAPABILITIES)");
      }
      if (auto s = ValidateId(request.need_id(), "need_id"); !s.ok()) return s;
      const uint32_t slot = catalog_->needs().SlotOf(request.need_id());
      if (slot == kNoIndex) {
        return absl::NotFoundError(
            absl::StrCat("need '", request.need_id(), "' not found"));
      }
      const ProfileEntry& e = catalog_->needs().entry(slot);
      q.direction = v1::DIRECTION_NEED_TO_CAPABILITIES;
      q.need = e.need.get();
      q.requester = e.organization;
      const auto v = catalog_->needs().index().Vector(slot);
      q.vector.assign(v.begin(), v.end());
      for (const auto& tc : e.terms) q.terms.push_back(tc.term);
      break;
    }
    case v1::RecommendRequest::kCapabilityId: {
      if (request.direction() == v1::DIRECTION_NEED_TO_CAPABILITIES) {
        return Invalid("direction",
                       "capability_id queries look for needs "
                       "(DIRECTION_CAPABILITY_TO_NEEDS)");
      }
      if (auto s = ValidateId(request.capability_id(), "capability_id");
          !s.ok()) {
        return s;
      }
      const uint32_t slot =
          catalog_->capabilities().SlotOf(request.capability_id());
      if (slot == kNoIndex) {
        return absl::NotFoundError(absl::StrCat(
            "capability '", request.capability_id(), "' not found"));
      }
      const ProfileEntry& e = catalog_->capabilities().entry(slot);
      q.direction = v1::DIRECTION_CAPABILITY_TO_NEEDS;
      q.capability = e.capability.get();
      q.requester = e.organization;
      const auto v = catalog_->capabilities().index().Vector(slot);
      q.vector.assign(v.begin(), v.end());
      for (const auto& tc : e.terms) q.terms.push_back(tc.term);
      break;
    }
    case v1::RecommendRequest::kText: {
      if (request.direction() == v1::DIRECTION_UNSPECIFIED ||
          !v1::Direction_IsValid(request.direction())) {
        return Invalid("direction",
                       "is required with a text query "
                       "(DIRECTION_NEED_TO_CAPABILITIES or "
                       "DIRECTION_CAPABILITY_TO_NEEDS)");
      }
      if (absl::StripAsciiWhitespace(request.text()).empty()) {
        return Invalid("text", "is empty");
      }
      if (request.text().size() > kMaxQueryTextBytes) {
        return Invalid(
            "text", absl::StrCat("is ", request.text().size(),
                                 " bytes, the limit is ", kMaxQueryTextBytes));
      }
      q.direction = request.direction();
      int known = 0;
      FillTextQuery(Tokenize(request.text()), &q, &known);
      if (known == 0 && q.terms.empty()) {
        return Invalid("text",
                       "has no word the model or the indexed corpus knows");
      }
      break;
    }
    default:
      return Invalid("query",
                     "one of need_id, capability_id, text is "
                     "required");
  }
  if (!request.requester_organization_id().empty()) {
    if (request.query_case() != v1::RecommendRequest::kText) {
      // The owner of the query record asks; a different id is a mistake.
      const auto& owner = catalog_->organization(q.requester).record->id();
      if (owner != request.requester_organization_id()) {
        return Invalid("requester_organization_id",
                       absl::StrCat("'", request.requester_organization_id(),
                                    "' does not own the queried record (owner "
                                    "is '",
                                    owner, "')"));
      }
    } else {
      const uint32_t i =
          catalog_->OrganizationIndex(request.requester_organization_id());
      if (i == kNoIndex || !catalog_->organization(i).live) {
        return absl::NotFoundError(
            absl::StrCat("requester organization '",
                         request.requester_organization_id(), "' not found"));
      }
      q.requester = i;
    }
  }
  if (q.requester != kNoIndex) {
    for (uint32_t t : catalog_->organization(q.requester).ties) {
      const TieEntry& tie = catalog_->ties()[t];
      if (tie.live) q.partners.insert(tie.a == q.requester ? tie.b : tie.a);
    }
    q.programme_requester =
        catalog_->organization(q.requester).record->kind() ==
        v1::ORGANIZATION_KIND_GOVERNMENT_PROGRAMME;
  }
  PrepareQueryScoring(&q);
  return q;
}

void MatchingEngine::FillTextQuery(const std::vector<std::string>& tokens,
                                   Query* q, int* known_words) const {
  q->vector = embedder_->Embed(tokens, known_words);
  for (const auto& t : tokens) {
    const uint32_t id = catalog_->terms().Find(t);
    if (id != kNoIndex) q->terms.push_back(id);
  }
  std::sort(q->terms.begin(), q->terms.end());
  q->terms.erase(std::unique(q->terms.begin(), q->terms.end()), q->terms.end());
}

// Sets the target set from the direction and the BM25 idf of the terms.
void MatchingEngine::PrepareQueryScoring(Query* q) const {
  q->target = q->direction == v1::DIRECTION_NEED_TO_CAPABILITIES
                  ? &catalog_->capabilities()
                  : &catalog_->needs();
  const double n = static_cast<double>(std::max<int64_t>(1, q->target->live()));
  const double k1 = options_.weights.bm25_k1;
  q->term_idf.clear();
  q->bm25_max = 0;
  for (uint32_t term : q->terms) {
    const double df = q->target->DocumentFrequency(term);
    const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    q->term_idf.push_back(idf);
    q->bm25_max += idf * (k1 + 1);
  }
}

std::vector<MatchingEngine::Candidate> MatchingEngine::ScoreSlots(
    const Query& q, const std::vector<uint32_t>& slots) const {
  const RankingWeights& w = options_.weights;
  const double avg = q.target->average_length();
  // Ties go by the term's text, not its id (the order the catalog first
  // saw each word), so answers depend on the records alone.
  const auto by_weight_then_text = [this](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return catalog_->terms().Term(a.second) < catalog_->terms().Term(b.second);
  };
  std::vector<Candidate> out;
  out.reserve(slots.size());
  for (uint32_t slot : slots) {
    const ProfileEntry& e = q.target->entry(slot);
    Candidate c;
    c.slot = slot;
    c.dense = std::max(0.0f, q.target->index().Score(q.vector, slot));
    double bm25 = 0;
    const double norm =
        w.bm25_k1 * (1 - w.bm25_b + w.bm25_b * e.length / std::max(1.0, avg));
    // Both term lists are sorted by term id: merge.
    size_t i = 0, j = 0;
    while (i < q.terms.size() && j < e.terms.size()) {
      if (q.terms[i] < e.terms[j].term) {
        ++i;
      } else if (e.terms[j].term < q.terms[i]) {
        ++j;
      } else {
        const double tf = e.terms[j].count;
        const double part = q.term_idf[i] * tf * (w.bm25_k1 + 1) / (tf + norm);
        bm25 += part;
        c.matched.emplace_back(part, q.terms[i]);
        ++i;
        ++j;
      }
    }
    c.lexical = q.bm25_max > 0 ? std::min(1.0, bm25 / q.bm25_max) : 0.0;
    c.fit = w.dense * c.dense + w.lexical * c.lexical;
    std::sort(c.matched.begin(), c.matched.end(), by_weight_then_text);
    out.push_back(std::move(c));
  }
  return out;
}

v1::Suggestion MatchingEngine::BuildSuggestion(
    const Query& q, uint32_t organization, std::vector<Candidate>& profiles,
    double best_fit, int profiles_shown, bool first_is_pinned,
    bool score_only) const {
  const RankingWeights& w = options_.weights;
  const OrganizationEntry& org = catalog_->organization(organization);
  // Ties go by profile id, not slot (which depends on the index's
  // history), so a rebuilt or restored index lists the same profiles.
  std::sort(profiles.begin() + (first_is_pinned ? 1 : 0), profiles.end(),
            [&q](const Candidate& a, const Candidate& b) {
              if (a.fit != b.fit) return a.fit > b.fit;
              return q.target->entry(a.slot).id < q.target->entry(b.slot).id;
            });
  const Candidate& best = profiles.front();
  const ProfileEntry& best_entry = q.target->entry(best.slot);
  v1::Suggestion s;
  auto* o = s.mutable_organization();
  *o = *org.record;
  o->clear_signals();

  const auto matches = [&](const Candidate& c) {
    return c.fit > 0 && c.fit >= w.depth_match_share * best_fit &&
           c.fit >= q.min_match_fit;
  };
  const int matching = static_cast<int>(
      std::count_if(profiles.begin(), profiles.end(), matches));
  const bool need_side = q.direction == v1::DIRECTION_CAPABILITY_TO_NEEDS;
  const int total =
      static_cast<int>(need_side ? org.needs.size() : org.capabilities.size());
  s.set_matching_profiles(matching);
  s.set_total_profiles(total);

  // Sides of the pair: the university holds the capability, the firm the
  // need, whichever of the two is asking.
  const v1::Organization* requester =
      q.requester != kNoIndex ? catalog_->organization(q.requester).record.get()
                              : nullptr;
  const v1::Organization* university = need_side ? requester : org.record.get();
  const v1::Organization* firm = need_side ? org.record.get() : requester;
  const v1::CapabilityProfile* capability =
      need_side ? q.capability : best_entry.capability.get();
  const v1::FirmNeed* need = need_side ? best_entry.need.get() : q.need;

  auto* b = s.mutable_breakdown();
  b->set_dense(best.dense);
  b->set_lexical(best.lexical);
  b->set_topical_fit(best.fit);
  const double depth =
      std::min(1.0, std::log2(1.0 + matching) /
                        std::log2(1.0 + std::max(1, w.depth_saturation)));
  b->set_depth(depth);
  PairHistory history = HistoryBetween(q.requester, organization);
  const int year = CurrentYear();
  const double trust = TrustFeature(history, year, w.trust_half_life_years);
  if (requester != nullptr) {
    b->set_trust(trust);
    b->set_proximity(ProximityFeature(*requester, *org.record));
  } else {
    b->add_unknown_features("trust");
    b->add_unknown_features("proximity");
  }
  const v1::Organization* capacity_org = need_side ? firm : university;
  std::optional<double> capacity;
  if (capacity_org != nullptr) capacity = CapacityFeature(*capacity_org);
  if (capacity) {
    b->set_capacity(*capacity);
  } else {
    b->add_unknown_features("capacity");
  }
  std::optional<double> alignment;
  if (need != nullptr && capability != nullptr) {
    alignment = BenefitAlignmentFeature(*need, *capability);
  }
  if (alignment) {
    b->set_benefit_alignment(*alignment);
  } else {
    b->add_unknown_features("benefit_alignment");
  }
  b->set_activity(std::min(
      1.0, std::log1p(total) / std::log1p(std::max(1, w.activity_saturation))));
  if (w.network > 0 && !q.partners.empty()) {
    std::unordered_set<uint32_t> shared;
    for (uint32_t t : org.ties) {
      const TieEntry& tie = catalog_->ties()[t];
      const uint32_t other = tie.a == organization ? tie.b : tie.a;
      if (tie.live && other != q.requester && q.partners.count(other)) {
        shared.insert(other);
      }
    }
    b->set_network(1.0 - std::exp(-static_cast<double>(shared.size()) / 2));
  }
  s.set_score(best.fit + w.depth * depth + w.trust * b->trust() +
              w.proximity * b->proximity() + w.capacity * b->capacity() +
              w.benefit_alignment * b->benefit_alignment() +
              w.activity * b->activity() + w.network * b->network());
  if (score_only) return s;

  // Evidence terms: strongest first over the shown profiles.
  std::vector<std::pair<double, uint32_t>> terms;
  for (int i = 0; i < static_cast<int>(profiles.size()) && i < profiles_shown;
       ++i) {
    const Candidate& c = profiles[i];
    const ProfileEntry& e = q.target->entry(c.slot);
    auto* m = s.add_profiles();
    m->set_id(e.id);
    m->set_title(e.title());
    if (e.capability) {
      m->set_reference(e.capability->reference());
      m->set_year(e.capability->year());
    }
    m->set_score(c.fit);
    m->set_dense(c.dense);
    m->set_lexical(c.lexical);
    for (const auto& [weight, term] : c.matched) {
      if (m->matched_terms_size() < 8) {
        m->add_matched_terms(catalog_->terms().Term(term));
      }
      terms.emplace_back(weight, term);
    }
  }
  std::sort(terms.begin(), terms.end(), [this](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return catalog_->terms().Term(a.second) < catalog_->terms().Term(b.second);
  });
  std::unordered_set<uint32_t> used;
  for (const auto& [weight, term] : terms) {
    if (s.evidence_terms_size() >= 10) break;
    if (used.insert(term).second) {
      s.add_evidence_terms(catalog_->terms().Term(term));
    }
  }

  // Ladder and barriers.
  LadderInput ladder;
  ladder.covered_rung = history.covered_rung;
  if (need != nullptr) {
    for (int c : need->channels_wanted()) {
      ladder.wanted.push_back(static_cast<v1::Channel>(c));
    }
  }
  if (capability != nullptr) {
    for (int c : capability->channels_offered()) {
      ladder.offered.push_back(static_cast<v1::Channel>(c));
    }
  }
  *s.mutable_ladder() = RecommendLadderStep(ladder);

  BarrierInput in;
  in.university = university;
  in.firm = firm;
  in.capability = capability;
  in.need = need;
  in.matching_profiles = need_side ? 0 : matching;
  if (!need_side) {
    for (const Candidate& c : profiles) {
      if (in.matching_references.size() >= 3) break;
      if (!matches(c)) continue;
      const v1::CapabilityProfile& p = *q.target->entry(c.slot).capability;
      in.matching_references.push_back(
          p.reference().empty() ? p.title()
                                : absl::StrCat(p.reference(), ": ", p.title()));
    }
  }
  in.total_profiles = need_side ? 0 : total;
  in.reference_year = year;
  in.recommended_rung = s.ladder().recommended_rung();
  in.next_rung = s.ladder().next_rung();
  const uint32_t uni_index = need_side ? q.requester : organization;
  const uint32_t firm_index = need_side ? organization : q.requester;
  if (uni_index != kNoIndex && firm_index != kNoIndex) {
    std::unordered_set<uint32_t> partners_u;
    for (uint32_t t : catalog_->organization(uni_index).ties) {
      const auto& tie = catalog_->ties()[t];
      if (tie.live) partners_u.insert(tie.a == uni_index ? tie.b : tie.a);
    }
    int shared = 0, firm_uni = 0;
    std::unordered_set<uint32_t> partners_f;
    for (uint32_t t : catalog_->organization(firm_index).ties) {
      const auto& tie = catalog_->ties()[t];
      if (!tie.live) continue;
      const uint32_t other = tie.a == firm_index ? tie.b : tie.a;
      if (!partners_f.insert(other).second) continue;
      if (other != uni_index && partners_u.count(other)) ++shared;
      if (other != kNoIndex &&
          IsResearchSide(*catalog_->organization(other).record)) {
        ++firm_uni;
      }
    }
    in.shared_partners = shared;
    in.firm_university_ties = firm_uni;
  }
  if (university != nullptr && !university->region().empty()) {
    in.regional_firms = catalog_->FirmsInRegion(university->region());
  }
  in.history = std::move(history);
  for (auto& a : AssessBarriers(in)) *s.add_barriers() = std::move(a);
  for (const v1::Tie* t : in.history.ties) {
    s.add_trust_evidence(
        absl::StrCat(t->year(), " ", v1::Channel_Name(t->channel()), " (",
                     v1::TieOutcome_Name(t->outcome()), ")",
                     t->reference().empty() ? "" : ": ", t->reference()));
  }
  return s;
}

absl::StatusOr<v1::RecommendResponse> MatchingEngine::Recommend(
    const v1::RecommendRequest& request) const {
  if (request.k() < 1 || request.k() > kMaxK) {
    return Invalid("k", absl::StrCat(request.k(), " is outside 1..", kMaxK));
  }
  if (request.profiles_per_organization() < 0 ||
      request.profiles_per_organization() > kMaxProfilesPerOrganization) {
    return Invalid(
        "profiles_per_organization",
        absl::StrCat(request.profiles_per_organization(), " is outside 0..",
                     kMaxProfilesPerOrganization));
  }
  if (!v1::Direction_IsValid(request.direction())) {
    return Invalid("direction",
                   absl::StrCat("unknown value ", request.direction()));
  }
  if (auto s = ValidateFilter(request.filter()); !s.ok()) return s;
  const int shown = request.profiles_per_organization() == 0
                        ? 3
                        : request.profiles_per_organization();

  auto lock = ReadLock();
  auto query = ResolveQuery(request);
  if (!query.ok()) return query.status();
  const Query& q = *query;
  const ProfileSet& target = *q.target;
  TargetFilter filter(*catalog_, target, q.filter, q.requester,
                      q.programme_requester);

  // Candidates from both the dense index and BM25 postings; widen until k
  // organizations are found or every profile was considered.
  const int64_t slots = target.index().slots();
  int64_t n = std::max<int64_t>(200, int64_t{request.k()} * 20);
  std::vector<Candidate> scored;
  std::unordered_map<uint32_t, std::vector<Candidate>> by_org;
  // Lexical candidates (BM25-like weights over the postings of the query's
  // terms) and the asker's earlier partners do not depend on the widening
  // below: gather them once.
  std::vector<std::pair<double, uint32_t>> lex;
  {
    std::unordered_map<uint32_t, double> lexical;
    // Terms in more than a tenth of the profiles add little but cost a
    // long postings walk; they still count in every candidate's BM25.
    const size_t common =
        std::max<size_t>(1000, static_cast<size_t>(target.live()) / 10);
    for (size_t i = 0; i < q.terms.size(); ++i) {
      const auto& postings = target.Postings(q.terms[i]);
      if (postings.size() > common) continue;
      for (const Posting& p : postings) {
        lexical[p.slot] += q.term_idf[i] * p.count / (p.count + 1.0);
      }
    }
    lex.reserve(lexical.size());
    for (const auto& [slot, score] : lexical) lex.emplace_back(score, slot);
  }
  // Earlier partners of the asker are candidates whatever their text:
  // trust is the strongest single signal of who works together.
  std::vector<uint32_t> partner_slots;
  if (options_.weights.trust > 0) {
    for (uint32_t partner : q.partners) {
      const auto& entry = catalog_->organization(partner);
      const auto& slots_of = target.kind() == v1::RECORD_KIND_NEED
                                 ? entry.needs
                                 : entry.capabilities;
      for (uint32_t slot : slots_of) {
        if (filter.IsAllowed(slot)) partner_slots.push_back(slot);
      }
    }
  }
  while (true) {
    std::unordered_set<uint32_t> pool(partner_slots.begin(),
                                      partner_slots.end());
    // The filter always applies: dead slots, the requester's own profiles
    // and visibility, besides the request's criteria.
    auto hits = target.index().Search(
        q.vector, static_cast<int>(std::min(n, slots)), &filter);
    if (!hits.ok()) return hits.status();
    for (const auto& h : *hits) pool.insert(static_cast<uint32_t>(h.slot));
    const size_t take = std::min<size_t>(lex.size(), static_cast<size_t>(n));
    std::partial_sort(
        lex.begin(), lex.begin() + static_cast<std::ptrdiff_t>(take), lex.end(),
        [](const auto& a, const auto& b) {
          return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
    for (size_t i = 0; i < take; ++i) {
      if (filter.IsAllowed(lex[i].second)) pool.insert(lex[i].second);
    }
    std::vector<uint32_t> pool_slots(pool.begin(), pool.end());
    std::sort(pool_slots.begin(), pool_slots.end());
    scored = ScoreSlots(q, pool_slots);
    by_org.clear();
    for (const auto& c : scored) {
      by_org[target.entry(c.slot).organization].push_back(c);
    }
    if (static_cast<int>(by_org.size()) >= request.k() || n >= slots) break;
    n *= 4;
  }
  double best_fit = 0;
  for (const auto& c : scored) best_fit = std::max(best_fit, c.fit);

  // Score every organization cheaply, then explain only the k best.
  std::vector<std::pair<double, uint32_t>> ranked;
  ranked.reserve(by_org.size());
  for (auto& [org, list] : by_org) {
    const v1::Suggestion scored_only = BuildSuggestion(
        q, org, list, best_fit, shown, false, /*score_only=*/true);
    ranked.emplace_back(scored_only.score(), org);
  }
  const auto& organizations = catalog_->organizations();
  std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first
                              : organizations[a.second].record->id() <
                                    organizations[b.second].record->id();
  });
  if (static_cast<int>(ranked.size()) > request.k()) {
    ranked.resize(static_cast<size_t>(request.k()));
  }
  std::vector<v1::Suggestion> suggestions;
  suggestions.reserve(ranked.size());
  for (const auto& [score, org] : ranked) {
    suggestions.push_back(BuildSuggestion(q, org, by_org[org], best_fit, shown,
                                          false, request.omit_explanations()));
  }
  v1::RecommendResponse response;
  response.set_model(model_identity_);
  response.set_candidates_considered(static_cast<int>(scored.size()));
  for (int i = 0; i < static_cast<int>(suggestions.size()) && i < request.k();
       ++i) {
    *response.add_suggestions() = std::move(suggestions[i]);
  }
  return response;
}

absl::StatusOr<v1::ExplainResponse> MatchingEngine::Explain(
    const v1::ExplainRequest& request) const {
  if (auto s = ValidateId(request.need_id(), "need_id"); !s.ok()) return s;
  if (auto s = ValidateId(request.capability_id(), "capability_id"); !s.ok()) {
    return s;
  }
  auto lock = ReadLock();
  const uint32_t cap_slot =
      catalog_->capabilities().SlotOf(request.capability_id());
  if (cap_slot == kNoIndex) {
    return absl::NotFoundError(
        absl::StrCat("capability '", request.capability_id(), "' not found"));
  }
  v1::RecommendRequest as_query;
  as_query.set_need_id(request.need_id());
  as_query.set_k(1);
  auto query = ResolveQuery(as_query);
  if (!query.ok()) return query.status();
  const ProfileEntry& cap = catalog_->capabilities().entry(cap_slot);
  const OrganizationEntry& org = catalog_->organization(cap.organization);
  // Depth over the capability owner's own profiles, the explained one first.
  auto scored = ScoreSlots(*query, org.capabilities);
  double best_fit = 0;
  for (const auto& c : scored) best_fit = std::max(best_fit, c.fit);
  auto it = std::find_if(scored.begin(), scored.end(),
                         [&](const auto& c) { return c.slot == cap_slot; });
  std::iter_swap(scored.begin(), it);
  v1::ExplainResponse response;
  *response.mutable_suggestion() =
      BuildSuggestion(*query, cap.organization, scored, best_fit, 3,
                      /*first_is_pinned=*/true);
  *response.mutable_need() = *query->need;
  *response.mutable_capability() = *cap.capability;
  return response;
}

}  // namespace helixmatch
