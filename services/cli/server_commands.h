// Subcommands about the server itself: `stats` (record counts and model),
// `health` (is it SERVING?) and `backup` (a consistent copy of its data
// folder).
#ifndef HELIXMATCH_SERVICES_CLI_SERVER_COMMANDS_H_
#define HELIXMATCH_SERVICES_CLI_SERVER_COMMANDS_H_

#include <memory>

#include "CLI/CLI.hpp"
#include "services/cli/command.h"

namespace helixmatch {

// Each registers its subcommand on `app`; the app must outlive the result.
std::unique_ptr<Command> AddStatsCommand(CLI::App& app);
// Exit status 0 only when the server answers SERVING.
std::unique_ptr<Command> AddHealthCommand(CLI::App& app);
std::unique_ptr<Command> AddBackupCommand(CLI::App& app);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_SERVER_COMMANDS_H_
