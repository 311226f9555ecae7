// helixmatch: command-line client of helixmatch-server.
//
//   helixmatch [--server HOST:PORT] [--timeout-ms N] [--token-file FILE]
//              [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]
//              [--json] SUBCOMMAND ...
//
//   helixmatch recommend --need ID | --capability ID |
//                        --text TEXT --direction need-to-capabilities|
//                                                capability-to-needs
//                        [--requester ORG] [-k N] [--country CC]...
//   helixmatch explain --need ID --capability ID
//   helixmatch get --kind organization|capability|need|tie|outcome --id ID
//   helixmatch upsert FILE.jsonl...    (streamed through Ingest; exit 3
//                                       when some records were rejected)
//   helixmatch delete KIND ID
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
//   helixmatch confirm-outcome --id ID
//   helixmatch declines --organization ORG
//   helixmatch backup --to FOLDER      (under the server's --backup-root)
//   helixmatch token hash --role ROLE [--organization ORG]
//                         [--token-out FILE] [--stdin]   (no server call)
//
// The global options come before the subcommand. The token of
// $HELIXMATCH_TOKEN, --token-file FILE or --token TOKEN (visible in `ps`)
// is sent as `authorization: Bearer`; --tls-ca connects with TLS, and
// --tls-cert/--tls-key add a client certificate (mutual TLS). --json
// prints the answers of recommend, explain, screen and pathway as JSON
// (get, stats, programmes, outcome, confirm-outcome, declines and backup
// always do).
//
// Exit status: 0 on success, 2 for a bad request (the server's message is
// printed), 1 when the server cannot be reached.
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "services/cli/command.h"
#include "services/cli/connection.h"
#include "services/cli/programme_commands.h"
#include "services/cli/record_commands.h"
#include "services/cli/server_commands.h"
#include "services/cli/suggestion_commands.h"
#include "services/cli/token_commands.h"
#include "services/cli/write_commands.h"

namespace helixmatch {
namespace {

int RunClient(int argc, char** argv) {
  CLI::App app{"helixmatch: ask a helixmatch-server for partner suggestions"};
  app.require_subcommand(1);
  ClientOptions options;
  AddClientOptions(app, options);
  using AddCommand = std::unique_ptr<Command> (*)(CLI::App&);
  std::vector<std::unique_ptr<Command>> commands;
  // In the order `helixmatch --help` lists them.
  for (AddCommand add :
       {AddRecommendCommand, AddExplainCommand, AddGetCommand,
        AddProfilesCommand, AddUpsertCommand, AddDeleteCommand, AddStatsCommand,
        AddHealthCommand, AddScreenCommand, AddPathwayCommand,
        AddProgrammesCommand, AddOutcomeCommand, AddConfirmOutcomeCommand,
        AddDeclinesCommand, AddBackupCommand, AddTokenCommand}) {
    commands.push_back(add(app));
  }
  CLI11_PARSE(app, argc, argv);

  if (!ResolveClientOptions(options)) return 2;
  Connection connection(options);
  for (const auto& command : commands) {
    if (command->parsed()) return command->Run(connection);
  }
  return 1;
}

}  // namespace
}  // namespace helixmatch

int main(int argc, char** argv) { return helixmatch::RunClient(argc, argv); }
