// helixmatch.v1.MatchService without a transport. Every method takes the
// authenticated caller and a request, applies the role rules of
// principals.h, calls the engine and returns the response or a status.
// The gRPC service (match_service.h) is a thin adapter over it, and so is
// any other transport: one authorization path for all of them.
//
// Authentication: Authenticate maps the value of an `authorization`
// header ("Bearer TOKEN"; nullopt when absent) to the caller: UNAUTHENTICATED
// when the server has a tokens file and the value is missing, malformed
// or names an unknown token. Without a tokens file every caller is an
// operator.
//
// Authorization, by method (PERMISSION_DENIED when refused):
//   Upsert, BatchUpsert, Ingest, RecordOutcome: AuthorizeWrite on each
//     record and, when it replaces a stored one, on the stored one. A
//     BatchUpsert is refused whole, naming records[i]; Ingest rejects the
//     refused records by position and keeps the rest.
//   Delete: AuthorizeDelete on the stored record; for a caller other
//     than an operator, a record that does not exist is NOT_FOUND.
//   Backup: the operator role only.
//   Recommend: requester_organization_id, when set, must be the caller's
//     organization (operators may name any).
//   DeclineReasons: an organization reads only its own; programmes and
//     operators any.
//   Get: a need whose visibility excludes the caller (private: other
//     organizations and programmes; programme-only: other organizations)
//     is answered NOT_FOUND, as if absent.
//   ListProfiles: an organization lists its own profiles (organization_id
//     empty or its own); operators and programmes name any organization,
//     and needs that Get would hide from them are left out.
//   Explain, Stats, ScreenProposal(s), PlanPathway, ListProgrammes: every
//     role.
// Other errors are the engine's, code and message unchanged (Ingest adds
// how far it got); a stream the client cancels ends CANCELLED.
//
// Thread-safe: it holds two pointers to objects safe for concurrent use.
#ifndef HELIXMATCH_SERVICES_SERVER_MATCH_API_H_
#define HELIXMATCH_SERVICES_SERVER_MATCH_API_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "services/engine/matching_engine.h"
#include "services/server/principals.h"

namespace helixmatch {

// Records of an Ingest stream written per store batch.
inline constexpr int kIngestChunkRecords = 256;

// A client stream: Read fills the next message and returns false at the
// end; Cancelled tells whether the client gave up.
template <typename Message>
struct RequestStream {
  std::function<bool(Message*)> read;
  std::function<bool()> cancelled;
};

class MatchApi {
 public:
  // Neither pointer is owned; both must outlive the API. `principals`
  // null: no tokens file.
  MatchApi(MatchingEngine* engine, const PrincipalTable* principals)
      : engine_(engine), principals_(principals) {}

  absl::StatusOr<Principal> Authenticate(
      const std::optional<std::string>& authorization) const;

  absl::StatusOr<v1::UpsertResponse> Upsert(const Principal& caller,
                                            const v1::UpsertRequest& request);
  absl::StatusOr<v1::BatchUpsertResponse> BatchUpsert(
      const Principal& caller, const v1::BatchUpsertRequest& request);
  absl::StatusOr<v1::IngestResponse> Ingest(
      const Principal& caller, const RequestStream<v1::IngestRequest>& stream);
  absl::StatusOr<v1::DeleteResponse> Delete(const Principal& caller,
                                            const v1::DeleteRequest& request);
  absl::StatusOr<v1::Record> Get(const Principal& caller,
                                 const v1::GetRequest& request) const;
  absl::StatusOr<v1::ListProfilesResponse> ListProfiles(
      const Principal& caller, const v1::ListProfilesRequest& request) const;
  absl::StatusOr<v1::RecommendResponse> Recommend(
      const Principal& caller, const v1::RecommendRequest& request) const;
  absl::StatusOr<v1::ExplainResponse> Explain(
      const Principal& caller, const v1::ExplainRequest& request) const;
  absl::StatusOr<v1::StatsResponse> Stats(
      const Principal& caller, const v1::StatsRequest& request) const;
  absl::StatusOr<v1::BackupResponse> Backup(const Principal& caller,
                                            const v1::BackupRequest& request);
  absl::StatusOr<v1::ScreeningReport> ScreenProposal(
      const Principal& caller, const v1::ScreenProposalRequest& request) const;
  absl::StatusOr<v1::ScreenProposalsResponse> ScreenProposals(
      const Principal& caller,
      const RequestStream<v1::ScreenProposalRequest>& stream) const;
  absl::StatusOr<v1::Pathway> PlanPathway(
      const Principal& caller, const v1::PlanPathwayRequest& request) const;
  absl::StatusOr<v1::ListProgrammesResponse> ListProgrammes(
      const Principal& caller, const v1::ListProgrammesRequest& request) const;
  absl::StatusOr<v1::RecordOutcomeResponse> RecordOutcome(
      const Principal& caller, const v1::RecordOutcomeRequest& request);
  absl::StatusOr<v1::DeclineReasonsResponse> DeclineReasons(
      const Principal& caller, const v1::DeclineReasonsRequest& request) const;

 private:
  // AuthorizeWrite on the record and, when it replaces one, on the
  // record it replaces (an organization cannot take over another's id).
  absl::Status AuthorizeUpsert(const Principal& caller,
                               const v1::Record& record) const;

  MatchingEngine* engine_;            // not owned
  const PrincipalTable* principals_;  // not owned; may be null
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SERVER_MATCH_API_H_
