// helixmatch: command-line client of helixmatch-server.
//
//   helixmatch recommend --need ID | --capability ID |
//                        --text TEXT --direction need-to-capabilities|
//                                                capability-to-needs
//                        [--requester ORG] [-k N] [--country CC]... [--json]
//   helixmatch explain --need ID --capability ID [--json]
//   helixmatch get --kind organization|capability|need|tie --id ID
//   helixmatch stats
//   helixmatch health [--wait-ms N]   (exit 0 when SERVING)
//
// Exit status: 0 on success, 2 for a bad request (the server's message is
// printed), 1 when the server cannot be reached.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/health_probe.h"
#include "services/suggestion_text.h"

namespace {

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

int Report(const grpc::Status& status) {
  std::fprintf(stderr, "helixmatch: %s: %s\n",
               status.error_code() == grpc::StatusCode::UNAVAILABLE
                   ? "server unavailable"
                   : "request failed",
               status.error_message().c_str());
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? 1
             : 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"helixmatch: ask a helixmatch-server for partner suggestions"};
  app.require_subcommand(1);
  std::string server = "127.0.0.1:50051";
  int timeout_ms = 10000;
  bool json = false;
  app.add_option("--server", server, "host:port of helixmatch-server")
      ->capture_default_str();
  app.add_option("--timeout-ms", timeout_ms, "Deadline of each call")
      ->capture_default_str();
  app.add_flag("--json", json, "Print the answer as JSON");

  helixmatch::v1::RecommendRequest recommend;
  std::string need, capability, text, direction, requester;
  std::vector<std::string> countries, sectors, kinds;
  int k = 5, per_org = 0, trl = 0;
  auto* rec = app.add_subcommand("recommend", "Ranked partner suggestions");
  rec->add_option("--need", need, "Need id: find research groups");
  rec->add_option("--capability", capability, "Capability id: find firms");
  rec->add_option("--text", text, "Free text query (needs --direction)");
  rec->add_option("--direction", direction,
                  "need-to-capabilities or capability-to-needs");
  rec->add_option("--requester", requester,
                  "Organization asking (text "
                  "queries)");
  rec->add_option("-k", k, "Organizations to return (1..100)")
      ->capture_default_str();
  rec->add_option("--profiles", per_org, "Profiles shown per organization");
  rec->add_option("--country", countries, "Filter: ISO country code");
  rec->add_option("--sector", sectors, "Filter: sector");
  rec->add_option("--kind", kinds,
                  "Filter: organization kind, e.g. "
                  "ORGANIZATION_KIND_UNIVERSITY");
  rec->add_option("--trl", trl, "Filter: TRL the profile must cover");

  std::string explain_need, explain_capability;
  auto* exp = app.add_subcommand("explain", "Explain one need/capability pair");
  exp->add_option("--need", explain_need, "Need id")->required();
  exp->add_option("--capability", explain_capability, "Capability id")
      ->required();

  std::string get_kind, get_id;
  auto* get = app.add_subcommand("get", "Fetch one record");
  get->add_option("--kind", get_kind, "organization, capability, need or tie")
      ->required();
  get->add_option("--id", get_id, "Record id")->required();
  auto* stats = app.add_subcommand("stats", "Record counts and model");
  int wait_ms = 0;
  auto* health = app.add_subcommand("health", "Is the server SERVING?");
  health->add_option("--wait-ms", wait_ms,
                     "Wait this long for the server to come up");
  CLI11_PARSE(app, argc, argv);

  auto channel =
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials());
  auto stub = helixmatch::v1::MatchService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(timeout_ms));
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now() - start)
        .count();
  };

  if (rec->parsed()) {
    if (!need.empty()) recommend.set_need_id(need);
    if (!capability.empty()) recommend.set_capability_id(capability);
    if (!text.empty()) recommend.set_text(text);
    if (direction == "need-to-capabilities") {
      recommend.set_direction(helixmatch::v1::DIRECTION_NEED_TO_CAPABILITIES);
    } else if (direction == "capability-to-needs") {
      recommend.set_direction(helixmatch::v1::DIRECTION_CAPABILITY_TO_NEEDS);
    } else if (!direction.empty()) {
      std::fprintf(stderr,
                   "helixmatch: --direction: '%s' is neither "
                   "need-to-capabilities nor capability-to-needs\n",
                   direction.c_str());
      return 2;
    }
    recommend.set_requester_organization_id(requester);
    recommend.set_k(k);
    recommend.set_profiles_per_organization(per_org);
    for (const auto& c : countries)
      recommend.mutable_filter()->add_countries(c);
    for (const auto& s : sectors) recommend.mutable_filter()->add_sectors(s);
    for (const auto& name : kinds) {
      helixmatch::v1::OrganizationKind kind;
      if (!helixmatch::v1::OrganizationKind_Parse(name, &kind)) {
        std::fprintf(stderr, "helixmatch: --kind: unknown kind '%s'\n",
                     name.c_str());
        return 2;
      }
      recommend.mutable_filter()->add_kinds(kind);
    }
    recommend.mutable_filter()->set_trl(trl);
    helixmatch::v1::RecommendResponse response;
    const auto status = stub->Recommend(&context, recommend, &response);
    const double ms = elapsed_ms();
    if (!status.ok()) return Report(status);
    if (json) {
      std::printf("%s\n", ToJson(response).c_str());
      return 0;
    }
    for (int i = 0; i < response.suggestions_size(); ++i) {
      std::printf(
          "%s\n",
          helixmatch::FormatSuggestion(response.suggestions(i), i + 1).c_str());
    }
    std::printf(
        "%d suggestions from %d candidate profiles in %.1f ms "
        "(model %s)\n",
        response.suggestions_size(), response.candidates_considered(), ms,
        response.model().c_str());
    return 0;
  }
  if (exp->parsed()) {
    helixmatch::v1::ExplainRequest request;
    request.set_need_id(explain_need);
    request.set_capability_id(explain_capability);
    helixmatch::v1::ExplainResponse response;
    const auto status = stub->Explain(&context, request, &response);
    const double ms = elapsed_ms();
    if (!status.ok()) return Report(status);
    if (json) {
      std::printf("%s\n", ToJson(response).c_str());
      return 0;
    }
    std::printf(
        "Need: \"%s\" [%s]\nCapability: \"%s\" [%s]\n\n%s\n"
        "explained in %.1f ms\n",
        response.need().title().c_str(), response.need().id().c_str(),
        response.capability().title().c_str(),
        response.capability().id().c_str(),
        helixmatch::FormatSuggestion(response.suggestion(), 0).c_str(), ms);
    return 0;
  }
  if (get->parsed()) {
    helixmatch::v1::GetRequest request;
    helixmatch::v1::RecordKind kind;
    std::string upper = "RECORD_KIND_";
    for (char c : get_kind) upper.push_back(static_cast<char>(std::toupper(c)));
    if (!helixmatch::v1::RecordKind_Parse(upper, &kind)) {
      std::fprintf(stderr,
                   "helixmatch: --kind: '%s' is not organization, "
                   "capability, need or tie\n",
                   get_kind.c_str());
      return 2;
    }
    request.set_kind(kind);
    request.set_id(get_id);
    helixmatch::v1::Record response;
    const auto status = stub->Get(&context, request, &response);
    if (!status.ok()) return Report(status);
    std::printf("%s\n", ToJson(response).c_str());
    return 0;
  }
  if (health->parsed()) {
    auto state = helixmatch::CheckHealth(
        channel, std::chrono::milliseconds(std::max(wait_ms, timeout_ms)));
    if (!state.ok()) {
      std::fprintf(stderr, "helixmatch: %s\n",
                   std::string(state.status().message()).c_str());
      return 1;
    }
    std::printf("%s\n", state->c_str());
    return *state == "SERVING" ? 0 : 1;
  }
  if (stats->parsed()) {
    helixmatch::v1::StatsResponse response;
    const auto status =
        stub->Stats(&context, helixmatch::v1::StatsRequest(), &response);
    if (!status.ok()) return Report(status);
    std::printf("%s\n", ToJson(response).c_str());
    return 0;
  }
  return 1;
}
