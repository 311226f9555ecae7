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
//   helixmatch screen --proposals FILE.jsonl [--full ID|all]
//   helixmatch pathway --university ORG --firm ORG [--target-rung N]
//                      [--channel CHANNEL]...
//   helixmatch programmes
//   helixmatch outcome --id ID --offered-by ORG --offered-to ORG
//                      --kind contract-signed --year YYYY [--channel C]
//                      [--reason no-budget] [--need ID] [--capability ID]
//                      [--note TEXT]
//   helixmatch declines --organization ORG
//   helixmatch backup --to FOLDER      (a folder on the server's machine)
//
// --token TOKEN (or HELIXMATCH_TOKEN) is sent as `authorization: Bearer`.
//
// Exit status: 0 on success, 2 for a bad request (the server's message is
// printed), 1 when the server cannot be reached.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/server/health_probe.h"
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

// "contract-signed" -> "OUTCOME_KIND_CONTRACT_SIGNED" style enum names.
std::string EnumName(const std::string& prefix, const std::string& value) {
  std::string upper;
  for (char c : value) {
    upper.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  }
  return upper.rfind(prefix, 0) == 0 ? upper : prefix + upper;
}

template <typename Enum, typename Parse>
bool ParseEnumOption(const char* option, const std::string& prefix,
                     const std::string& value, Parse parse, Enum* out) {
  if (parse(EnumName(prefix, value), out)) return true;
  std::fprintf(stderr, "helixmatch: %s: unknown value '%s'\n", option,
               value.c_str());
  return false;
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
  std::string token;
  if (const char* env = std::getenv("HELIXMATCH_TOKEN")) token = env;
  app.add_option("--token", token, "API token (default: $HELIXMATCH_TOKEN)");

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

  std::string proposals_path, full_report;
  auto* screen = app.add_subcommand(
      "screen", "Pre-screen proposals (JSONL, one Proposal per line)");
  screen->add_option("--proposals", proposals_path, "JSONL file")->required();
  screen->add_option("--full", full_report,
                     "Print the full report of this proposal id, or 'all'");

  std::string path_university, path_firm;
  std::vector<std::string> path_channels;
  int target_rung = -1;
  auto* pathway = app.add_subcommand("pathway", "Engagement pathway of a pair");
  pathway->add_option("--university", path_university, "University id")
      ->required();
  pathway->add_option("--firm", path_firm, "Firm id")->required();
  pathway->add_option("--target-rung", target_rung,
                      "Rung aimed at, 0..6 (default: from --channel, else "
                      "the firm's wanted channels)");
  pathway->add_option("--channel", path_channels,
                      "Planned channel, e.g. contract-research");

  auto* programmes = app.add_subcommand("programmes", "Programme rules loaded");

  helixmatch::v1::Outcome outcome;
  std::string outcome_id, offered_by, offered_to, outcome_kind, outcome_channel,
      decline_reason, outcome_need, outcome_capability, outcome_note;
  int outcome_year = 0;
  auto* record_outcome =
      app.add_subcommand("outcome", "Record what came of an offer");
  record_outcome->add_option("--id", outcome_id, "Outcome id")->required();
  record_outcome->add_option("--offered-by", offered_by, "Organization id")
      ->required();
  record_outcome->add_option("--offered-to", offered_to, "Organization id")
      ->required();
  record_outcome
      ->add_option("--kind", outcome_kind,
                   "contacted, meeting-held, internship-started, "
                   "contract-signed, project-completed, declined, no-answer")
      ->required();
  record_outcome->add_option("--year", outcome_year, "Year")->required();
  record_outcome->add_option("--channel", outcome_channel, "e.g. testing");
  record_outcome->add_option("--reason", decline_reason,
                             "Decline reason, e.g. no-budget, ip-terms");
  record_outcome->add_option("--need", outcome_need, "Need id");
  record_outcome->add_option("--capability", outcome_capability,
                             "Capability id");
  record_outcome->add_option("--note", outcome_note, "Free text");

  std::string declines_org;
  auto* declines = app.add_subcommand(
      "declines", "Why an organization's offers were declined");
  declines->add_option("--organization", declines_org, "Organization id")
      ->required();

  std::string backup_folder;
  auto* backup = app.add_subcommand("backup", "Back up the server's data");
  backup
      ->add_option("--to", backup_folder,
                   "Folder to create on the server's machine")
      ->required();
  CLI11_PARSE(app, argc, argv);

  auto channel =
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials());
  auto stub = helixmatch::v1::MatchService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(timeout_ms));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
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
                   "capability, need, tie or outcome\n",
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
  if (screen->parsed()) {
    std::ifstream in(proposals_path);
    if (!in) {
      std::fprintf(stderr, "helixmatch: --proposals: cannot read '%s'\n",
                   proposals_path.c_str());
      return 2;
    }
    helixmatch::v1::ScreenProposalsResponse response;
    auto writer = stub->ScreenProposals(&context, &response);
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
      ++line_number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      helixmatch::v1::ScreenProposalRequest request;
      const auto parsed = google::protobuf::util::JsonStringToMessage(
          line, request.mutable_proposal());
      if (!parsed.ok()) {
        std::fprintf(stderr, "helixmatch: %s:%d: not a Proposal: %s\n",
                     proposals_path.c_str(), line_number,
                     std::string(parsed.message()).c_str());
        writer->WritesDone();
        (void)writer->Finish();
        return 2;
      }
      if (!writer->Write(request)) break;
    }
    writer->WritesDone();
    const auto status = writer->Finish();
    if (!status.ok()) return Report(status);
    if (json) {
      std::printf("%s\n", ToJson(response).c_str());
      return 0;
    }
    std::printf("%d proposals screened, %d rejected, in %.1f ms\n",
                response.reports_size(), response.rejected_size(),
                elapsed_ms());
    for (const auto& r : response.reports()) {
      std::printf("%s\n", helixmatch::FormatScreeningSummary(r).c_str());
    }
    for (const auto& e : response.rejected()) {
      std::printf("rejected #%lld %s: %s\n",
                  static_cast<long long>(e.position()), e.id().c_str(),
                  e.message().c_str());
    }
    for (const auto& r : response.reports()) {
      if (full_report == "all" || full_report == r.proposal_id()) {
        std::printf("\n%s", helixmatch::FormatScreeningReport(r).c_str());
      }
    }
    return 0;
  }
  if (pathway->parsed()) {
    helixmatch::v1::PlanPathwayRequest request;
    request.set_university_id(path_university);
    request.set_firm_id(path_firm);
    request.set_target_rung(target_rung);
    for (const auto& c : path_channels) {
      helixmatch::v1::Channel parsed;
      if (!ParseEnumOption("--channel", "CHANNEL_", c,
                           helixmatch::v1::Channel_Parse, &parsed)) {
        return 2;
      }
      request.add_target_channels(parsed);
    }
    helixmatch::v1::Pathway response;
    const auto status = stub->PlanPathway(&context, request, &response);
    if (!status.ok()) return Report(status);
    if (json) {
      std::printf("%s\n", ToJson(response).c_str());
      return 0;
    }
    std::printf("Pathway %s -> %s\n%s", path_university.c_str(),
                path_firm.c_str(), helixmatch::FormatPathway(response).c_str());
    return 0;
  }
  if (programmes->parsed()) {
    helixmatch::v1::ListProgrammesResponse response;
    const auto status = stub->ListProgrammes(
        &context, helixmatch::v1::ListProgrammesRequest(), &response);
    if (!status.ok()) return Report(status);
    std::printf("%s\n", ToJson(response).c_str());
    return 0;
  }
  if (record_outcome->parsed()) {
    helixmatch::v1::RecordOutcomeRequest request;
    auto* o = request.mutable_outcome();
    o->set_id(outcome_id);
    o->set_offered_by(offered_by);
    o->set_offered_to(offered_to);
    o->set_year(outcome_year);
    helixmatch::v1::OutcomeKind kind;
    if (!ParseEnumOption("--kind", "OUTCOME_KIND_", outcome_kind,
                         helixmatch::v1::OutcomeKind_Parse, &kind)) {
      return 2;
    }
    o->set_kind(kind);
    if (!outcome_channel.empty()) {
      helixmatch::v1::Channel c;
      if (!ParseEnumOption("--channel", "CHANNEL_", outcome_channel,
                           helixmatch::v1::Channel_Parse, &c)) {
        return 2;
      }
      o->set_channel(c);
    }
    if (!decline_reason.empty()) {
      helixmatch::v1::DeclineReason r;
      if (!ParseEnumOption("--reason", "DECLINE_REASON_", decline_reason,
                           helixmatch::v1::DeclineReason_Parse, &r)) {
        return 2;
      }
      o->set_decline_reason(r);
    }
    o->set_need_id(outcome_need);
    o->set_capability_id(outcome_capability);
    o->set_note(outcome_note);
    helixmatch::v1::RecordOutcomeResponse response;
    const auto status = stub->RecordOutcome(&context, request, &response);
    if (!status.ok()) return Report(status);
    std::printf("%s\n", ToJson(response).c_str());
    return 0;
  }
  if (declines->parsed()) {
    helixmatch::v1::DeclineReasonsRequest request;
    request.set_organization_id(declines_org);
    helixmatch::v1::DeclineReasonsResponse response;
    const auto status = stub->DeclineReasons(&context, request, &response);
    if (!status.ok()) return Report(status);
    std::printf("%s\n", ToJson(response).c_str());
    return 0;
  }
  if (backup->parsed()) {
    helixmatch::v1::BackupRequest request;
    request.set_folder(backup_folder);
    helixmatch::v1::BackupResponse response;
    const auto status = stub->Backup(&context, request, &response);
    if (!status.ok()) return Report(status);
    std::printf("%s\n", ToJson(response).c_str());
    return 0;
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
