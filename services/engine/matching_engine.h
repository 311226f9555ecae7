// The engine behind every transport: a facade that opens a data folder,
// holds the catalog lock and the group commit, and delegates each call to
// the module that does the work (query/, ranking/, explain/, programmes/).
// Requests and answers are the proto messages of helixmatch.v1; no gRPC
// here, so tests call the engine directly.
//
// Thread-safe: queries run concurrently under a shared lock; writes go
// through the group commit, are made durable in RocksDB first and then
// applied to the catalog under the exclusive lock, so a query never sees
// a record that is not acknowledged-durable, nor a deleted record after
// the delete returned.
#ifndef HELIXMATCH_SERVICES_ENGINE_MATCHING_ENGINE_H_
#define HELIXMATCH_SERVICES_ENGINE_MATCHING_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/data_dir.h"
#include "indexer/embedder.h"
#include "indexer/index_snapshot.h"
#include "indexer/record_store.h"
#include "services/catalog/catalog.h"
#include "services/catalog/visibility.h"
#include "services/engine/catalog_lock.h"
#include "services/engine/group_commit.h"
#include "services/engine/record_writes.h"
#include "services/programmes/rules_file.h"
#include "services/query/recommend_request.h"
#include "services/ranking/learned_ranker.h"
#include "services/ranking/weights.h"

namespace helixmatch {

// Records per BatchUpsert.
inline constexpr int kMaxBatchRecords = 1000;

struct EngineOptions {
  std::string data_dir;
  std::string word_vectors_path;
  VectorIndexOptions index;
  RankingWeights weights;
  // The learned ranker (LearnedRanker::LoadFile or LoadDefault); null: the
  // weighted sum of `weights` ranks. Shared, immutable.
  std::shared_ptr<const LearnedRanker> ranker;
  // Programme rules: a YAML file or a folder of them (see ProgrammeRegistry);
  // empty: no programmes (screening is refused).
  std::string programmes_path;
  // Year trust recency is measured from; 0 = the current calendar year.
  int reference_year = 0;
  // Save the vector indexes when the engine is destroyed (a clean stop).
  // Tests turn it off to leave the files as a crash would.
  bool save_indexes_on_close = true;
  // Preloaded word vectors (tests share one table); overrides the path.
  std::shared_ptr<const WordVectors> word_vectors;
};

// What metrics read of the engine (Stats has the catalog sizes).
struct EngineMetrics {
  struct Index {
    int64_t slots = 0;  // live plus tombstoned (deleted or replaced)
    int64_t live = 0;
    IndexRecovery::How recovery = IndexRecovery::How::kLoaded;
  };
  Index capability_index;
  Index need_index;
  CommitCounters commits;
};

class MatchingEngine {
 public:
  // Opens the data folder (created if missing), loads the model, the
  // catalog and the vector indexes (replayed or rebuilt from the store
  // when a file is stale, missing or corrupt; the log says which, and a
  // recovered index is saved at once).
  static absl::StatusOr<std::unique_ptr<MatchingEngine>> Open(
      const EngineOptions& options);
  ~MatchingEngine();

  // Writes (durable when they return OK). `writer` decides how outcomes
  // are stored (services/programmes/outcome_claims.h: an organization's
  // outcome is its claim until the other party confirms it; an
  // operator's is stored as given); who may write what at all is the
  // caller's check (services/server/principals.h).
  absl::StatusOr<v1::UpsertResponse> Upsert(
      const v1::Record& record, const Viewer& writer = Viewer::Operator());
  // All or nothing; errors name records[i] and the field.
  absl::StatusOr<v1::BatchUpsertResponse> BatchUpsert(
      const google::protobuf::RepeatedPtrField<v1::Record>& records,
      const Viewer& writer = Viewer::Operator());
  // Writes each valid record, reports each bad one; `first_position` is the
  // stream position of records[0].
  absl::StatusOr<std::vector<v1::RecordError>> IngestChunk(
      const std::vector<v1::Record>& records, int64_t first_position,
      const Viewer& writer = Viewer::Operator());
  absl::Status Delete(v1::RecordKind kind, const std::string& id);
  // Stores the outcome as a claim or a confirmation (see Upsert), and the
  // tie it becomes once confirmed; the response holds both as stored.
  absl::StatusOr<v1::RecordOutcomeResponse> RecordOutcome(
      const v1::Outcome& outcome, const Viewer& writer = Viewer::Operator());
  // Confirms the claimed outcome `id` (ConfirmStoredOutcome: the other
  // party or an operator) and writes its tie. INVALID_ARGUMENT for a bad
  // id, NOT_FOUND for one the writer may not see, FAILED_PRECONDITION for
  // the party that recorded it.
  absl::StatusOr<v1::RecordOutcomeResponse> ConfirmOutcome(
      const std::string& id, const Viewer& writer);

  // Queries. Each reads as `viewer` sees the catalog (the one rule of
  // services/catalog/visibility.h): a record the viewer may not see is
  // answered exactly like a missing one, and nothing it may not see
  // (id, text, owner, a word only it holds) shows in any answer or
  // error. A transport passes its caller; the operator default is for
  // tools and tests that own the data folder.
  absl::StatusOr<v1::Record> Get(
      v1::RecordKind kind, const std::string& id,
      const Viewer& viewer = Viewer::Operator()) const;
  absl::StatusOr<v1::RecommendResponse> Recommend(
      const v1::RecommendRequest& request,
      const Viewer& viewer = Viewer::Operator()) const;
  absl::StatusOr<v1::ExplainResponse> Explain(
      const v1::ExplainRequest& request,
      const Viewer& viewer = Viewer::Operator()) const;
  // The organizations a Recommend of `request` scores (its candidate
  // pool, before ranking), by id: for the evaluation's candidate recall.
  absl::StatusOr<std::vector<std::string>> CandidateOrganizations(
      const v1::RecommendRequest& request,
      const Viewer& viewer = Viewer::Operator()) const;
  // Counts include records the viewer may not see; for other viewers
  // than operators the index recovery lines stop at their first word
  // ("loaded", "replayed N changes since sequence S", "rebuilt"): the
  // reasons may name a record.
  v1::StatsResponse Stats(const Viewer& viewer = Viewer::Operator()) const;
  EngineMetrics Metrics() const;
  // Whether the organization has at least one live capability profile.
  bool HasProfiles(const std::string& organization_id) const;
  // The live capability profiles (kind RECORD_KIND_CAPABILITY) or needs
  // (RECORD_KIND_NEED) of one organization, in no particular order.
  // INVALID_ARGUMENT "kind: ..." for another kind; NOT_FOUND
  // "organization_id: organization '<id>' not found".
  absl::StatusOr<std::vector<v1::Record>> ProfilesOf(
      v1::RecordKind kind, const std::string& organization_id) const;

  // Programme pre-screening (programmes/screening.h). Read-only.
  absl::StatusOr<v1::ScreeningReport> ScreenProposal(
      const v1::Proposal& proposal,
      const Viewer& viewer = Viewer::Operator()) const;
  absl::StatusOr<v1::ScreenProposalsResponse> ScreenProposals(
      const std::vector<v1::Proposal>& proposals,
      const Viewer& viewer = Viewer::Operator()) const;
  absl::StatusOr<v1::Pathway> PlanPathway(
      const v1::PlanPathwayRequest& request,
      const Viewer& viewer = Viewer::Operator()) const;
  std::vector<v1::ProgrammeRules> Programmes() const;
  // Who declined is listed only for declines `viewer` may see.
  absl::StatusOr<v1::DeclineReasonsResponse> DeclineReasons(
      const std::string& organization_id,
      const Viewer& viewer = Viewer::Operator()) const;

  // Writes both vector indexes to their files (also done on destruction).
  absl::Status SaveIndexes();
  // Store changes written since the indexes were last saved.
  int64_t ChangesSinceSave() const;

  // Copies the store (a RocksDB checkpoint) and both indexes into
  // `folder`, which must not exist, between two writes: the copy is a data
  // folder that opens with every write acknowledged before the call.
  absl::StatusOr<v1::BackupResponse> Backup(const std::string& folder);

  const std::string& model_identity() const { return model_identity_; }
  // The learned ranker's identity, or the weighted sum's weights version.
  const std::string& ranking_identity() const { return ranking_identity_; }

 private:
  MatchingEngine() = default;
  // One record through the group commit; the record as written.
  absl::StatusOr<EmbeddedRecord> Write(const v1::Record& record,
                                       const Viewer& writer);
  // The steps of Open: the folder, then the word vectors (on a thread of
  // their own while the store and catalog load), then the embedder.
  absl::Status CreateDataFolder() const;
  absl::Status LoadWordVectors();
  absl::Status MakeEmbedder(
      const std::optional<storage::EmbeddingModel>& stored);
  // With the group commit's writes held.
  absl::Status SaveIndexesTo(const DataDir& dir) const;
  int CurrentYear() const;

  EngineOptions options_;
  DataDir dir_;
  std::unique_ptr<RecordStore> store_;
  std::shared_ptr<const WordVectors> word_vectors_;
  std::unique_ptr<Embedder> embedder_;
  std::string model_identity_;
  std::string weighted_model_identity_;  // QueryContext's
  std::string ranking_identity_;
  ProgrammeRegistry programmes_;
  IndexRecovery capability_recovery_;  // how each index was obtained at start
  IndexRecovery need_recovery_;

  CatalogLock catalog_lock_;
  std::unique_ptr<Catalog> catalog_;  // guarded by catalog_lock_
  std::unique_ptr<GroupCommit> commits_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGINE_MATCHING_ENGINE_H_
