#include "services/match_service.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace helixmatch {

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl and gRPC share the canonical code numbers.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

grpc::Status MatchServiceImpl::Upsert(grpc::ServerContext*,
                                      const v1::UpsertRequest* request,
                                      v1::UpsertResponse* response) {
  auto result = engine_->Upsert(request->record());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::BatchUpsert(
    grpc::ServerContext*, const v1::BatchUpsertRequest* request,
    v1::BatchUpsertResponse* response) {
  auto result = engine_->BatchUpsert(request->records());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Ingest(
    grpc::ServerContext* context, grpc::ServerReader<v1::IngestRequest>* reader,
    v1::IngestResponse* response) {
  std::vector<v1::Record> chunk;
  int64_t position = 0;
  int64_t accepted = 0;
  const auto flush = [&]() -> grpc::Status {
    if (chunk.empty()) return grpc::Status::OK;
    auto errors = engine_->IngestChunk(chunk, position);
    if (!errors.ok()) {
      // A store failure: what was written before stays; say how far.
      return grpc::Status(
          static_cast<grpc::StatusCode>(errors.status().code()),
          absl::StrCat("ingest stopped at position ", position, " after ",
                       accepted,
                       " accepted records: ", errors.status().message()));
    }
    accepted += static_cast<int64_t>(chunk.size() - errors->size());
    for (auto& e : *errors) *response->add_rejected() = std::move(e);
    position += static_cast<int64_t>(chunk.size());
    chunk.clear();
    return grpc::Status::OK;
  };
  v1::IngestRequest request;
  while (reader->Read(&request)) {
    if (context->IsCancelled()) break;
    chunk.push_back(std::move(*request.mutable_record()));
    if (static_cast<int>(chunk.size()) >= kIngestChunkRecords) {
      if (auto s = flush(); !s.ok()) return s;
    }
  }
  if (auto s = flush(); !s.ok()) return s;
  response->set_accepted(accepted);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Delete(grpc::ServerContext*,
                                      const v1::DeleteRequest* request,
                                      v1::DeleteResponse*) {
  return ToGrpc(engine_->Delete(request->kind(), request->id()));
}

grpc::Status MatchServiceImpl::Get(grpc::ServerContext*,
                                   const v1::GetRequest* request,
                                   v1::Record* response) {
  auto result = engine_->Get(request->kind(), request->id());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Recommend(grpc::ServerContext*,
                                         const v1::RecommendRequest* request,
                                         v1::RecommendResponse* response) {
  auto result = engine_->Recommend(*request);
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Explain(grpc::ServerContext*,
                                       const v1::ExplainRequest* request,
                                       v1::ExplainResponse* response) {
  auto result = engine_->Explain(*request);
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Stats(grpc::ServerContext*,
                                     const v1::StatsRequest*,
                                     v1::StatsResponse* response) {
  *response = engine_->Stats();
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Backup(grpc::ServerContext*,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  auto result = engine_->Backup(request->folder());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

absl::StatusOr<std::unique_ptr<MatchServer>> MatchServer::Start(
    MatchingEngine* engine, const std::string& address) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  auto server = std::unique_ptr<MatchServer>(new MatchServer());
  server->service_ = std::make_unique<MatchServiceImpl>(engine);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on '", address, "'"));
  }
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  return server;
}

MatchServer::~MatchServer() { Shutdown(); }

void MatchServer::Shutdown() {
  if (server_ == nullptr) return;
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server_->Wait();
  server_.reset();
}

void MatchServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace helixmatch
