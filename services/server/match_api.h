// helixmatch.v1.MatchService without a transport. Every method takes the
// authenticated caller and a request, applies the role rules of
// principals.h, calls the engine and returns the response or a status.
// The gRPC service (match_service.h) is a thin adapter over it, and so is
// any other transport: one authorization path, one visibility rule and
// one audit trail for all of them.
//
// Authentication: Authenticate maps the value of an `authorization`
// header ("Bearer TOKEN"; nullopt when absent) to the caller: UNAUTHENTICATED
// when the server has a tokens file and the value is missing, malformed
// or names an unknown token. Without a tokens file every caller is an
// operator (the server then listens on loopback only:
// transport_security.h).
//
// Visibility: every read reads as the caller (ViewerOf) and applies the
// one rule of services/catalog/visibility.h; a record the caller may not
// see is answered exactly like a missing one (NOT_FOUND, same message),
// also by Delete and ConfirmOutcome.
//
// Authorization, by method (PERMISSION_DENIED when refused):
//   Upsert, BatchUpsert, Ingest, RecordOutcome: AuthorizeWrite on each
//     record and, when it replaces a stored one, on the stored one (an id
//     taken by a record of others is refused with the same message,
//     whether the caller may see that record or not). A BatchUpsert is
//     refused whole, naming records[i]; Ingest rejects the refused
//     records by position and keeps the rest. An organization's outcome
//     is its claim until the other party confirms it (outcome_claims.h).
//   ConfirmOutcome: the party that did not record the outcome, or an
//     operator; never a programme.
//   Delete: AuthorizeDelete on the stored record; for a caller other
//     than an operator, a record that does not exist or that it may not
//     see is NOT_FOUND.
//   Backup: the operator role only, into a folder under the backup root.
//   Recommend: requester_organization_id, when set, must be the caller's
//     organization (operators may name any).
//   DeclineReasons: an organization reads only its own; programmes and
//     operators any (programmes get the counts; who declined only for
//     declines the caller may see).
//   ListProfiles: an organization lists its own profiles (organization_id
//     empty or its own); operators and programmes name any organization,
//     and needs the caller may not see are left out.
//   Get, Explain, Stats, ScreenProposal(s), PlanPathway, ListProgrammes:
//     every role, each seeing what visibility.h lets it see.
// Replicas: a MatchApi over a replica's EngineSlot refuses every write
// (Backup too) with FAILED_PRECONDITION naming the writer role, and
// answers UNAVAILABLE until the slot holds a snapshot's engine. Stats adds
// the role and the snapshot served (replica) or last published (writer).
// Other errors are the engine's, code and message unchanged (Ingest adds
// how far it got); a stream the client cancels ends CANCELLED.
//
// Audit: every write (Upsert, BatchUpsert, Ingest, Delete, RecordOutcome,
// ConfirmOutcome, Backup), whatever its status, and every call refused
// with UNAUTHENTICATED or PERMISSION_DENIED is recorded in the audit log
// (audit_log.h), when there is one.
//
// Thread-safe: it holds pointers to objects safe for concurrent use.
#ifndef HELIXMATCH_SERVICES_SERVER_MATCH_API_H_
#define HELIXMATCH_SERVICES_SERVER_MATCH_API_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "services/engine/engine_slot.h"
#include "services/engine/matching_engine.h"
#include "services/server/audit_log.h"
#include "services/server/principals.h"

namespace helixmatch {

// The engine's reader for a principal: operators see everything, an
// organization what is public and its own, a programme also what is
// written for programmes.
Viewer ViewerOf(const Principal& principal);

// Records of an Ingest stream written per store batch.
inline constexpr int kIngestChunkRecords = 256;

// A client stream: Read fills the next message and returns false at the
// end; Cancelled tells whether the client gave up.
template <typename Message>
struct RequestStream {
  std::function<bool(Message*)> read;
  std::function<bool()> cancelled;
};

struct MatchApiOptions {
  // The tokens file's principals; null: no tokens file, every caller is
  // an operator. Not owned.
  const ReloadablePrincipals* principals = nullptr;
  // Where writes and refused calls are recorded; null: nowhere. Not owned.
  AuditLog* audit = nullptr;
  // The folder Backup writes under (backup_root.h); empty: Backup is
  // refused with FAILED_PRECONDITION.
  std::string backup_root;
};

class MatchApi {
 public:
  // `engine` and the options' pointers are not owned and must outlive
  // the API.
  MatchApi(MatchingEngine* engine, MatchApiOptions options);
  // Answers with the engine in `slot` at the start of each call (not
  // owned; it must outlive the API). On a replica's slot every write,
  // Backup included, is FAILED_PRECONDITION (replica_refusal.h), and
  // while the slot is empty every call is UNAVAILABLE.
  MatchApi(const EngineSlot* slot, MatchApiOptions options);

  // `rpc` names the method for the audit log ("Upsert", "Get", ...).
  absl::StatusOr<Principal> Authenticate(
      const std::optional<std::string>& authorization,
      absl::string_view rpc) const;

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
  absl::StatusOr<v1::RecordOutcomeResponse> ConfirmOutcome(
      const Principal& caller, const v1::ConfirmOutcomeRequest& request);
  absl::StatusOr<v1::DeclineReasonsResponse> DeclineReasons(
      const Principal& caller, const v1::DeclineReasonsRequest& request) const;

 private:
  // AuthorizeWrite on the record and, when it replaces one, on the
  // record it replaces (an organization cannot take over another's id).
  absl::Status AuthorizeUpsert(const MatchingEngine& engine,
                               const Principal& caller,
                               const v1::Record& record) const;
  // Records a write (`write`), whatever its status, or a refused call in
  // the audit log, and returns `status`.
  absl::Status Audit(const Principal* caller, absl::string_view rpc, bool write,
                     std::vector<std::string> records,
                     const absl::Status& status,
                     const std::string& folder = "") const;
  // Appends the audit line (when there is an audit log).
  void Record(const Principal* caller, absl::string_view rpc,
              std::vector<std::string> records, const absl::Status& status,
              const std::string& folder = "") const;
  template <typename T>
  absl::StatusOr<T> Audited(const Principal& caller, absl::string_view rpc,
                            bool write, std::vector<std::string> records,
                            absl::StatusOr<T> result) const {
    Audit(&caller, rpc, write, std::move(records), result.status())
        .IgnoreError();
    return result;
  }

  // The engine one call reads with (held for the call); UNAVAILABLE
  // while the slot is empty.
  absl::StatusOr<std::shared_ptr<MatchingEngine>> Reading() const;
  // The same for a write named `rpc`: FAILED_PRECONDITION on a replica.
  absl::StatusOr<std::shared_ptr<MatchingEngine>> Writing(
      absl::string_view rpc) const;

  std::unique_ptr<EngineSlot> borrowed_;  // set by the MatchingEngine* form
  const EngineSlot* slot_;                // not owned unless borrowed_
  MatchApiOptions options_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SERVER_MATCH_API_H_
