// Subcommands about records: `get` (one record as stored), `profiles`
// (an organization's capabilities or needs, ids and titles), `outcome`
// (record what came of an offer: a claim until the other party confirms
// it), `confirm-outcome` (confirm the other party's claim) and `declines`
// (why an organization's offers were declined).
#ifndef HELIXMATCH_SERVICES_CLI_RECORD_COMMANDS_H_
#define HELIXMATCH_SERVICES_CLI_RECORD_COMMANDS_H_

#include <memory>

#include "CLI/CLI.hpp"
#include "services/cli/command.h"

namespace helixmatch {

// Each registers its subcommand on `app`; the app must outlive the result.
std::unique_ptr<Command> AddGetCommand(CLI::App& app);
std::unique_ptr<Command> AddProfilesCommand(CLI::App& app);
std::unique_ptr<Command> AddOutcomeCommand(CLI::App& app);
std::unique_ptr<Command> AddConfirmOutcomeCommand(CLI::App& app);
std::unique_ptr<Command> AddDeclinesCommand(CLI::App& app);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_RECORD_COMMANDS_H_
