// Subcommands that ask for suggestions: `recommend` (ranked partners for a
// need, a capability or free text) and `explain` (one need and capability
// pair).
#ifndef HELIXMATCH_SERVICES_CLI_SUGGESTION_COMMANDS_H_
#define HELIXMATCH_SERVICES_CLI_SUGGESTION_COMMANDS_H_

#include <memory>

#include "CLI/CLI.hpp"
#include "services/cli/command.h"

namespace helixmatch {

// Each registers its subcommand on `app`; the app must outlive the result.
std::unique_ptr<Command> AddRecommendCommand(CLI::App& app);
std::unique_ptr<Command> AddExplainCommand(CLI::App& app);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_SUGGESTION_COMMANDS_H_
