#include "services/server/match_service.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "indexer/record_validation.h"
#include "services/server/call_summary.h"
#include "spdlog/spdlog.h"

namespace helixmatch {

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl and gRPC share the canonical code numbers.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

namespace {

std::optional<std::string> AuthorizationOf(grpc::ServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

template <typename Request, typename Response, typename Method>
grpc::Status MatchServiceImpl::Unary(const char* name,
                                     grpc::ServerContext* context,
                                     const Request* request, Response* response,
                                     Method method) {
  CallScope scope(metrics_, Transport::kGrpc, name);
  CallSummary call;
  auto caller = api_.Authenticate(AuthorizationOf(context), name);
  if (!caller.ok()) {
    call.code = caller.status().code();
    scope.Finish(std::move(call));
    return ToGrpc(caller.status());
  }
  call.principal = PrincipalName(*caller);
  auto result = (api_.*method)(*caller, *request);
  call.code = result.status().code();
  DescribeCall(*request, result.ok() ? &*result : nullptr, &call);
  scope.Finish(std::move(call));
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

template <typename Request, typename Response, typename Method>
grpc::Status MatchServiceImpl::Stream(const char* name,
                                      grpc::ServerContext* context,
                                      grpc::ServerReader<Request>* reader,
                                      Response* response, Method method) {
  CallScope scope(metrics_, Transport::kGrpc, name);
  CallSummary call;
  auto caller = api_.Authenticate(AuthorizationOf(context), name);
  if (!caller.ok()) {
    call.code = caller.status().code();
    scope.Finish(std::move(call));
    return ToGrpc(caller.status());
  }
  call.principal = PrincipalName(*caller);
  const RequestStream<Request> stream{
      [reader](Request* r) { return reader->Read(r); },
      [context] { return context->IsCancelled(); }};
  auto result = (api_.*method)(*caller, stream);
  call.code = result.status().code();
  scope.Finish(std::move(call));
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Upsert(grpc::ServerContext* c,
                                      const v1::UpsertRequest* q,
                                      v1::UpsertResponse* r) {
  return Unary("Upsert", c, q, r, &MatchApi::Upsert);
}
grpc::Status MatchServiceImpl::BatchUpsert(grpc::ServerContext* c,
                                           const v1::BatchUpsertRequest* q,
                                           v1::BatchUpsertResponse* r) {
  return Unary("BatchUpsert", c, q, r, &MatchApi::BatchUpsert);
}
grpc::Status MatchServiceImpl::Ingest(
    grpc::ServerContext* c, grpc::ServerReader<v1::IngestRequest>* reader,
    v1::IngestResponse* r) {
  return Stream("Ingest", c, reader, r, &MatchApi::Ingest);
}
grpc::Status MatchServiceImpl::Delete(grpc::ServerContext* c,
                                      const v1::DeleteRequest* q,
                                      v1::DeleteResponse* r) {
  return Unary("Delete", c, q, r, &MatchApi::Delete);
}
grpc::Status MatchServiceImpl::Get(grpc::ServerContext* c,
                                   const v1::GetRequest* q, v1::Record* r) {
  return Unary("Get", c, q, r, &MatchApi::Get);
}
grpc::Status MatchServiceImpl::Recommend(grpc::ServerContext* c,
                                         const v1::RecommendRequest* q,
                                         v1::RecommendResponse* r) {
  return Unary("Recommend", c, q, r, &MatchApi::Recommend);
}
grpc::Status MatchServiceImpl::Explain(grpc::ServerContext* c,
                                       const v1::ExplainRequest* q,
                                       v1::ExplainResponse* r) {
  return Unary("Explain", c, q, r, &MatchApi::Explain);
}
grpc::Status MatchServiceImpl::Stats(grpc::ServerContext* c,
                                     const v1::StatsRequest* q,
                                     v1::StatsResponse* r) {
  return Unary("Stats", c, q, r, &MatchApi::Stats);
}
grpc::Status MatchServiceImpl::Backup(grpc::ServerContext* c,
                                      const v1::BackupRequest* q,
                                      v1::BackupResponse* r) {
  return Unary("Backup", c, q, r, &MatchApi::Backup);
}
grpc::Status MatchServiceImpl::ScreenProposal(
    grpc::ServerContext* c, const v1::ScreenProposalRequest* q,
    v1::ScreeningReport* r) {
  return Unary("ScreenProposal", c, q, r, &MatchApi::ScreenProposal);
}
grpc::Status MatchServiceImpl::ScreenProposals(
    grpc::ServerContext* c,
    grpc::ServerReader<v1::ScreenProposalRequest>* reader,
    v1::ScreenProposalsResponse* r) {
  return Stream("ScreenProposals", c, reader, r, &MatchApi::ScreenProposals);
}
grpc::Status MatchServiceImpl::PlanPathway(grpc::ServerContext* c,
                                           const v1::PlanPathwayRequest* q,
                                           v1::Pathway* r) {
  return Unary("PlanPathway", c, q, r, &MatchApi::PlanPathway);
}
grpc::Status MatchServiceImpl::ListProgrammes(
    grpc::ServerContext* c, const v1::ListProgrammesRequest* q,
    v1::ListProgrammesResponse* r) {
  return Unary("ListProgrammes", c, q, r, &MatchApi::ListProgrammes);
}
grpc::Status MatchServiceImpl::RecordOutcome(grpc::ServerContext* c,
                                             const v1::RecordOutcomeRequest* q,
                                             v1::RecordOutcomeResponse* r) {
  return Unary("RecordOutcome", c, q, r, &MatchApi::RecordOutcome);
}
grpc::Status MatchServiceImpl::ConfirmOutcome(
    grpc::ServerContext* c, const v1::ConfirmOutcomeRequest* q,
    v1::RecordOutcomeResponse* r) {
  return Unary("ConfirmOutcome", c, q, r, &MatchApi::ConfirmOutcome);
}
grpc::Status MatchServiceImpl::ListProfiles(grpc::ServerContext* c,
                                            const v1::ListProfilesRequest* q,
                                            v1::ListProfilesResponse* r) {
  return Unary("ListProfiles", c, q, r, &MatchApi::ListProfiles);
}
grpc::Status MatchServiceImpl::DeclineReasons(
    grpc::ServerContext* c, const v1::DeclineReasonsRequest* q,
    v1::DeclineReasonsResponse* r) {
  return Unary("DeclineReasons", c, q, r, &MatchApi::DeclineReasons);
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(
    const std::optional<TlsMaterial>& tls) {
  if (!tls) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl(
      tls->mutual() ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                    : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_root_certs = tls->client_ca;
  ssl.pem_key_cert_pairs.push_back({tls->private_key, tls->certificate_chain});
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<std::unique_ptr<MatchServer>> MatchServer::Start(
    MatchingEngine* engine, const std::string& address,
    MatchServerOptions options) {
  auto service =
      std::make_unique<MatchServiceImpl>(engine, options.api, options.metrics);
  return StartService(std::move(service), address, options, true);
}

absl::StatusOr<std::unique_ptr<MatchServer>> MatchServer::Start(
    const EngineSlot* slot, const std::string& address,
    MatchServerOptions options) {
  auto service =
      std::make_unique<MatchServiceImpl>(slot, options.api, options.metrics);
  return StartService(std::move(service), address, options,
                      slot->engine() != nullptr);
}

absl::StatusOr<std::unique_ptr<MatchServer>> MatchServer::StartService(
    std::unique_ptr<MatchServiceImpl> service, const std::string& address,
    const MatchServerOptions& options, bool serving) {
  if (auto s = CheckListenSecurity(address, options.tls.has_value(),
                                   options.api.principals != nullptr,
                                   options.allow_insecure);
      !s.ok()) {
    return s;
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  auto server = std::unique_ptr<MatchServer>(new MatchServer());
  server->service_ = std::move(service);
  grpc::ServerBuilder builder;
  // gRPC's default SO_REUSEPORT lets a second server bind a port in use
  // and the kernel split the calls between the two.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(address, ServerCredentialsFor(options.tls),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on '", address, "'"));
  }
  if (!options.health_address.empty()) {
    grpc::ServerBuilder health;
    health.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    health.AddListeningPort(options.health_address,
                            grpc::InsecureServerCredentials(),
                            &server->health_port_);
    server->health_server_ = health.BuildAndStart();
    if (server->health_server_ == nullptr || server->health_port_ == 0) {
      server->Shutdown();
      return absl::UnavailableError(absl::StrCat(
          "cannot listen on health address '", options.health_address, "'"));
    }
  }
  server->SetServing(serving);
  return server;
}

MatchServer::~MatchServer() { Shutdown(); }

void MatchServer::SetServing(bool serving) {
  std::lock_guard<std::mutex> lock(health_mu_);
  for (grpc::Server* s : {server_.get(), health_server_.get()}) {
    if (s != nullptr) s->GetHealthCheckService()->SetServingStatus(serving);
  }
}

void MatchServer::Shutdown() {
  if (server_ == nullptr) return;
  SetServing(false);
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server_->Wait();
  if (health_server_ != nullptr) {
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
  }
  std::lock_guard<std::mutex> lock(health_mu_);
  server_.reset();
  health_server_.reset();
}

void MatchServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace helixmatch
