// The gRPC transport: thin handlers that validate, call MatchingEngine and
// map absl::Status codes one to one onto gRPC codes; plus a server wrapper
// with health checking and reflection.
#ifndef HELIXMATCH_SERVICES_MATCH_SERVICE_H_
#define HELIXMATCH_SERVICES_MATCH_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/engine/matching_engine.h"
#include "services/principals.h"

namespace helixmatch {

// Largest request or response message accepted, bytes.
inline constexpr int kMaxMessageBytes = 8 * 1024 * 1024;
// Records of an Ingest stream written per store batch.
inline constexpr int kIngestChunkRecords = 256;

grpc::Status ToGrpc(const absl::Status& status);

class MatchServiceImpl final : public v1::MatchService::Service {
 public:
  // `principals` null: no tokens file, every caller is an operator.
  MatchServiceImpl(MatchingEngine* engine, const PrincipalTable* principals)
      : engine_(engine), principals_(principals) {}

  grpc::Status Upsert(grpc::ServerContext*, const v1::UpsertRequest*,
                      v1::UpsertResponse*) override;
  grpc::Status BatchUpsert(grpc::ServerContext*, const v1::BatchUpsertRequest*,
                           v1::BatchUpsertResponse*) override;
  grpc::Status Ingest(grpc::ServerContext*,
                      grpc::ServerReader<v1::IngestRequest>*,
                      v1::IngestResponse*) override;
  grpc::Status Delete(grpc::ServerContext*, const v1::DeleteRequest*,
                      v1::DeleteResponse*) override;
  grpc::Status Get(grpc::ServerContext*, const v1::GetRequest*,
                   v1::Record*) override;
  grpc::Status Recommend(grpc::ServerContext*, const v1::RecommendRequest*,
                         v1::RecommendResponse*) override;
  grpc::Status Explain(grpc::ServerContext*, const v1::ExplainRequest*,
                       v1::ExplainResponse*) override;
  grpc::Status Stats(grpc::ServerContext*, const v1::StatsRequest*,
                     v1::StatsResponse*) override;
  grpc::Status Backup(grpc::ServerContext*, const v1::BackupRequest*,
                      v1::BackupResponse*) override;
  grpc::Status ScreenProposal(grpc::ServerContext*,
                              const v1::ScreenProposalRequest*,
                              v1::ScreeningReport*) override;
  grpc::Status ScreenProposals(grpc::ServerContext*,
                               grpc::ServerReader<v1::ScreenProposalRequest>*,
                               v1::ScreenProposalsResponse*) override;
  grpc::Status PlanPathway(grpc::ServerContext*, const v1::PlanPathwayRequest*,
                           v1::Pathway*) override;
  grpc::Status ListProgrammes(grpc::ServerContext*,
                              const v1::ListProgrammesRequest*,
                              v1::ListProgrammesResponse*) override;
  grpc::Status RecordOutcome(grpc::ServerContext*,
                             const v1::RecordOutcomeRequest*,
                             v1::RecordOutcomeResponse*) override;
  grpc::Status DeclineReasons(grpc::ServerContext*,
                              const v1::DeclineReasonsRequest*,
                              v1::DeclineReasonsResponse*) override;

 private:
  // The caller, from `authorization: Bearer TOKEN` metadata.
  absl::StatusOr<Principal> Authenticate(grpc::ServerContext* context) const;
  // AuthorizeWrite on the record and, when it replaces one, on the
  // record it replaces (an organization cannot take over another's id).
  absl::Status AuthorizeUpsert(const Principal& principal,
                               const v1::Record& record) const;

  MatchingEngine* engine_;            // not owned
  const PrincipalTable* principals_;  // not owned; may be null
};

// A running gRPC server over an engine (not owned; must outlive it).
class MatchServer {
 public:
  // Listens on `address` ("127.0.0.1:0" picks a free port).
  // `principals` (not owned, may be null) must outlive the server.
  static absl::StatusOr<std::unique_ptr<MatchServer>> Start(
      MatchingEngine* engine, const std::string& address,
      const PrincipalTable* principals = nullptr);
  ~MatchServer();

  int port() const { return port_; }
  // Stops accepting calls, waits for running ones (up to the deadline).
  void Shutdown();
  void Wait();

 private:
  MatchServer() = default;
  std::unique_ptr<MatchServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_MATCH_SERVICE_H_
