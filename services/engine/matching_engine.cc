#include "services/engine/matching_engine.h"

#include <ctime>
#include <filesystem>
#include <future>
#include <optional>

#include "absl/strings/str_cat.h"
#include "indexer/record_validation.h"
#include "indexer/records.h"
#include "services/engine/catalog_loader.h"
#include "services/engine/recommend.h"
#include "services/programmes/outcomes.h"
#include "services/programmes/pathways.h"
#include "services/programmes/screening.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

absl::Status ValidateKindAndId(v1::RecordKind kind, const std::string& id) {
  if (kind == v1::RECORD_KIND_UNSPECIFIED || !v1::RecordKind_IsValid(kind)) {
    return absl::InvalidArgumentError(
        "kind: is required (organization, capability, need, tie, outcome)");
  }
  return ValidateId(id, "id");
}

}  // namespace

absl::StatusOr<std::unique_ptr<MatchingEngine>> MatchingEngine::Open(
    const EngineOptions& options) {
  auto engine = std::unique_ptr<MatchingEngine>(new MatchingEngine());
  engine->options_ = options;
  engine->dir_ = DataDir{options.data_dir};
  if (auto s = engine->CreateDataFolder(); !s.ok()) return s;
  // The word vectors (136 MB of GloVe, about 2 s) load on a second thread
  // while the store and the catalog load on this one: neither needs the
  // other until the embedder is made. Declared after `engine`, so an early
  // return waits for the thread before the engine goes.
  std::future<absl::Status> vectors = std::async(
      std::launch::async, [e = engine.get()] { return e->LoadWordVectors(); });
  // Waits for the word vectors once; later calls give the same status.
  absl::Status vectors_status;
  const auto await_vectors = [&] {
    if (vectors.valid()) vectors_status = vectors.get();
    return vectors_status;
  };
  // On a failure, the word vectors' own error first (a fresh machine
  // without them gets the command that fetches them), as when they loaded
  // before everything else.
  const auto fail = [&](absl::Status s) {
    absl::Status v = await_vectors();
    return v.ok() ? s : v;
  };
  if (!options.programmes_path.empty()) {
    auto programmes = ProgrammeRegistry::Load(options.programmes_path);
    if (!programmes.ok()) return fail(programmes.status());
    engine->programmes_ = std::move(*programmes);
    spdlog::info("{} programme rule sets loaded from {}",
                 engine->programmes_.size(), options.programmes_path);
  }
  auto store = RecordStore::Open(engine->dir_.StorePath());
  if (!store.ok()) return fail(store.status());
  engine->store_ = std::move(*store);
  auto model = engine->store_->GetModel();
  if (!model.ok()) return fail(model.status());
  // An empty store has no model yet: its catalog takes the dimension of
  // the word vectors it is about to be given.
  if (!model->has_value()) {
    if (auto s = await_vectors(); !s.ok()) return s;
  }
  const int dimension = model->has_value() ? (**model).dimension()
                                           : engine->word_vectors_->dimension();
  auto loaded =
      LoadCatalog(*engine->store_, engine->dir_, dimension, options.index);
  if (!loaded.ok()) return fail(loaded.status());
  if (auto s = await_vectors(); !s.ok()) return s;
  if (auto s = engine->MakeEmbedder(*model); !s.ok()) return s;
  spdlog::info("model {}", engine->model_identity_);
  engine->catalog_ = std::move(loaded->catalog);
  engine->capability_recovery_ = std::move(loaded->capability_recovery);
  engine->need_recovery_ = std::move(loaded->need_recovery);
  engine->commits_ = std::make_unique<GroupCommit>(engine->store_.get(),
                                                   &engine->catalog_lock_);
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

absl::Status MatchingEngine::CreateDataFolder() const {
  std::error_code error;
  std::filesystem::create_directories(dir_.IndexFolder(), error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("creating '", dir_.IndexFolder(), "': ", error.message()));
  }
  return absl::OkStatus();
}

absl::Status MatchingEngine::LoadWordVectors() {
  if (options_.word_vectors) {
    word_vectors_ = options_.word_vectors;
    return absl::OkStatus();
  }
  auto vectors = WordVectors::Load(options_.word_vectors_path);
  if (!vectors.ok()) return vectors.status();
  word_vectors_ = std::move(*vectors);
  return absl::OkStatus();
}

// The embedder of the model stored in the store (an empty store gets an
// IDF fitted on nothing, every word weighing the same, until the first
// import refits it).
absl::Status MatchingEngine::MakeEmbedder(
    const std::optional<storage::EmbeddingModel>& stored) {
  if (stored.has_value()) {
    auto embedder = GloveIdfEmbedder::FromModel(word_vectors_, *stored);
    if (!embedder.ok()) return embedder.status();
    embedder_ = std::move(*embedder);
  } else {
    auto embedder =
        std::make_unique<GloveIdfEmbedder>(word_vectors_, IdfTable::Fit({}));
    StoreBatch batch;
    batch.PutModel(embedder->ToModel());
    if (auto s = store_->Write(batch); !s.ok()) return s;
    embedder_ = std::move(embedder);
  }
  ranking_identity_ = options_.ranker != nullptr
                          ? options_.ranker->identity()
                          : std::string(kRankingWeightsVersion);
  model_identity_ =
      absl::StrCat(embedder_->Identity(), "; ranking ", ranking_identity_);
  weighted_model_identity_ =
      options_.ranker == nullptr
          ? model_identity_
          : absl::StrCat(
                embedder_->Identity(), "; ranking ", kRankingWeightsVersion,
                " (", ranking_identity_,
                " ranks queries that name a funding call)");
  return absl::OkStatus();
}

MatchingEngine::~MatchingEngine() {
  if (commits_ != nullptr && options_.save_indexes_on_close) {
    if (auto s = SaveIndexes(); !s.ok()) {
      spdlog::warn("saving vector indexes on shutdown failed: {}",
                   std::string(s.message()));
    }
  }
}

absl::Status MatchingEngine::SaveIndexes() {
  auto held = commits_->HoldWrites();
  if (auto s = SaveIndexesTo(dir_); !s.ok()) return s;
  commits_->MarkSaved(held);
  return absl::OkStatus();
}

absl::Status MatchingEngine::SaveIndexesTo(const DataDir& dir) const {
  auto read_lock = catalog_lock_.Read();
  for (auto kind : {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    const ProfileSet& set = catalog_->profiles(kind);
    VectorIndexFileInfo info;
    info.store_sequence = store_->LatestSequence();
    info.slot_ids = set.SlotIds();
    if (auto s = SaveVectorIndex(set.index(), dir.IndexPath(kind), info);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

int64_t MatchingEngine::ChangesSinceSave() const {
  return commits_->Counters().changes_since_save;
}

absl::StatusOr<v1::BackupResponse> MatchingEngine::Backup(
    const std::string& folder) {
  if (folder.empty()) return absl::InvalidArgumentError("folder: is required");
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
  // No write runs while the writes are held, so the checkpoint and the
  // indexes reflect the same sequence.
  auto held = commits_->HoldWrites();
  if (auto s = store_->Checkpoint(target.StorePath()); !s.ok()) return s;
  if (auto s = SaveIndexesTo(target); !s.ok()) return s;
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

absl::StatusOr<v1::Record> MatchingEngine::Get(v1::RecordKind kind,
                                               const std::string& id,
                                               const Viewer& viewer) const {
  if (auto s = ValidateKindAndId(kind, id); !s.ok()) return s;
  auto lock = catalog_lock_.Read();
  auto record = catalog_->Find(kind, id);
  if (!record || !MaySee(viewer, *record)) {
    return absl::NotFoundError(
        absl::StrCat(RecordKindName(kind), " '", id, "' not found"));
  }
  return *record;
}

absl::StatusOr<v1::RecommendResponse> MatchingEngine::Recommend(
    const v1::RecommendRequest& request, const Viewer& viewer) const {
  auto lock = catalog_lock_.Read();
  return RecommendOver({*catalog_, *embedder_, options_.weights, CurrentYear(),
                        model_identity_, weighted_model_identity_, viewer,
                        options_.ranker.get()},
                       request);
}

absl::StatusOr<v1::ExplainResponse> MatchingEngine::Explain(
    const v1::ExplainRequest& request, const Viewer& viewer) const {
  auto lock = catalog_lock_.Read();
  return ExplainOver({*catalog_, *embedder_, options_.weights, CurrentYear(),
                      model_identity_, weighted_model_identity_, viewer,
                      options_.ranker.get()},
                     request);
}

absl::StatusOr<std::vector<std::string>> MatchingEngine::CandidateOrganizations(
    const v1::RecommendRequest& request, const Viewer& viewer) const {
  auto lock = catalog_lock_.Read();
  return CandidatesOver({*catalog_, *embedder_, options_.weights, CurrentYear(),
                         model_identity_, weighted_model_identity_, viewer,
                         options_.ranker.get()},
                        request);
}

v1::StatsResponse MatchingEngine::Stats(const Viewer& viewer) const {
  v1::StatsResponse stats;
  const CommitCounters counters = commits_->Counters();
  stats.set_writes_committed(counters.writes);
  stats.set_write_groups(counters.groups);
  auto lock = catalog_lock_.Read();
  stats.set_organizations(catalog_->live_organizations());
  stats.set_capabilities(catalog_->capabilities().live());
  stats.set_needs(catalog_->needs().live());
  stats.set_ties(catalog_->live_ties());
  stats.set_model(model_identity_);
  stats.set_capability_index(catalog_->capabilities().index().Describe());
  stats.set_need_index(catalog_->needs().index().Describe());
  stats.set_outcomes(static_cast<int64_t>(catalog_->outcomes().size()));
  const auto recovery = [&viewer](const std::string& description) {
    return viewer.is_operator() ? description
                                : description.substr(0, description.find(':'));
  };
  stats.set_capability_index_recovery(
      recovery(capability_recovery_.description));
  stats.set_need_index_recovery(recovery(need_recovery_.description));
  stats.set_store_sequence(store_->LatestSequence());
  return stats;
}

EngineMetrics MatchingEngine::Metrics() const {
  EngineMetrics metrics;
  metrics.commits = commits_->Counters();
  metrics.capability_index.recovery = capability_recovery_.how;
  metrics.need_index.recovery = need_recovery_.how;
  auto lock = catalog_lock_.Read();
  metrics.capability_index.slots = catalog_->capabilities().index().slots();
  metrics.capability_index.live = catalog_->capabilities().live();
  metrics.need_index.slots = catalog_->needs().index().slots();
  metrics.need_index.live = catalog_->needs().live();
  return metrics;
}

bool MatchingEngine::HasProfiles(const std::string& organization_id) const {
  auto lock = catalog_lock_.Read();
  const uint32_t i = catalog_->OrganizationIndex(organization_id);
  return i != kNoIndex && !catalog_->organization(i).capabilities.empty();
}

absl::StatusOr<std::vector<v1::Record>> MatchingEngine::ProfilesOf(
    v1::RecordKind kind, const std::string& organization_id) const {
  if (kind != v1::RECORD_KIND_CAPABILITY && kind != v1::RECORD_KIND_NEED) {
    return absl::InvalidArgumentError(
        "kind: must be RECORD_KIND_CAPABILITY or RECORD_KIND_NEED");
  }
  auto lock = catalog_lock_.Read();
  auto organization =
      catalog_->FindOrganization("organization_id", organization_id);
  if (!organization.ok()) return organization.status();
  const OrganizationEntry& entry = catalog_->organization(*organization);
  const ProfileSet& profiles = catalog_->profiles(kind);
  std::vector<v1::Record> records;
  for (uint32_t slot :
       kind == v1::RECORD_KIND_CAPABILITY ? entry.capabilities : entry.needs) {
    const ProfileEntry& profile = profiles.entry(slot);
    v1::Record& record = records.emplace_back();
    if (profile.capability != nullptr) {
      *record.mutable_capability() = *profile.capability;
    } else {
      *record.mutable_need() = *profile.need;
    }
  }
  return records;
}

absl::StatusOr<v1::ScreeningReport> MatchingEngine::ScreenProposal(
    const v1::Proposal& proposal, const Viewer& viewer) const {
  auto lock = catalog_lock_.Read();
  return helixmatch::ScreenProposal({*catalog_, *embedder_, programmes_,
                                     options_.weights, CurrentYear(), viewer},
                                    proposal);
}

absl::StatusOr<v1::ScreenProposalsResponse> MatchingEngine::ScreenProposals(
    const std::vector<v1::Proposal>& proposals, const Viewer& viewer) const {
  auto lock = catalog_lock_.Read();
  return helixmatch::ScreenProposals({*catalog_, *embedder_, programmes_,
                                      options_.weights, CurrentYear(), viewer},
                                     proposals);
}

absl::StatusOr<v1::Pathway> MatchingEngine::PlanPathway(
    const v1::PlanPathwayRequest& request, const Viewer& viewer) const {
  auto lock = catalog_lock_.Read();
  return PlanPairPathway(*catalog_, request, viewer);
}

std::vector<v1::ProgrammeRules> MatchingEngine::Programmes() const {
  return programmes_.All();
}

absl::StatusOr<v1::DeclineReasonsResponse> MatchingEngine::DeclineReasons(
    const std::string& organization_id, const Viewer& viewer) const {
  auto lock = catalog_lock_.Read();
  return CountDeclineReasons(*catalog_, organization_id, viewer);
}

}  // namespace helixmatch
