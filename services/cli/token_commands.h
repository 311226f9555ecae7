// `helixmatch token hash`: a line for the server's tokens file. It makes
// a new random token (or hashes one read from standard input) and prints
// `sha256:HEX ROLE [ORGANIZATION_ID]` to stdout, ready to append to the
// tokens file; the token itself goes to --token-out (created mode 600)
// or to stderr. Makes no call to the server.
#ifndef HELIXMATCH_SERVICES_CLI_TOKEN_COMMANDS_H_
#define HELIXMATCH_SERVICES_CLI_TOKEN_COMMANDS_H_

#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "services/cli/command.h"

namespace helixmatch {

// Registers `token hash` on `app`; the app must outlive the result.
std::unique_ptr<Command> AddTokenCommand(CLI::App& app);

// The tokens-file line of a token: "sha256:HEX ROLE[ ORGANIZATION_ID]".
std::string TokenFileLine(const std::string& token, const std::string& role,
                          const std::string& organization_id);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_TOKEN_COMMANDS_H_
