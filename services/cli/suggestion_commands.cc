#include "services/cli/suggestion_commands.h"

#include <cstdio>
#include <string>
#include <vector>

#include "services/cli/suggestion_text.h"

namespace helixmatch {
namespace {

class RecommendCommand final : public Command {
 public:
  explicit RecommendCommand(CLI::App& app)
      : Command(app.add_subcommand("recommend", "Ranked partner suggestions")) {
    parser_->add_option("--need", need_, "Need id: find research groups");
    parser_->add_option("--capability", capability_,
                        "Capability id: find firms");
    parser_->add_option("--text", text_, "Free text query (needs --direction)");
    parser_->add_option("--direction", direction_,
                        "need-to-capabilities or capability-to-needs");
    parser_->add_option("--requester", requester_,
                        "Organization asking (text "
                        "queries)");
    parser_->add_option("-k", k_, "Organizations to return (1..100)")
        ->capture_default_str();
    parser_->add_option("--profiles", profiles_,
                        "Profiles shown per organization");
    parser_->add_option("--country", countries_, "Filter: ISO country code");
    parser_->add_option("--sector", sectors_, "Filter: sector");
    parser_->add_option("--kind", kinds_,
                        "Filter: organization kind (university, "
                        "research-institute, firm, government-programme, "
                        "other); repeatable");
    parser_->add_option("--trl", trl_, "Filter: TRL the profile must cover");
    parser_->add_option("--call-programme", call_programme_,
                        "Funding call the text query targets: programme "
                        "(e.g. SC5); a record's call is on the record");
    parser_->add_option("--call-topic", call_topic_,
                        "Funding call the text query targets: topic code "
                        "(e.g. SC5-10-2019)");
  }

  int Run(Connection& connection) const override {
    v1::RecommendRequest request;
    if (!BuildRequest(&request)) return 2;
    v1::RecommendResponse response;
    const grpc::Status status =
        connection.stub().Recommend(connection.context(), request, &response);
    const double ms = connection.ElapsedMs();
    if (!status.ok()) return ReportFailure(status);
    if (connection.options().json) return PrintJson(response);
    for (int i = 0; i < response.suggestions_size(); ++i) {
      std::printf("%s\n",
                  FormatSuggestion(response.suggestions(i), i + 1).c_str());
    }
    std::printf(
        "%d suggestions from %d candidate profiles in %.1f ms "
        "(model %s)\n",
        response.suggestions_size(), response.candidates_considered(), ms,
        response.model().c_str());
    return 0;
  }

 private:
  // False, after saying why on stderr, when an option's value cannot be
  // sent.
  bool BuildRequest(v1::RecommendRequest* request) const {
    if (!need_.empty()) request->set_need_id(need_);
    if (!capability_.empty()) request->set_capability_id(capability_);
    if (!text_.empty()) request->set_text(text_);
    if (!call_programme_.empty() || !call_topic_.empty()) {
      if (text_.empty()) {
        std::fprintf(stderr,
                     "helixmatch: --call-programme and --call-topic go with "
                     "--text; a need or capability names its funding call "
                     "in its record\n");
        return false;
      }
      request->mutable_funding_call()->set_programme(call_programme_);
      request->mutable_funding_call()->set_topic(call_topic_);
    }
    if (direction_ == "need-to-capabilities") {
      request->set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
    } else if (direction_ == "capability-to-needs") {
      request->set_direction(v1::DIRECTION_CAPABILITY_TO_NEEDS);
    } else if (!direction_.empty()) {
      std::fprintf(stderr,
                   "helixmatch: --direction: '%s' is neither "
                   "need-to-capabilities nor capability-to-needs\n",
                   direction_.c_str());
      return false;
    }
    request->set_requester_organization_id(requester_);
    request->set_k(k_);
    request->set_profiles_per_organization(profiles_);
    v1::Filter* filter = request->mutable_filter();
    for (const auto& c : countries_) filter->add_countries(c);
    for (const auto& s : sectors_) filter->add_sectors(s);
    for (const auto& name : kinds_) {
      v1::OrganizationKind kind;
      if (!ParseEnumOption("--kind", "ORGANIZATION_KIND_", name,
                           v1::OrganizationKind_Parse, &kind)) {
        return false;
      }
      filter->add_kinds(kind);
    }
    filter->set_trl(trl_);
    return true;
  }

  std::string need_, capability_, text_, direction_, requester_;
  std::string call_programme_, call_topic_;
  std::vector<std::string> countries_, sectors_, kinds_;
  int k_ = 5;
  int profiles_ = 0;
  int trl_ = 0;
};

class ExplainCommand final : public Command {
 public:
  explicit ExplainCommand(CLI::App& app)
      : Command(
            app.add_subcommand("explain", "Explain one need/capability pair")) {
    parser_->add_option("--need", need_, "Need id")->required();
    parser_->add_option("--capability", capability_, "Capability id")
        ->required();
  }

  int Run(Connection& connection) const override {
    v1::ExplainRequest request;
    request.set_need_id(need_);
    request.set_capability_id(capability_);
    v1::ExplainResponse response;
    const grpc::Status status =
        connection.stub().Explain(connection.context(), request, &response);
    const double ms = connection.ElapsedMs();
    if (!status.ok()) return ReportFailure(status);
    if (connection.options().json) return PrintJson(response);
    std::printf(
        "Need: \"%s\" [%s]\nCapability: \"%s\" [%s]\n\n%s\n"
        "explained in %.1f ms\n",
        response.need().title().c_str(), response.need().id().c_str(),
        response.capability().title().c_str(),
        response.capability().id().c_str(),
        FormatSuggestion(response.suggestion(), 0).c_str(), ms);
    return 0;
  }

 private:
  std::string need_, capability_;
};

}  // namespace

std::unique_ptr<Command> AddRecommendCommand(CLI::App& app) {
  return std::make_unique<RecommendCommand>(app);
}

std::unique_ptr<Command> AddExplainCommand(CLI::App& app) {
  return std::make_unique<ExplainCommand>(app);
}

}  // namespace helixmatch
