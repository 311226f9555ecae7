#include "services/server/match_api.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "indexer/records.h"

namespace helixmatch {
namespace {

// Whether the caller may see a need: private ones only their owner,
// programme-only ones also programmes.
bool MaySee(const Principal& caller, const v1::FirmNeed& need) {
  if (caller.role == Role::kOperator ||
      need.organization_id() == caller.organization_id) {
    return true;
  }
  const auto visibility = need.visibility();
  return visibility != v1::VISIBILITY_PRIVATE &&
         (visibility != v1::VISIBILITY_PROGRAMME_ONLY ||
          caller.role == Role::kProgramme);
}

// Collects an Ingest stream into chunks written through the engine;
// records the caller may not write are rejected by position.
class IngestRun {
 public:
  IngestRun(MatchingEngine* engine, v1::IngestResponse* response)
      : engine_(engine), response_(response) {}

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
    auto errors = engine_->IngestChunk(chunk_, 0);
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
  v1::IngestResponse* response_;
  std::vector<v1::Record> chunk_;
  std::vector<int64_t> positions_;  // stream position of chunk_[i]
  int64_t next_position_ = 0;
  int64_t flushed_position_ = 0;
  int64_t accepted_ = 0;
};

}  // namespace

absl::StatusOr<Principal> MatchApi::Authenticate(
    const std::optional<std::string>& authorization) const {
  if (principals_ == nullptr) return Principal{};
  if (!authorization) {
    return absl::UnauthenticatedError(
        "missing 'authorization: Bearer TOKEN' metadata or header (the "
        "server has a tokens file)");
  }
  const absl::string_view value(*authorization);
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(value, kBearer)) {
    return absl::UnauthenticatedError("authorization must be 'Bearer TOKEN'");
  }
  const Principal* p = principals_->Find(value.substr(kBearer.size()));
  if (p == nullptr) return absl::UnauthenticatedError("unknown token");
  return *p;
}

absl::Status MatchApi::AuthorizeUpsert(const Principal& caller,
                                       const v1::Record& record) const {
  if (auto s = AuthorizeWrite(caller, record); !s.ok()) return s;
  if (caller.role == Role::kOperator ||
      record.kind_case() == v1::Record::KIND_NOT_SET) {
    return absl::OkStatus();  // validation reports a missing kind
  }
  auto existing = engine_->Get(KindOf(record), RecordId(record));
  if (!existing.ok()) return absl::OkStatus();  // new, or invalid id
  return AuthorizeWrite(caller, *existing);
}

absl::StatusOr<v1::UpsertResponse> MatchApi::Upsert(
    const Principal& caller, const v1::UpsertRequest& request) {
  if (auto s = AuthorizeUpsert(caller, request.record()); !s.ok()) return s;
  return engine_->Upsert(request.record());
}

absl::StatusOr<v1::BatchUpsertResponse> MatchApi::BatchUpsert(
    const Principal& caller, const v1::BatchUpsertRequest& request) {
  for (int i = 0; i < request.records_size(); ++i) {
    if (auto s = AuthorizeUpsert(caller, request.records(i)); !s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat("records[", i, "]: ", s.message()));
    }
  }
  return engine_->BatchUpsert(request.records());
}

absl::StatusOr<v1::IngestResponse> MatchApi::Ingest(
    const Principal& caller, const RequestStream<v1::IngestRequest>& stream) {
  v1::IngestResponse response;
  IngestRun run(engine_, &response);
  v1::IngestRequest request;
  while (stream.read(&request)) {
    if (stream.cancelled()) return run.Cancelled();
    if (auto s = AuthorizeUpsert(caller, request.record()); !s.ok()) {
      run.Reject(request.record(), s.message());
      continue;
    }
    if (auto s = run.Add(std::move(*request.mutable_record())); !s.ok()) {
      return s;
    }
  }
  if (auto s = run.Flush(); !s.ok()) return s;
  run.Finish();
  return response;
}

absl::StatusOr<v1::DeleteResponse> MatchApi::Delete(
    const Principal& caller, const v1::DeleteRequest& request) {
  if (caller.role != Role::kOperator) {
    auto existing = engine_->Get(request.kind(), request.id());
    if (!existing.ok()) return existing.status();
    if (auto s = AuthorizeDelete(caller, *existing); !s.ok()) return s;
  }
  if (auto s = engine_->Delete(request.kind(), request.id()); !s.ok()) {
    return s;
  }
  return v1::DeleteResponse();
}

absl::StatusOr<v1::Record> MatchApi::Get(const Principal& caller,
                                         const v1::GetRequest& request) const {
  auto result = engine_->Get(request.kind(), request.id());
  if (!result.ok()) return result.status();
  if (result->has_need() && !MaySee(caller, result->need())) {
    return absl::NotFoundError(
        absl::StrCat("need '", request.id(), "' not found"));
  }
  return result;
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
    return absl::PermissionDeniedError(
        absl::StrCat("organization '", caller.organization_id,
                     "' may list only its own profiles, not those of '",
                     organization_id, "'"));
  }
  auto records = engine_->ProfilesOf(request.kind(), organization_id);
  if (!records.ok()) return records.status();
  std::vector<v1::ProfileSummary> visible;
  for (const v1::Record& record : *records) {
    if (record.has_need() && !MaySee(caller, record.need())) continue;
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
    return absl::PermissionDeniedError(
        absl::StrCat("requester_organization_id: the caller acts for '",
                     caller.organization_id, "', not for '",
                     request.requester_organization_id(), "'"));
  }
  return engine_->Recommend(request);
}

absl::StatusOr<v1::ExplainResponse> MatchApi::Explain(
    const Principal&, const v1::ExplainRequest& request) const {
  return engine_->Explain(request);
}

absl::StatusOr<v1::StatsResponse> MatchApi::Stats(
    const Principal&, const v1::StatsRequest&) const {
  return engine_->Stats();
}

absl::StatusOr<v1::BackupResponse> MatchApi::Backup(
    const Principal& caller, const v1::BackupRequest& request) {
  if (caller.role != Role::kOperator) {
    return absl::PermissionDeniedError(
        absl::StrCat("Backup needs the operator role; the caller has the ",
                     RoleName(caller.role), " role"));
  }
  return engine_->Backup(request.folder());
}

absl::StatusOr<v1::ScreeningReport> MatchApi::ScreenProposal(
    const Principal&, const v1::ScreenProposalRequest& request) const {
  return engine_->ScreenProposal(request.proposal());
}

absl::StatusOr<v1::ScreenProposalsResponse> MatchApi::ScreenProposals(
    const Principal&,
    const RequestStream<v1::ScreenProposalRequest>& stream) const {
  std::vector<v1::Proposal> proposals;
  v1::ScreenProposalRequest request;
  while (stream.read(&request)) {
    if (stream.cancelled()) return absl::CancelledError("screening cancelled");
    proposals.push_back(std::move(*request.mutable_proposal()));
  }
  return engine_->ScreenProposals(proposals);
}

absl::StatusOr<v1::Pathway> MatchApi::PlanPathway(
    const Principal&, const v1::PlanPathwayRequest& request) const {
  return engine_->PlanPathway(request);
}

absl::StatusOr<v1::ListProgrammesResponse> MatchApi::ListProgrammes(
    const Principal&, const v1::ListProgrammesRequest&) const {
  v1::ListProgrammesResponse response;
  for (auto& rules : engine_->Programmes()) {
    *response.add_programmes() = std::move(rules);
  }
  return response;
}

absl::StatusOr<v1::RecordOutcomeResponse> MatchApi::RecordOutcome(
    const Principal& caller, const v1::RecordOutcomeRequest& request) {
  v1::Record record;
  *record.mutable_outcome() = request.outcome();
  if (auto s = AuthorizeUpsert(caller, record); !s.ok()) return s;
  return engine_->RecordOutcome(request.outcome());
}

absl::StatusOr<v1::DeclineReasonsResponse> MatchApi::DeclineReasons(
    const Principal& caller, const v1::DeclineReasonsRequest& request) const {
  // Programmes see aggregates; an organization sees its own.
  if (caller.role == Role::kOrganization &&
      request.organization_id() != caller.organization_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("organization '", caller.organization_id,
                     "' may read only its own decline reasons, not those of '",
                     request.organization_id(), "'"));
  }
  return engine_->DeclineReasons(request.organization_id());
}

}  // namespace helixmatch
