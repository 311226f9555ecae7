// A subcommand of the `helixmatch` client, and the parsing of enum-valued
// options the subcommands share.
#ifndef HELIXMATCH_SERVICES_CLI_COMMAND_H_
#define HELIXMATCH_SERVICES_CLI_COMMAND_H_

#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "services/cli/connection.h"

namespace helixmatch {

// One subcommand: its options, bound to its CLI11 subcommand when it is
// created (each Add...Command function registers one on the app), and
// what it does once the command line is parsed. The object must outlive
// parsing, since CLI11 writes the options into it.
class Command {
 public:
  explicit Command(CLI::App* parser) : parser_(parser) {}
  virtual ~Command() = default;
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  // Whether the command line named this subcommand.
  bool parsed() const { return parser_->parsed(); }

  // Makes the subcommand's call over `connection`, prints the answer to
  // stdout and problems to stderr, and returns the exit status: 0 on
  // success, 2 for a bad request (refused by the client or the server), 1
  // when the server cannot be reached.
  virtual int Run(Connection& connection) const = 0;

 protected:
  CLI::App* parser_;  // owned by the app
};

// The enum value name an option's text stands for: upper case, '-' read
// as '_', `prefix` added unless already there ("contract-signed" ->
// "OUTCOME_KIND_CONTRACT_SIGNED" for prefix "OUTCOME_KIND_").
std::string EnumOptionName(const std::string& prefix, const std::string& text);

// Parses `text` with the generated `parse` (e.g. v1::Channel_Parse) after
// EnumOptionName. On failure prints "helixmatch: OPTION: unknown value
// 'TEXT'" to stderr and returns false.
template <typename Enum, typename Parse>
bool ParseEnumOption(const char* option, const std::string& prefix,
                     const std::string& text, Parse parse, Enum* out) {
  if (parse(EnumOptionName(prefix, text), out)) return true;
  std::fprintf(stderr, "helixmatch: %s: unknown value '%s'\n", option,
               text.c_str());
  return false;
}

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_COMMAND_H_
