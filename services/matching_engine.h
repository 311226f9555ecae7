// The engine behind every transport: writes records durably, keeps the
// in-memory catalog in step, and answers Recommend, Explain and Get.
// Requests and answers are the proto messages of helixmatch.v1; no gRPC
// here, so tests call the engine directly.
//
// Thread-safe: queries run concurrently under a shared lock; writes are
// serialized, made durable in RocksDB first and then applied to the
// catalog under the exclusive lock, so a query never sees a record that
// is not acknowledged-durable, nor a deleted record after the delete
// returned.
#ifndef HELIXMATCH_SERVICES_MATCHING_ENGINE_H_
#define HELIXMATCH_SERVICES_MATCHING_ENGINE_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/data_dir.h"
#include "indexer/embedder.h"
#include "indexer/index_snapshot.h"
#include "indexer/record_store.h"
#include "services/catalog.h"
#include "services/programme_rules.h"
#include "services/ranking.h"

namespace helixmatch {

// Request limits (documented in matching.proto).
inline constexpr int kMaxK = 100;
inline constexpr int kMaxProfilesPerOrganization = 10;
inline constexpr size_t kMaxQueryTextBytes = 4096;
inline constexpr int kMaxBatchRecords = 1000;
inline constexpr int kMaxFilterValues = 64;

struct EngineOptions {
  std::string data_dir;
  std::string word_vectors_path;
  VectorIndexOptions index;
  RankingWeights weights;
  // Programme rules: a YAML file or a folder of them (programme_rules.h);
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

class MatchingEngine {
 public:
  // Opens the data folder (created if missing), loads the model, the
  // catalog and the vector indexes (rebuilt from the store when a file is
  // missing, stale or corrupt; the log says which).
  static absl::StatusOr<std::unique_ptr<MatchingEngine>> Open(
      const EngineOptions& options);
  ~MatchingEngine();

  // Writes (durable when they return OK).
  absl::StatusOr<v1::UpsertResponse> Upsert(const v1::Record& record);
  // All or nothing; errors name records[i] and the field.
  absl::StatusOr<v1::BatchUpsertResponse> BatchUpsert(
      const google::protobuf::RepeatedPtrField<v1::Record>& records);
  // Writes each valid record, reports each bad one; `first_position` is the
  // stream position of records[0].
  absl::StatusOr<std::vector<v1::RecordError>> IngestChunk(
      const std::vector<v1::Record>& records, int64_t first_position);
  absl::Status Delete(v1::RecordKind kind, const std::string& id);

  // Queries.
  absl::StatusOr<v1::Record> Get(v1::RecordKind kind,
                                 const std::string& id) const;
  absl::StatusOr<v1::RecommendResponse> Recommend(
      const v1::RecommendRequest& request) const;
  absl::StatusOr<v1::ExplainResponse> Explain(
      const v1::ExplainRequest& request) const;
  v1::StatsResponse Stats() const;
  // Whether the organization has at least one live capability profile.
  bool HasProfiles(const std::string& organization_id) const;

  // Programme pre-screening (screening.cc). Read-only.
  // FAILED_PRECONDITION when the engine has no programme rules; errors on
  // the proposal name the field ("proposal.firm_id: ...").
  absl::StatusOr<v1::ScreeningReport> ScreenProposal(
      const v1::Proposal& proposal) const;
  // Screens each proposal; bad ones are reported by position, the others
  // ranked (eligible first, then by readiness). Also flags a pair that
  // appears in more than one proposal of the batch.
  absl::StatusOr<v1::ScreenProposalsResponse> ScreenProposals(
      const std::vector<v1::Proposal>& proposals) const;
  absl::StatusOr<v1::Pathway> PlanPathway(
      const v1::PlanPathwayRequest& request) const;
  std::vector<v1::ProgrammeRules> Programmes() const;

  // The outcome loop. Stores the outcome (and the tie it becomes).
  absl::StatusOr<v1::RecordOutcomeResponse> RecordOutcome(
      const v1::Outcome& outcome);
  absl::StatusOr<v1::DeclineReasonsResponse> DeclineReasons(
      const std::string& organization_id) const;

  // Writes both vector indexes to their files (also done on destruction).
  absl::Status SaveIndexes();
  // Changes written since the indexes were last saved.
  int64_t ChangesSinceSave() const;

  // Copies the store (a RocksDB checkpoint) and both indexes into
  // `folder`, which must not exist, between two writes: the copy is a data
  // folder that opens with every write acknowledged before the call.
  absl::StatusOr<v1::BackupResponse> Backup(const std::string& folder);

  const std::string& model_identity() const { return model_identity_; }

 private:
  struct Prepared;
  struct Query;
  struct Candidate;
  // One writer's request in the group-commit queue (see Commit).
  struct WriteOp {
    using KeySet = std::unordered_set<std::string>;
    // Conflict keys: records written (exclusive), organizations whose
    // existence is relied on, organizations gaining a dependent record.
    std::vector<std::string> writes, reads, adds;
    size_t records = 1;
    // Run by the group's leader under the read lock: checks the write
    // against the catalog and adds its changes to the batch.
    std::function<absl::Status(StoreBatch*)> check;
    // Run under the write lock once the group's batch is durable.
    std::function<absl::Status()> apply;
    absl::Status status;
    bool done = false;  // guarded by queue_mu_
    bool ConflictsWith(const KeySet& writes, const KeySet& reads,
                       const KeySet& adds) const;
  };
  static constexpr size_t kMaxGroupWrites = 256;
  static constexpr size_t kMaxGroupRecords = 4096;
  MatchingEngine() = default;

  absl::Status LoadCatalog();
  // With write_mu_ held.
  absl::Status SaveIndexesLocked(const DataDir& dir);
  // Validation (ValidateForWrite; `path` prefixes a reserved-id error)
  // and embedding: needs no lock.
  absl::StatusOr<Prepared> PrepareRecord(const v1::Record& record,
                                         absl::string_view path) const;
  // Checks against the catalog (read lock held); sets p.created.
  absl::Status CheckReferences(
      Prepared& p,
      const std::vector<std::string>& organizations_in_batch) const;
  absl::Status Apply(const Prepared& p);
  absl::Status ApplyAll(const std::vector<Prepared>& prepared);
  bool RecordExists(const v1::Record& record) const;
  static void AddKeys(const v1::Record& record, WriteOp* op);
  // Queues `op` and returns once it is durable and applied, or refused.
  absl::Status Commit(WriteOp& op);
  void RunGroup(const std::vector<WriteOp*>& group);

  absl::StatusOr<Query> ResolveQuery(const v1::RecommendRequest& request) const;
  std::vector<Candidate> ScoreSlots(const Query& query,
                                    const std::vector<uint32_t>& slots) const;
  PairHistory HistoryBetween(uint32_t a, uint32_t b) const;
  v1::Suggestion BuildSuggestion(const Query& query, uint32_t organization,
                                 std::vector<Candidate>& profiles,
                                 double best_fit, int profiles_shown,
                                 bool first_is_pinned = false,
                                 bool score_only = false) const;
  int CurrentYear() const;
  // A free-text query over `target` (capabilities or needs).
  void FillTextQuery(const std::vector<std::string>& tokens, Query* q,
                     int* known_words) const;
  void PrepareQueryScoring(Query* q) const;
  absl::StatusOr<v1::ScreeningReport> ScreenLocked(
      const v1::Proposal& proposal) const;

  EngineOptions options_;
  DataDir dir_;
  std::unique_ptr<RecordStore> store_;
  std::shared_ptr<const WordVectors> word_vectors_;
  std::unique_ptr<Embedder> embedder_;
  std::string model_identity_;
  ProgrammeRegistry programmes_;

  std::shared_lock<std::shared_mutex> ReadLock() const;
  std::unique_lock<std::shared_mutex> WriteLock() const;

  std::mutex queue_mu_;  // guards queue_, committing_, WriteOp::done
  std::condition_variable queue_cv_;
  std::deque<WriteOp*> queue_;
  bool committing_ = false;
  // Counters, guarded by write_mu_.
  int64_t groups_committed_ = 0;
  int64_t writes_committed_ = 0;
  int64_t changes_since_save_ = 0;
  // How each vector index was obtained at start.
  IndexRecovery capability_recovery_;
  IndexRecovery need_recovery_;

  mutable std::mutex write_mu_;  // serializes commits (check, write, apply)
  mutable std::mutex gate_mu_;   // orders readers behind a waiting writer
  mutable std::shared_mutex catalog_mu_;
  std::unique_ptr<Catalog> catalog_;  // guarded by catalog_mu_
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_MATCHING_ENGINE_H_
