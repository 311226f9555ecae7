// Subcommands of the programme side: `screen` (pre-screen a batch of
// proposals), `pathway` (the engagement pathway of a pair) and
// `programmes` (the programme rules the server loaded).
#ifndef HELIXMATCH_SERVICES_CLI_PROGRAMME_COMMANDS_H_
#define HELIXMATCH_SERVICES_CLI_PROGRAMME_COMMANDS_H_

#include <memory>

#include "CLI/CLI.hpp"
#include "services/cli/command.h"

namespace helixmatch {

// Each registers its subcommand on `app`; the app must outlive the result.
std::unique_ptr<Command> AddScreenCommand(CLI::App& app);
std::unique_ptr<Command> AddPathwayCommand(CLI::App& app);
std::unique_ptr<Command> AddProgrammesCommand(CLI::App& app);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_PROGRAMME_COMMANDS_H_
