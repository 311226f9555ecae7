#include "services/cli/server_commands.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "services/cli/health_probe.h"

namespace helixmatch {
namespace {

class StatsCommand final : public Command {
 public:
  explicit StatsCommand(CLI::App& app)
      : Command(app.add_subcommand("stats", "Record counts and model")) {}

  int Run(Connection& connection) const override {
    v1::StatsResponse response;
    const grpc::Status status = connection.stub().Stats(
        connection.context(), v1::StatsRequest(), &response);
    if (!status.ok()) return ReportFailure(status);
    return PrintJson(response);
  }
};

class HealthCommand final : public Command {
 public:
  explicit HealthCommand(CLI::App& app)
      : Command(app.add_subcommand("health", "Is the server SERVING?")) {
    parser_->add_option("--wait-ms", wait_ms_,
                        "Wait this long for the server to come up");
  }

  // The standard health service, not MatchService: the context and its
  // deadline are not used; the wait is the longer of --wait-ms and
  // --timeout-ms.
  int Run(Connection& connection) const override {
    auto state = CheckHealth(connection.channel(),
                             std::chrono::milliseconds(std::max(
                                 wait_ms_, connection.options().timeout_ms)));
    if (!state.ok()) {
      std::fprintf(stderr, "helixmatch: %s\n",
                   std::string(state.status().message()).c_str());
      return 1;
    }
    std::printf("%s\n", state->c_str());
    return *state == "SERVING" ? 0 : 1;
  }

 private:
  int wait_ms_ = 0;
};

class BackupCommand final : public Command {
 public:
  explicit BackupCommand(CLI::App& app)
      : Command(app.add_subcommand("backup", "Back up the server's data")) {
    parser_
        ->add_option("--to", folder_,
                     "Folder to create on the server's machine")
        ->required();
  }

  int Run(Connection& connection) const override {
    v1::BackupRequest request;
    request.set_folder(folder_);
    v1::BackupResponse response;
    const grpc::Status status =
        connection.stub().Backup(connection.context(), request, &response);
    if (!status.ok()) return ReportFailure(status);
    return PrintJson(response);
  }

 private:
  std::string folder_;
};

}  // namespace

std::unique_ptr<Command> AddStatsCommand(CLI::App& app) {
  return std::make_unique<StatsCommand>(app);
}

std::unique_ptr<Command> AddHealthCommand(CLI::App& app) {
  return std::make_unique<HealthCommand>(app);
}

std::unique_ptr<Command> AddBackupCommand(CLI::App& app) {
  return std::make_unique<BackupCommand>(app);
}

}  // namespace helixmatch
