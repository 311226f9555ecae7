#include "services/match_service.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "indexer/records.h"
#include "spdlog/spdlog.h"

namespace helixmatch {

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl and gRPC share the canonical code numbers.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

absl::StatusOr<Principal> MatchServiceImpl::Authenticate(
    grpc::ServerContext* context) const {
  if (principals_ == nullptr) return Principal{};
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing 'authorization: Bearer TOKEN' metadata (the server has a "
        "tokens file)");
  }
  const absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(value, kBearer)) {
    return absl::UnauthenticatedError(
        "authorization metadata must be 'Bearer TOKEN'");
  }
  const Principal* p = principals_->Find(value.substr(kBearer.size()));
  if (p == nullptr) return absl::UnauthenticatedError("unknown token");
  return *p;
}

absl::Status MatchServiceImpl::AuthorizeUpsert(const Principal& principal,
                                               const v1::Record& record) const {
  if (auto s = AuthorizeWrite(principal, record); !s.ok()) return s;
  if (principal.role == Role::kOperator) return absl::OkStatus();
  v1::RecordKind kind = v1::RECORD_KIND_UNSPECIFIED;
  switch (record.kind_case()) {
    case v1::Record::kOrganization:
      kind = v1::RECORD_KIND_ORGANIZATION;
      break;
    case v1::Record::kCapability:
      kind = v1::RECORD_KIND_CAPABILITY;
      break;
    case v1::Record::kNeed:
      kind = v1::RECORD_KIND_NEED;
      break;
    case v1::Record::kTie:
      kind = v1::RECORD_KIND_TIE;
      break;
    case v1::Record::kOutcome:
      kind = v1::RECORD_KIND_OUTCOME;
      break;
    case v1::Record::KIND_NOT_SET:
      return absl::OkStatus();  // validation reports it
  }
  auto existing = engine_->Get(kind, RecordId(record));
  if (!existing.ok()) return absl::OkStatus();  // new, or invalid id
  return AuthorizeWrite(principal, *existing);
}

grpc::Status MatchServiceImpl::Upsert(grpc::ServerContext* context,
                                      const v1::UpsertRequest* request,
                                      v1::UpsertResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  if (auto s = AuthorizeUpsert(*principal, request->record()); !s.ok()) {
    return ToGrpc(s);
  }
  auto result = engine_->Upsert(request->record());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::BatchUpsert(
    grpc::ServerContext* context, const v1::BatchUpsertRequest* request,
    v1::BatchUpsertResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  for (int i = 0; i < request->records_size(); ++i) {
    if (auto s = AuthorizeUpsert(*principal, request->records(i)); !s.ok()) {
      return ToGrpc(absl::Status(
          s.code(), absl::StrCat("records[", i, "]: ", s.message())));
    }
  }
  auto result = engine_->BatchUpsert(request->records());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Ingest(
    grpc::ServerContext* context, grpc::ServerReader<v1::IngestRequest>* reader,
    v1::IngestResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  std::vector<v1::Record> chunk;
  std::vector<int64_t> chunk_positions;  // stream position of chunk[i]
  int64_t next_position = 0;
  int64_t position = 0;
  int64_t accepted = 0;
  const auto flush = [&]() -> grpc::Status {
    if (chunk.empty()) return grpc::Status::OK;
    auto errors = engine_->IngestChunk(chunk, 0);
    if (!errors.ok()) {
      // A store failure: what was written before stays; say how far.
      return grpc::Status(
          static_cast<grpc::StatusCode>(errors.status().code()),
          absl::StrCat("ingest stopped at position ", position, " after ",
                       accepted,
                       " accepted records: ", errors.status().message()));
    }
    accepted += static_cast<int64_t>(chunk.size() - errors->size());
    for (auto& e : *errors) {
      e.set_position(chunk_positions[static_cast<size_t>(e.position())]);
      *response->add_rejected() = std::move(e);
    }
    position = next_position;
    chunk.clear();
    chunk_positions.clear();
    return grpc::Status::OK;
  };
  v1::IngestRequest request;
  while (reader->Read(&request)) {
    if (context->IsCancelled()) {
      return grpc::Status(
          grpc::StatusCode::CANCELLED,
          absl::StrCat("ingest cancelled at position ", next_position,
                       " after ", accepted, " accepted records"));
    }
    const int64_t at = next_position++;
    if (auto s = AuthorizeUpsert(*principal, request.record()); !s.ok()) {
      auto* e = response->add_rejected();
      e->set_position(at);
      e->set_id(RecordId(request.record()));
      e->set_message(std::string(s.message()));
      continue;
    }
    chunk_positions.push_back(at);
    chunk.push_back(std::move(*request.mutable_record()));
    if (static_cast<int>(chunk.size()) >= kIngestChunkRecords) {
      if (auto s = flush(); !s.ok()) return s;
    }
  }
  if (auto s = flush(); !s.ok()) return s;
  std::sort(response->mutable_rejected()->begin(),
            response->mutable_rejected()->end(),
            [](const v1::RecordError& a, const v1::RecordError& b) {
              return a.position() < b.position();
            });
  response->set_accepted(accepted);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Delete(grpc::ServerContext* context,
                                      const v1::DeleteRequest* request,
                                      v1::DeleteResponse*) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  if (principal->role != Role::kOperator) {
    auto existing = engine_->Get(request->kind(), request->id());
    if (!existing.ok()) return ToGrpc(existing.status());
    if (auto s = AuthorizeDelete(*principal, *existing); !s.ok()) {
      return ToGrpc(s);
    }
  }
  return ToGrpc(engine_->Delete(request->kind(), request->id()));
}

grpc::Status MatchServiceImpl::Get(grpc::ServerContext* context,
                                   const v1::GetRequest* request,
                                   v1::Record* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  auto result = engine_->Get(request->kind(), request->id());
  if (!result.ok()) return ToGrpc(result.status());
  // Visibility of needs: private ones only to their owner, programme-only
  // ones also to programmes (answered as if absent, like Recommend).
  if (result->has_need() && principal->role != Role::kOperator &&
      result->need().organization_id() != principal->organization_id) {
    const auto visibility = result->need().visibility();
    if (visibility == v1::VISIBILITY_PRIVATE ||
        (visibility == v1::VISIBILITY_PROGRAMME_ONLY &&
         principal->role != Role::kProgramme)) {
      return ToGrpc(absl::NotFoundError(
          absl::StrCat("need '", request->id(), "' not found")));
    }
  }
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Recommend(grpc::ServerContext* context,
                                         const v1::RecommendRequest* request,
                                         v1::RecommendResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  // The requester decides trust and what programme-only needs show; a
  // caller can only ask as itself.
  if (principal->role != Role::kOperator &&
      !request->requester_organization_id().empty() &&
      request->requester_organization_id() != principal->organization_id) {
    return ToGrpc(absl::PermissionDeniedError(
        absl::StrCat("requester_organization_id: the caller acts for '",
                     principal->organization_id, "', not for '",
                     request->requester_organization_id(), "'")));
  }
  auto result = engine_->Recommend(*request);
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Explain(grpc::ServerContext* context,
                                       const v1::ExplainRequest* request,
                                       v1::ExplainResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  auto result = engine_->Explain(*request);
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Stats(grpc::ServerContext* context,
                                     const v1::StatsRequest*,
                                     v1::StatsResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  *response = engine_->Stats();
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::Backup(grpc::ServerContext* context,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  if (principal->role != Role::kOperator) {
    return ToGrpc(absl::PermissionDeniedError(
        absl::StrCat("Backup needs the operator role; the caller has the ",
                     RoleName(principal->role), " role")));
  }
  auto result = engine_->Backup(request->folder());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::ScreenProposal(
    grpc::ServerContext* context, const v1::ScreenProposalRequest* request,
    v1::ScreeningReport* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  auto result = engine_->ScreenProposal(request->proposal());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::ScreenProposals(
    grpc::ServerContext* context,
    grpc::ServerReader<v1::ScreenProposalRequest>* reader,
    v1::ScreenProposalsResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  std::vector<v1::Proposal> proposals;
  v1::ScreenProposalRequest request;
  while (reader->Read(&request)) {
    if (context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "screening cancelled");
    }
    proposals.push_back(std::move(*request.mutable_proposal()));
  }
  auto result = engine_->ScreenProposals(proposals);
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::PlanPathway(
    grpc::ServerContext* context, const v1::PlanPathwayRequest* request,
    v1::Pathway* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  auto result = engine_->PlanPathway(*request);
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::ListProgrammes(
    grpc::ServerContext* context, const v1::ListProgrammesRequest*,
    v1::ListProgrammesResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  for (auto& rules : engine_->Programmes()) {
    *response->add_programmes() = std::move(rules);
  }
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::RecordOutcome(
    grpc::ServerContext* context, const v1::RecordOutcomeRequest* request,
    v1::RecordOutcomeResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  v1::Record record;
  *record.mutable_outcome() = request->outcome();
  if (auto s = AuthorizeUpsert(*principal, record); !s.ok()) return ToGrpc(s);
  auto result = engine_->RecordOutcome(request->outcome());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::DeclineReasons(
    grpc::ServerContext* context, const v1::DeclineReasonsRequest* request,
    v1::DeclineReasonsResponse* response) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  // Programmes see aggregates; an organization sees its own.
  if (principal->role == Role::kOrganization &&
      request->organization_id() != principal->organization_id) {
    return ToGrpc(absl::PermissionDeniedError(
        absl::StrCat("organization '", principal->organization_id,
                     "' may read only its own decline reasons, not those of '",
                     request->organization_id(), "'")));
  }
  auto result = engine_->DeclineReasons(request->organization_id());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

absl::StatusOr<std::unique_ptr<MatchServer>> MatchServer::Start(
    MatchingEngine* engine, const std::string& address,
    const PrincipalTable* principals) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  auto server = std::unique_ptr<MatchServer>(new MatchServer());
  server->service_ = std::make_unique<MatchServiceImpl>(engine, principals);
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
