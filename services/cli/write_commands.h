// Subcommands that write to a running server: `upsert` (JSONL records
// streamed through Ingest) and `delete` (one record). They need no access
// to the data folder, so they work while the server holds its lock.
#ifndef HELIXMATCH_SERVICES_CLI_WRITE_COMMANDS_H_
#define HELIXMATCH_SERVICES_CLI_WRITE_COMMANDS_H_

#include <memory>

#include "CLI/CLI.hpp"
#include "services/cli/command.h"

namespace helixmatch {

// Each registers its subcommand on `app`; the app must outlive the result.
std::unique_ptr<Command> AddUpsertCommand(CLI::App& app);
std::unique_ptr<Command> AddDeleteCommand(CLI::App& app);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_WRITE_COMMANDS_H_
