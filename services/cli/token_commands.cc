#include "services/cli/token_commands.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/server/token_digest.h"

namespace helixmatch {
namespace {

class TokenHashCommand final : public Command {
 public:
  explicit TokenHashCommand(CLI::App* token)
      : Command(token->add_subcommand(
            "hash",
            "Print a tokens-file line (sha256:HEX ROLE [ORG]) for a new "
            "random token; the token goes to --token-out or stderr")) {
    parser_->add_option("--role", role_, "operator, organization or programme")
        ->required()
        ->check(CLI::IsMember({"operator", "organization", "programme"}));
    parser_->add_option("--organization", organization_,
                        "Organization id (organization and programme roles)");
    parser_->add_option("--token-out", token_out_,
                        "Write the token to this new file (mode 600) "
                        "instead of stderr");
    parser_->add_flag("--stdin", from_stdin_,
                      "Hash the token read from standard input instead of "
                      "making a new one");
  }

  int Run(Connection&) const override {
    if ((role_ == "operator") != organization_.empty()) {
      std::fprintf(stderr, "helixmatch: --organization: %s\n",
                   role_ == "operator"
                       ? "an operator has no organization"
                       : "is required for the organization and programme "
                         "roles");
      return 2;
    }
    std::string token;
    if (from_stdin_) {
      std::getline(std::cin, token);
      token = std::string(absl::StripAsciiWhitespace(token));
      if (token.empty()) {
        std::fprintf(stderr, "helixmatch: --stdin: no token was read\n");
        return 2;
      }
    } else {
      token = NewRandomToken();
    }
    if (!from_stdin_) {
      if (token_out_.empty()) {
        std::fprintf(stderr, "token: %s\n", token.c_str());
      } else {
        const int fd = ::open(token_out_.c_str(),
                              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        const std::string line = token + "\n";
        if (fd < 0 || ::write(fd, line.data(), line.size()) !=
                          static_cast<ssize_t>(line.size())) {
          std::fprintf(stderr,
                       "helixmatch: --token-out: cannot create '%s' (it must "
                       "not exist yet)\n",
                       token_out_.c_str());
          if (fd >= 0) ::close(fd);
          return 2;
        }
        ::close(fd);
      }
    }
    std::printf("%s\n", TokenFileLine(token, role_, organization_).c_str());
    return 0;
  }

 private:
  std::string role_, organization_, token_out_;
  bool from_stdin_ = false;
};

}  // namespace

std::string TokenFileLine(const std::string& token, const std::string& role,
                          const std::string& organization_id) {
  return absl::StrCat(kTokenDigestPrefix, HexDigest(DigestToken(token)), " ",
                      role, organization_id.empty() ? "" : " ",
                      organization_id);
}

std::unique_ptr<Command> AddTokenCommand(CLI::App& app) {
  CLI::App* token = app.add_subcommand(
      "token", "Tokens for the server's tokens file (no server call)");
  token->require_subcommand(1);
  return std::make_unique<TokenHashCommand>(token);
}

}  // namespace helixmatch
