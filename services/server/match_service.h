// The gRPC transport: thin handlers that authenticate the caller, apply
// the role rules of principals.h, call MatchingEngine and map its
// absl::Status codes one to one onto gRPC codes; plus a server wrapper
// with health checking and reflection.
#ifndef HELIXMATCH_SERVICES_SERVER_MATCH_SERVICE_H_
#define HELIXMATCH_SERVICES_SERVER_MATCH_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/engine/matching_engine.h"
#include "services/monitoring/metrics.h"
#include "services/server/match_api.h"
#include "services/server/principals.h"
#include "services/server/transport_security.h"

namespace helixmatch {

// Largest request or response message accepted, bytes.
inline constexpr int kMaxMessageBytes = 8 * 1024 * 1024;
// The gRPC status with the same code and message (absl and gRPC share the
// canonical code numbers).
grpc::Status ToGrpc(const absl::Status& status);

// helixmatch.v1.MatchService over gRPC: each handler reads the caller
// from `authorization` metadata and calls the same method of MatchApi
// (match_api.h, where the authentication and role rules are stated).
//
// Each call is counted in `metrics` and logged (CallScope).
//
// Thread-safe: gRPC runs handlers on many threads at once; MatchApi is
// safe for concurrent use.
class MatchServiceImpl final : public v1::MatchService::Service {
 public:
  // Nothing is owned; the engine, the options' pointers and `metrics`
  // (null: calls are only logged) must outlive the service.
  MatchServiceImpl(MatchingEngine* engine, MatchApiOptions options,
                   ServerMetrics* metrics = nullptr)
      : api_(engine, std::move(options)), metrics_(metrics) {}
  // Over the engine in `slot` (match_api.h: a replica's slot refuses
  // writes); `slot` must outlive the service.
  MatchServiceImpl(const EngineSlot* slot, MatchApiOptions options,
                   ServerMetrics* metrics = nullptr)
      : api_(slot, std::move(options)), metrics_(metrics) {}

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
  grpc::Status ConfirmOutcome(grpc::ServerContext*,
                              const v1::ConfirmOutcomeRequest*,
                              v1::RecordOutcomeResponse*) override;
  grpc::Status ListProfiles(grpc::ServerContext*,
                            const v1::ListProfilesRequest*,
                            v1::ListProfilesResponse*) override;
  grpc::Status DeclineReasons(grpc::ServerContext*,
                              const v1::DeclineReasonsRequest*,
                              v1::DeclineReasonsResponse*) override;

 private:
  // Authenticates, then runs `method` of the API (named `name`, for the
  // metrics, the request log and the audit log) on the request.
  template <typename Request, typename Response, typename Method>
  grpc::Status Unary(const char* name, grpc::ServerContext* context,
                     const Request* request, Response* response, Method method);
  template <typename Request, typename Response, typename Method>
  grpc::Status Stream(const char* name, grpc::ServerContext* context,
                      grpc::ServerReader<Request>* reader, Response* response,
                      Method method);

  MatchApi api_;
  ServerMetrics* metrics_;  // not owned; may be null
};

// How a MatchServer listens and whom it serves.
struct MatchServerOptions {
  MatchApiOptions api;  // tokens, audit log, backup root
  // TLS (and mutual TLS when it has a client CA); nullopt: plaintext.
  std::optional<TlsMaterial> tls;
  // Plaintext on a non-loopback address (CheckListenSecurity).
  bool allow_insecure = false;
  // Counts and logs each call; null: calls are only logged. Not owned.
  ServerMetrics* metrics = nullptr;
  // Also serve grpc.health.v1 alone, in plaintext, on this address (empty:
  // not). For Kubernetes' native gRPC probes, which cannot speak TLS;
  // it answers nothing but SERVING or NOT_SERVING.
  std::string health_address;
};

// The gRPC credentials of a listener: SSL with the material (client
// certificates required and verified when it has a client CA), else
// insecure.
std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(
    const std::optional<TlsMaterial>& tls);

// A running gRPC server over an engine: MatchServiceImpl, the standard
// health service (SERVING while it runs) and server reflection, with
// messages limited to kMaxMessageBytes each way.
class MatchServer {
 public:
  // Listens on `address` ("127.0.0.1:0" picks a free port; port() tells
  // which). `engine` and the options' pointers are not owned and must
  // outlive the server. FAILED_PRECONDITION when CheckListenSecurity
  // refuses the address (a non-loopback one without a tokens file, or
  // without TLS and allow_insecure); UNAVAILABLE when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<MatchServer>> Start(
      MatchingEngine* engine, const std::string& address,
      MatchServerOptions options = {});
  // The same over the engine in `slot` (not owned; it must outlive the
  // server). Health reports SERVING only while the slot holds an engine
  // when the server starts; a replica calls SetServing(true) once it
  // has loaded its first snapshot.
  static absl::StatusOr<std::unique_ptr<MatchServer>> Start(
      const EngineSlot* slot, const std::string& address,
      MatchServerOptions options = {});
  // Shuts down.
  ~MatchServer();

  int port() const { return port_; }
  // The port of options.health_address; 0 without one.
  int health_port() const { return health_port_; }
  // What grpc.health.v1 reports for every service: SERVING or
  // NOT_SERVING. Thread-safe; does nothing after Shutdown.
  void SetServing(bool serving);
  // Reports NOT_SERVING, stops accepting calls, gives running ones 5
  // seconds to finish and cancels the rest; returns when all have ended.
  // Later calls do nothing. Not to be called concurrently with itself.
  void Shutdown();
  // Returns at once after Shutdown. Before, it would block in gRPC until
  // a shutdown, but Shutdown frees what it blocks on: never call it while
  // another thread may shut the server down.
  void Wait();

 private:
  MatchServer() = default;
  static absl::StatusOr<std::unique_ptr<MatchServer>> StartService(
      std::unique_ptr<MatchServiceImpl> service, const std::string& address,
      const MatchServerOptions& options, bool serving);
  std::mutex health_mu_;  // orders SetServing against Shutdown
  std::unique_ptr<MatchServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;  // null: no health_address
  int port_ = 0;
  int health_port_ = 0;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SERVER_MATCH_SERVICE_H_
