#include "services/cli/connection.h"

#include <arpa/inet.h>
#include <google/protobuf/util/json_util.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace helixmatch {

void AddClientOptions(CLI::App& app, ClientOptions& options) {
  app.add_option("--server", options.server,
                 "host:port of helixmatch-server, or several IP:PORT "
                 "separated by commas (read replicas: calls are spread "
                 "round-robin)")
      ->capture_default_str();
  app.add_option("--timeout-ms", options.timeout_ms, "Deadline of each call")
      ->capture_default_str();
  app.add_flag("--json", options.json, "Print the answer as JSON");
  app.add_option("--token-file", options.token_file,
                 "File whose first line is the API token (mode 600)");
  app.add_option("--token", options.token,
                 "API token. Note: visible to other users in `ps` and kept "
                 "in shell history; prefer $HELIXMATCH_TOKEN or --token-file");
  app.add_option("--tls-ca", options.tls_ca,
                 "CA certificate (PEM) of the server's certificate: "
                 "connect with TLS");
  app.add_option("--tls-cert", options.tls_cert,
                 "Client certificate (PEM), for servers that require one "
                 "(mutual TLS); needs --tls-key and --tls-ca");
  app.add_option("--tls-key", options.tls_key, "Client private key (PEM)");
}

namespace {

bool ReadWhole(const std::string& path, const char* option, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "helixmatch: %s: '%s' cannot be read\n", option,
                 path.c_str());
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

}  // namespace

bool ResolveClientOptions(ClientOptions& options) {
  if (options.token.empty() && !options.token_file.empty()) {
    struct stat st {};
    if (stat(options.token_file.c_str(), &st) == 0 &&
        (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) != 0) {
      std::fprintf(stderr,
                   "helixmatch: --token-file: '%s' may be read or written by "
                   "group or others; chmod 600 it\n",
                   options.token_file.c_str());
      return false;
    }
    std::string text;
    if (!ReadWhole(options.token_file, "--token-file", &text)) return false;
    options.token = std::string(absl::StripAsciiWhitespace(
        absl::string_view(text).substr(0, text.find('\n'))));
    if (options.token.empty()) {
      std::fprintf(stderr, "helixmatch: --token-file: '%s' holds no token\n",
                   options.token_file.c_str());
      return false;
    }
  }
  if (options.token.empty()) {
    if (const char* env = std::getenv("HELIXMATCH_TOKEN")) options.token = env;
  }
  if (auto target = ChannelTargetFor(options.server); !target.ok()) {
    std::fprintf(stderr, "helixmatch: %s\n",
                 std::string(target.status().message()).c_str());
    return false;
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    std::fprintf(stderr,
                 "helixmatch: --tls-cert and --tls-key come together\n");
    return false;
  }
  if (!options.tls_cert.empty() && options.tls_ca.empty()) {
    std::fprintf(stderr,
                 "helixmatch: --tls-cert needs --tls-ca (the CA of the "
                 "server's certificate)\n");
    return false;
  }
  if (!options.tls_ca.empty() &&
      !ReadWhole(options.tls_ca, "--tls-ca", &options.tls_ca_pem)) {
    return false;
  }
  if (!options.tls_cert.empty() &&
      (!ReadWhole(options.tls_cert, "--tls-cert", &options.tls_cert_pem) ||
       !ReadWhole(options.tls_key, "--tls-key", &options.tls_key_pem))) {
    return false;
  }
  return true;
}

absl::StatusOr<ChannelTarget> ChannelTargetFor(const std::string& server) {
  // Reads are safe to send again; writes are never retried here.
  static constexpr char kServiceConfig[] = R"({
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [
      {"service": "helixmatch.v1.MatchService", "method": "Get"},
      {"service": "helixmatch.v1.MatchService", "method": "Recommend"},
      {"service": "helixmatch.v1.MatchService", "method": "Explain"},
      {"service": "helixmatch.v1.MatchService", "method": "Stats"},
      {"service": "helixmatch.v1.MatchService", "method": "ListProfiles"},
      {"service": "helixmatch.v1.MatchService", "method": "ScreenProposal"},
      {"service": "helixmatch.v1.MatchService", "method": "PlanPathway"},
      {"service": "helixmatch.v1.MatchService", "method": "ListProgrammes"},
      {"service": "helixmatch.v1.MatchService", "method": "DeclineReasons"}
    ],
    "retryPolicy": {
      "maxAttempts": 4,
      "initialBackoff": "0.05s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})";
  std::vector<std::string> entries = absl::StrSplit(server, ',');
  if (entries.size() == 1) {
    if (server.empty()) return absl::InvalidArgumentError("--server: is empty");
    return ChannelTarget{server, kServiceConfig};
  }
  std::string family;
  std::vector<std::string> addresses;
  for (std::string& entry : entries) {
    const size_t colon = entry.rfind(':');
    if (entry.empty() || colon == std::string::npos || colon == 0 ||
        colon + 1 == entry.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--server: '", entry, "' in '", server, "' is not IP:PORT"));
    }
    std::string host = entry.substr(0, colon);
    if (host == "localhost") host = "127.0.0.1";
    std::string this_family;
    in6_addr ip6;
    in_addr ip4;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']' &&
        inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &ip6) ==
            1) {
      this_family = "ipv6";
    } else if (inet_pton(AF_INET, host.c_str(), &ip4) == 1) {
      this_family = "ipv4";
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--server: '", entry,
          "': several servers must be given as IP:PORT; for names, give "
          "one name whose DNS records list every server (a Kubernetes "
          "headless Service)"));
    }
    if (!family.empty() && family != this_family) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--server: '", server, "' mixes IPv4 and IPv6 addresses"));
    }
    family = this_family;
    addresses.push_back(absl::StrCat(host, entry.substr(colon)));
  }
  return ChannelTarget{absl::StrCat(family, ":", absl::StrJoin(addresses, ",")),
                       kServiceConfig};
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(
    const ClientOptions& options) {
  if (options.tls_ca_pem.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.tls_ca_pem;
  ssl.pem_cert_chain = options.tls_cert_pem;
  ssl.pem_private_key = options.tls_key_pem;
  return grpc::SslCredentials(ssl);
}

namespace {

// ResolveClientOptions has checked the target already.
std::shared_ptr<grpc::Channel> ChannelFor(const ClientOptions& options) {
  auto target = ChannelTargetFor(options.server);
  grpc::ChannelArguments arguments;
  if (!target.ok()) {
    return grpc::CreateChannel(options.server, ChannelCredentialsFor(options));
  }
  arguments.SetServiceConfigJSON(target->service_config);
  return grpc::CreateCustomChannel(target->target,
                                   ChannelCredentialsFor(options), arguments);
}

}  // namespace

Connection::Connection(const ClientOptions& options)
    : options_(options),
      channel_(ChannelFor(options)),
      stub_(v1::MatchService::NewStub(channel_)) {
  context_.set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(options.timeout_ms));
  if (!options.token.empty()) {
    context_.AddMetadata("authorization", "Bearer " + options.token);
  }
  start_ = std::chrono::steady_clock::now();
}

double Connection::ElapsedMs() const {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start_)
      .count();
}

int ReportFailure(const grpc::Status& status) {
  std::fprintf(stderr, "helixmatch: %s: %s\n",
               status.error_code() == grpc::StatusCode::UNAVAILABLE
                   ? "server unavailable"
                   : "request failed",
               status.error_message().c_str());
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? 1
             : 2;
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

int PrintJson(const google::protobuf::Message& message) {
  std::printf("%s\n", ToJson(message).c_str());
  return 0;
}

}  // namespace helixmatch
