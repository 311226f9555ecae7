#include "services/server/match_api.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "indexer/records.h"
#include "services/programmes/screening.h"
#include "services/server/backup_root.h"

namespace helixmatch {
namespace {

// A read replica answers from the writer's snapshots: writes go to the
// writer, which publishes them in its next snapshot.
absl::Status RefuseWriteOnReplica(absl::string_view rpc) {
  return absl::FailedPreconditionError(absl::StrCat(
      rpc,
      ": this server is a read replica (--replica-of) and takes no writes; "
      "send writes to the server in the writer role (the one started with "
      "--publish-dir), whose next snapshot brings them here"));
}

// Collects an Ingest stream into chunks written through the engine;
// records the caller may not write are rejected by position.
class IngestRun {
 public:
  IngestRun(MatchingEngine* engine, Viewer writer, v1::IngestResponse* response)
      : engine_(engine), writer_(std::move(writer)), response_(response) {}

  void Reject(const v1::Record& record, absl::string_view message) {
    auto* e = response_->add_rejected();
    e->set_position(next_position_++);
    e->set_id(RecordId(record));
    e->set_message(std::string(message));
  }

  absl::Status Add(v1::Record record) {
    positions_.push_back(next_position_++);
    chunk_.push_back(std::move(record));
    if (static_cast<int>(chunk_.size()) < kIngestChunkRecords) {
      return absl::OkStatus();
    }
    return Flush();
  }

  absl::Status Flush() {
    if (chunk_.empty()) return absl::OkStatus();
    auto errors = engine_->IngestChunk(chunk_, 0, writer_);
    if (!errors.ok()) {
      // A store failure: what was written before stays; say how far.
      return absl::Status(
          errors.status().code(),
          absl::StrCat("ingest stopped at position ", flushed_position_,
                       " after ", accepted_,
                       " accepted records: ", errors.status().message()));
    }
    accepted_ += static_cast<int64_t>(chunk_.size() - errors->size());
    for (auto& e : *errors) {
      e.set_position(positions_[static_cast<size_t>(e.position())]);
      *response_->add_rejected() = std::move(e);
    }
    flushed_position_ = next_position_;
    chunk_.clear();
    positions_.clear();
    return absl::OkStatus();
  }

  absl::Status Cancelled() const {
    return absl::CancelledError(absl::StrCat("ingest cancelled at position ",
                                             next_position_, " after ",
                                             accepted_, " accepted records"));
  }

  void Finish() {
    std::sort(response_->mutable_rejected()->begin(),
              response_->mutable_rejected()->end(),
              [](const v1::RecordError& a, const v1::RecordError& b) {
                return a.position() < b.position();
              });
    response_->set_accepted(accepted_);
  }

 private:
  MatchingEngine* engine_;
  const Viewer writer_;
  v1::IngestResponse* response_;
  std::vector<v1::Record> chunk_;
  std::vector<int64_t> positions_;  // stream position of chunk_[i]
  int64_t next_position_ = 0;
  int64_t flushed_position_ = 0;
  int64_t accepted_ = 0;
};

// "kind/id", as the audit log names a record.
std::string AuditName(v1::RecordKind kind, absl::string_view id) {
  return absl::StrCat(RecordKindName(kind), "/", id);
}
std::string AuditName(const v1::Record& record) {
  return AuditName(KindOf(record), RecordId(record));
}

}  // namespace

Viewer ViewerOf(const Principal& principal) {
  switch (principal.role) {
    case Role::kOperator:
      return Viewer::Operator();
    case Role::kProgramme:
      return Viewer::Programme(principal.organization_id);
    case Role::kOrganization:
      break;
  }
  return Viewer::Organization(principal.organization_id);
}

absl::Status MatchApi::Audit(const Principal* caller, absl::string_view rpc,
                             bool write, std::vector<std::string> records,
                             const absl::Status& status,
                             const std::string& folder) const {
  if (options_.audit == nullptr) return status;
  if (!write && status.code() != absl::StatusCode::kPermissionDenied &&
      status.code() != absl::StatusCode::kUnauthenticated) {
    return status;
  }
  Record(caller, rpc, std::move(records), status, folder);
  return status;
}

void MatchApi::Record(const Principal* caller, absl::string_view rpc,
                      std::vector<std::string> records,
                      const absl::Status& status,
                      const std::string& folder) const {
  if (options_.audit == nullptr) return;
  AuditEntry entry;
  entry.principal = caller;
  entry.anonymous = options_.principals == nullptr;
  entry.rpc = std::string(rpc);
  if (records.size() > kMaxAuditedIds) {
    entry.records_omitted =
        static_cast<int64_t>(records.size() - kMaxAuditedIds);
    records.resize(kMaxAuditedIds);
  }
  entry.records = std::move(records);
  entry.folder = folder;
  entry.status = status.code();
  options_.audit->Record(entry);
}

absl::StatusOr<Principal> MatchApi::Authenticate(
    const std::optional<std::string>& authorization,
    absl::string_view rpc) const {
  if (options_.principals == nullptr) return Principal{};
  const auto refuse = [&](absl::string_view why) {
    return Audit(nullptr, rpc, false, {}, absl::UnauthenticatedError(why));
  };
  if (!authorization) {
    return refuse(
        "missing 'authorization: Bearer TOKEN' metadata or header (the "
        "server has a tokens file)");
  }
  const absl::string_view value(*authorization);
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(value, kBearer)) {
    return refuse("authorization must be 'Bearer TOKEN'");
  }
  auto p = options_.principals->Find(value.substr(kBearer.size()));
  if (!p) return refuse("unknown token");
  return *p;
}

MatchApi::MatchApi(MatchingEngine* engine, MatchApiOptions options)
    : borrowed_(EngineSlot::Borrowing(engine)),
      slot_(borrowed_.get()),
      options_(std::move(options)) {}

MatchApi::MatchApi(const EngineSlot* slot, MatchApiOptions options)
    : slot_(slot), options_(std::move(options)) {}

absl::StatusOr<std::shared_ptr<MatchingEngine>> MatchApi::Reading() const {
  auto engine = slot_->engine();
  if (engine == nullptr) {
    return absl::UnavailableError(
        "this read replica has not loaded a snapshot yet; retry shortly");
  }
  return engine;
}

absl::StatusOr<std::shared_ptr<MatchingEngine>> MatchApi::Writing(
    absl::string_view rpc) const {
  if (slot_->role() == ServerRole::kReplica) return RefuseWriteOnReplica(rpc);
  return Reading();
}

absl::Status MatchApi::AuthorizeUpsert(const MatchingEngine& engine,
                                       const Principal& caller,
                                       const v1::Record& record) const {
  if (auto s = AuthorizeWrite(caller, record); !s.ok()) return s;
  if (caller.role == Role::kOperator ||
      record.kind_case() == v1::Record::KIND_NOT_SET) {
    return absl::OkStatus();  // validation reports a missing kind
  }
  // Read as an operator: an id taken by a record the caller may not see
  // is refused like one taken by a record it sees, without its owner.
  auto existing = engine.Get(KindOf(record), RecordId(record));
  if (!existing.ok()) return absl::OkStatus();  // new, or invalid id
  return AuthorizeWrite(caller, *existing);
}

absl::StatusOr<v1::UpsertResponse> MatchApi::Upsert(
    const Principal& caller, const v1::UpsertRequest& request) {
  std::vector<std::string> ids = {AuditName(request.record())};
  auto engine = Writing("Upsert");
  if (!engine.ok()) {
    return Audit(&caller, "Upsert", true, std::move(ids), engine.status());
  }
  if (auto s = AuthorizeUpsert(**engine, caller, request.record()); !s.ok()) {
    return Audit(&caller, "Upsert", true, std::move(ids), s);
  }
  return Audited(caller, "Upsert", true, std::move(ids),
                 (*engine)->Upsert(request.record(), ViewerOf(caller)));
}

absl::StatusOr<v1::BatchUpsertResponse> MatchApi::BatchUpsert(
    const Principal& caller, const v1::BatchUpsertRequest& request) {
  std::vector<std::string> ids;
  for (const auto& r : request.records()) ids.push_back(AuditName(r));
  auto engine = Writing("BatchUpsert");
  if (!engine.ok()) {
    return Audit(&caller, "BatchUpsert", true, std::move(ids), engine.status());
  }
  for (int i = 0; i < request.records_size(); ++i) {
    if (auto s = AuthorizeUpsert(**engine, caller, request.records(i));
        !s.ok()) {
      return Audit(&caller, "BatchUpsert", true, std::move(ids),
                   absl::Status(s.code(), absl::StrCat("records[", i,
                                                       "]: ", s.message())));
    }
  }
  return Audited(caller, "BatchUpsert", true, std::move(ids),
                 (*engine)->BatchUpsert(request.records(), ViewerOf(caller)));
}

absl::StatusOr<v1::IngestResponse> MatchApi::Ingest(
    const Principal& caller, const RequestStream<v1::IngestRequest>& stream) {
  auto engine = Writing("Ingest");
  if (!engine.ok()) return Audit(&caller, "Ingest", true, {}, engine.status());
  v1::IngestResponse response;
  IngestRun run(engine->get(), ViewerOf(caller), &response);
  std::vector<std::string> ids;
  bool refused = false;
  const auto finish = [&](absl::Status s) {
    // A refused record makes the Ingest a partly refused call.
    if (s.ok() && refused) {
      Record(&caller, "Ingest", ids,
             absl::PermissionDeniedError("some records were refused"));
      return s;
    }
    return Audit(&caller, "Ingest", true, std::move(ids), s);
  };
  v1::IngestRequest request;
  while (stream.read(&request)) {
    if (stream.cancelled()) return finish(run.Cancelled());
    ids.push_back(AuditName(request.record()));
    if (auto s = AuthorizeUpsert(**engine, caller, request.record()); !s.ok()) {
      refused = true;
      run.Reject(request.record(), s.message());
      continue;
    }
    if (auto s = run.Add(std::move(*request.mutable_record())); !s.ok()) {
      return finish(s);
    }
  }
  if (auto s = run.Flush(); !s.ok()) return finish(s);
  run.Finish();
  if (auto s = finish(absl::OkStatus()); !s.ok()) return s;
  return response;
}

absl::StatusOr<v1::DeleteResponse> MatchApi::Delete(
    const Principal& caller, const v1::DeleteRequest& request) {
  std::vector<std::string> ids = {AuditName(request.kind(), request.id())};
  auto engine = Writing("Delete");
  if (!engine.ok()) {
    return Audit(&caller, "Delete", true, std::move(ids), engine.status());
  }
  if (caller.role != Role::kOperator) {
    // A record the caller may not see is NOT_FOUND, like a missing one.
    auto existing =
        (*engine)->Get(request.kind(), request.id(), ViewerOf(caller));
    if (!existing.ok()) {
      return Audit(&caller, "Delete", true, std::move(ids), existing.status());
    }
    if (auto s = AuthorizeDelete(caller, *existing); !s.ok()) {
      return Audit(&caller, "Delete", true, std::move(ids), s);
    }
  }
  if (auto s = (*engine)->Delete(request.kind(), request.id()); !s.ok()) {
    return Audit(&caller, "Delete", true, std::move(ids), s);
  }
  Record(&caller, "Delete", std::move(ids), absl::OkStatus());
  return v1::DeleteResponse();
}

absl::StatusOr<v1::Record> MatchApi::Get(const Principal& caller,
                                         const v1::GetRequest& request) const {
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  return (*engine)->Get(request.kind(), request.id(), ViewerOf(caller));
}

absl::StatusOr<v1::ListProfilesResponse> MatchApi::ListProfiles(
    const Principal& caller, const v1::ListProfilesRequest& request) const {
  constexpr int kDefaultLimit = 100;
  constexpr int kMaxLimit = 1000;
  if (request.limit() < 0 || request.limit() > kMaxLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: ", request.limit(), " is outside 0..", kMaxLimit));
  }
  const std::string& organization_id = request.organization_id().empty()
                                           ? caller.organization_id
                                           : request.organization_id();
  if (organization_id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("organization_id: is required for the ",
                     RoleName(caller.role), " role"));
  }
  if (caller.role == Role::kOrganization &&
      organization_id != caller.organization_id) {
    return Audit(&caller, "ListProfiles", false, {},
                 absl::PermissionDeniedError(absl::StrCat(
                     "organization '", caller.organization_id,
                     "' may list only its own profiles, not those of '",
                     organization_id, "'")));
  }
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  auto records = (*engine)->ProfilesOf(request.kind(), organization_id);
  const Viewer viewer = ViewerOf(caller);
  if (!records.ok()) return records.status();
  std::vector<v1::ProfileSummary> visible;
  for (const v1::Record& record : *records) {
    if (!MaySee(viewer, record)) continue;
    v1::ProfileSummary& summary = visible.emplace_back();
    const bool need = record.has_need();
    summary.set_id(need ? record.need().id() : record.capability().id());
    summary.set_title(need ? record.need().title()
                           : record.capability().title());
  }
  std::sort(visible.begin(), visible.end(),
            [](const v1::ProfileSummary& a, const v1::ProfileSummary& b) {
              return a.id() < b.id();
            });
  v1::ListProfilesResponse response;
  response.set_organization_id(organization_id);
  response.set_total(static_cast<int32_t>(visible.size()));
  const size_t limit = static_cast<size_t>(
      request.limit() == 0 ? kDefaultLimit : request.limit());
  for (size_t i = 0; i < visible.size() && i < limit; ++i) {
    *response.add_profiles() = std::move(visible[i]);
  }
  return response;
}

absl::StatusOr<v1::RecommendResponse> MatchApi::Recommend(
    const Principal& caller, const v1::RecommendRequest& request) const {
  // The requester decides trust and what programme-only needs show; a
  // caller can only ask as itself.
  if (caller.role != Role::kOperator &&
      !request.requester_organization_id().empty() &&
      request.requester_organization_id() != caller.organization_id) {
    return Audit(&caller, "Recommend", false, {},
                 absl::PermissionDeniedError(absl::StrCat(
                     "requester_organization_id: the caller acts for '",
                     caller.organization_id, "', not for '",
                     request.requester_organization_id(), "'")));
  }
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  return (*engine)->Recommend(request, ViewerOf(caller));
}

absl::StatusOr<v1::ExplainResponse> MatchApi::Explain(
    const Principal& caller, const v1::ExplainRequest& request) const {
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  return (*engine)->Explain(request, ViewerOf(caller));
}

absl::StatusOr<v1::StatsResponse> MatchApi::Stats(
    const Principal& caller, const v1::StatsRequest&) const {
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  v1::StatsResponse stats = (*engine)->Stats(ViewerOf(caller));
  stats.set_role(ServerRoleName(slot_->role()));
  if (auto snapshot = slot_->snapshot()) {
    stats.set_snapshot_sequence(snapshot->sequence);
    stats.set_snapshot_age_ms(SnapshotAgeMs(*snapshot));
  }
  return stats;
}

absl::StatusOr<v1::BackupResponse> MatchApi::Backup(
    const Principal& caller, const v1::BackupRequest& request) {
  if (caller.role != Role::kOperator) {
    return Audit(&caller, "Backup", true, {},
                 absl::PermissionDeniedError(absl::StrCat(
                     "Backup needs the operator role; the caller has the ",
                     RoleName(caller.role), " role")),
                 request.folder());
  }
  auto folder = ResolveBackupFolder(options_.backup_root, request.folder());
  if (!folder.ok()) {
    return Audit(&caller, "Backup", true, {}, folder.status(),
                 request.folder());
  }
  auto engine = Writing("Backup");
  if (!engine.ok()) {
    return Audit(&caller, "Backup", true, {}, engine.status(), *folder);
  }
  auto result = (*engine)->Backup(*folder);
  Record(&caller, "Backup", {}, result.status(), *folder);
  return result;
}

absl::StatusOr<v1::ScreeningReport> MatchApi::ScreenProposal(
    const Principal& caller, const v1::ScreenProposalRequest& request) const {
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  return (*engine)->ScreenProposal(request.proposal(), ViewerOf(caller));
}

absl::StatusOr<v1::ScreenProposalsResponse> MatchApi::ScreenProposals(
    const Principal& caller,
    const RequestStream<v1::ScreenProposalRequest>& stream) const {
  std::vector<v1::Proposal> proposals;
  v1::ScreenProposalRequest request;
  while (stream.read(&request)) {
    if (stream.cancelled()) return absl::CancelledError("screening cancelled");
    // Stop at the first proposal over the limit, before holding the rest of
    // an unbounded stream in memory.
    if (proposals.size() == static_cast<size_t>(kMaxBatchProposals)) {
      return absl::InvalidArgumentError(
          absl::StrCat("proposals: more than ", kMaxBatchProposals,
                       " were sent (the one at position ", kMaxBatchProposals,
                       " is over), the limit is ", kMaxBatchProposals));
    }
    proposals.push_back(std::move(*request.mutable_proposal()));
  }
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  return (*engine)->ScreenProposals(proposals, ViewerOf(caller));
}

absl::StatusOr<v1::Pathway> MatchApi::PlanPathway(
    const Principal& caller, const v1::PlanPathwayRequest& request) const {
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  return (*engine)->PlanPathway(request, ViewerOf(caller));
}

absl::StatusOr<v1::ListProgrammesResponse> MatchApi::ListProgrammes(
    const Principal&, const v1::ListProgrammesRequest&) const {
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  v1::ListProgrammesResponse response;
  for (auto& rules : (*engine)->Programmes()) {
    *response.add_programmes() = std::move(rules);
  }
  return response;
}

absl::StatusOr<v1::RecordOutcomeResponse> MatchApi::RecordOutcome(
    const Principal& caller, const v1::RecordOutcomeRequest& request) {
  v1::Record record;
  *record.mutable_outcome() = request.outcome();
  std::vector<std::string> ids = {AuditName(record)};
  auto engine = Writing("RecordOutcome");
  if (!engine.ok()) {
    return Audit(&caller, "RecordOutcome", true, std::move(ids),
                 engine.status());
  }
  if (auto s = AuthorizeUpsert(**engine, caller, record); !s.ok()) {
    return Audit(&caller, "RecordOutcome", true, std::move(ids), s);
  }
  return Audited(caller, "RecordOutcome", true, std::move(ids),
                 (*engine)->RecordOutcome(request.outcome(), ViewerOf(caller)));
}

absl::StatusOr<v1::RecordOutcomeResponse> MatchApi::ConfirmOutcome(
    const Principal& caller, const v1::ConfirmOutcomeRequest& request) {
  auto engine = Writing("ConfirmOutcome");
  if (!engine.ok()) {
    return Audit(&caller, "ConfirmOutcome", true,
                 {AuditName(v1::RECORD_KIND_OUTCOME, request.outcome_id())},
                 engine.status());
  }
  return Audited(
      caller, "ConfirmOutcome", true,
      {AuditName(v1::RECORD_KIND_OUTCOME, request.outcome_id())},
      (*engine)->ConfirmOutcome(request.outcome_id(), ViewerOf(caller)));
}

absl::StatusOr<v1::DeclineReasonsResponse> MatchApi::DeclineReasons(
    const Principal& caller, const v1::DeclineReasonsRequest& request) const {
  // Programmes see aggregates; an organization sees its own.
  if (caller.role == Role::kOrganization &&
      request.organization_id() != caller.organization_id) {
    return Audit(&caller, "DeclineReasons", false, {},
                 absl::PermissionDeniedError(absl::StrCat(
                     "organization '", caller.organization_id,
                     "' may read only its own decline reasons, not those of '",
                     request.organization_id(), "'")));
  }
  auto engine = Reading();
  if (!engine.ok()) return engine.status();
  return (*engine)->DeclineReasons(request.organization_id(), ViewerOf(caller));
}

}  // namespace helixmatch
