#include "services/cli/programme_commands.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>
#include <istream>
#include <string>
#include <vector>

#include "services/cli/suggestion_text.h"

namespace helixmatch {
namespace {

class ScreenCommand final : public Command {
 public:
  explicit ScreenCommand(CLI::App& app)
      : Command(app.add_subcommand(
            "screen", "Pre-screen proposals (JSONL, one Proposal per line)")) {
    parser_->add_option("--proposals", proposals_, "JSONL file")->required();
    parser_->add_option("--full", full_,
                        "Print the full report of this proposal id, or 'all'");
  }

  int Run(Connection& connection) const override {
    std::ifstream in(proposals_);
    if (!in) {
      std::fprintf(stderr, "helixmatch: --proposals: cannot read '%s'\n",
                   proposals_.c_str());
      return 2;
    }
    v1::ScreenProposalsResponse response;
    auto writer =
        connection.stub().ScreenProposals(connection.context(), &response);
    if (!WriteProposals(in, *writer)) return 2;
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    if (!status.ok()) return ReportFailure(status);
    if (connection.options().json) return PrintJson(response);
    PrintReports(response, connection.ElapsedMs());
    return 0;
  }

 private:
  // Streams one request per line that is not blank. False, after saying
  // why on stderr and ending the call, for a line that is not a Proposal
  // in the protobuf JSON mapping.
  bool WriteProposals(
      std::istream& in,
      grpc::ClientWriter<v1::ScreenProposalRequest>& writer) const {
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
      ++line_number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      v1::ScreenProposalRequest request;
      const auto parsed = google::protobuf::util::JsonStringToMessage(
          line, request.mutable_proposal());
      if (!parsed.ok()) {
        std::fprintf(stderr, "helixmatch: %s:%d: not a Proposal: %s\n",
                     proposals_.c_str(), line_number,
                     std::string(parsed.message()).c_str());
        writer.WritesDone();
        (void)writer.Finish();
        return false;
      }
      if (!writer.Write(request)) break;
    }
    return true;
  }

  // The ranked summary lines, the rejected proposals, then the full
  // reports --full asks for.
  void PrintReports(const v1::ScreenProposalsResponse& response,
                    double ms) const {
    std::printf("%d proposals screened, %d rejected, in %.1f ms\n",
                response.reports_size(), response.rejected_size(), ms);
    for (const auto& r : response.reports()) {
      std::printf("%s\n", FormatScreeningSummary(r).c_str());
    }
    for (const auto& e : response.rejected()) {
      std::printf("rejected #%lld %s: %s\n",
                  static_cast<long long>(e.position()), e.id().c_str(),
                  e.message().c_str());
    }
    for (const auto& r : response.reports()) {
      if (full_ == "all" || full_ == r.proposal_id()) {
        std::printf("\n%s", FormatScreeningReport(r).c_str());
      }
    }
  }

  std::string proposals_, full_;
};

class PathwayCommand final : public Command {
 public:
  explicit PathwayCommand(CLI::App& app)
      : Command(app.add_subcommand("pathway", "Engagement pathway of a pair")) {
    parser_->add_option("--university", university_, "University id")
        ->required();
    parser_->add_option("--firm", firm_, "Firm id")->required();
    parser_->add_option("--target-rung", target_rung_,
                        "Rung aimed at, 0..6 (default: from --channel, else "
                        "the firm's wanted channels)");
    parser_->add_option("--channel", channels_,
                        "Planned channel, e.g. contract-research");
  }

  int Run(Connection& connection) const override {
    v1::PlanPathwayRequest request;
    request.set_university_id(university_);
    request.set_firm_id(firm_);
    request.set_target_rung(target_rung_);
    for (const auto& c : channels_) {
      v1::Channel parsed;
      if (!ParseEnumOption("--channel", "CHANNEL_", c, v1::Channel_Parse,
                           &parsed)) {
        return 2;
      }
      request.add_target_channels(parsed);
    }
    v1::Pathway response;
    const grpc::Status status =
        connection.stub().PlanPathway(connection.context(), request, &response);
    if (!status.ok()) return ReportFailure(status);
    if (connection.options().json) return PrintJson(response);
    std::printf("Pathway %s -> %s\n%s", university_.c_str(), firm_.c_str(),
                FormatPathway(response).c_str());
    return 0;
  }

 private:
  std::string university_, firm_;
  std::vector<std::string> channels_;
  int target_rung_ = -1;
};

class ProgrammesCommand final : public Command {
 public:
  explicit ProgrammesCommand(CLI::App& app)
      : Command(app.add_subcommand("programmes", "Programme rules loaded")) {}

  int Run(Connection& connection) const override {
    v1::ListProgrammesResponse response;
    const grpc::Status status = connection.stub().ListProgrammes(
        connection.context(), v1::ListProgrammesRequest(), &response);
    if (!status.ok()) return ReportFailure(status);
    return PrintJson(response);
  }
};

}  // namespace

std::unique_ptr<Command> AddScreenCommand(CLI::App& app) {
  return std::make_unique<ScreenCommand>(app);
}

std::unique_ptr<Command> AddPathwayCommand(CLI::App& app) {
  return std::make_unique<PathwayCommand>(app);
}

std::unique_ptr<Command> AddProgrammesCommand(CLI::App& app) {
  return std::make_unique<ProgrammesCommand>(app);
}

}  // namespace helixmatch
