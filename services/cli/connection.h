// What every subcommand of the `helixmatch` client shares: the global
// options (server address, deadline, token, JSON output), the channel and
// context of the one call a subcommand makes, and how answers and failures
// are printed.
#ifndef HELIXMATCH_SERVICES_CLI_CONNECTION_H_
#define HELIXMATCH_SERVICES_CLI_CONNECTION_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "helixmatch/v1/matching.grpc.pb.h"

namespace helixmatch {

struct ClientOptions {
  std::string server = "127.0.0.1:50051";  // host:port of helixmatch-server
  int timeout_ms = 10000;                  // deadline of the call
  bool json = false;       // print the answer as JSON where text is the default
  std::string token;       // sent as `authorization: Bearer TOKEN`; empty: none
  std::string token_file;  // --token-file: the token's first line
  // TLS: the CA that signed the server's certificate (TLS on when set),
  // and the client's own certificate and key for mutual TLS.
  std::string tls_ca, tls_cert, tls_key;
  // The PEM contents of the three files, read by ResolveClientOptions.
  std::string tls_ca_pem, tls_cert_pem, tls_key_pem;
};

// Registers --server, --timeout-ms, --json, --token, --token-file,
// --tls-ca, --tls-cert and --tls-key on `app`, bound to `options`, which
// must outlive parsing.
void AddClientOptions(CLI::App& app, ClientOptions& options);

// After parsing: the token from --token, else --token-file (refused when
// group or others may read it), else $HELIXMATCH_TOKEN; and the TLS
// files' contents. False, after saying why on stderr, when a file cannot
// be read or --tls-cert and --tls-key do not come together with --tls-ca.
bool ResolveClientOptions(ClientOptions& options);

// The channel credentials of the options (after ResolveClientOptions):
// SSL when a CA is given, with the client's certificate when one is.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(
    const ClientOptions& options);

// Where a channel connects for --server: one address as given (a name
// whose DNS records list several servers gets them all), or a
// comma-separated list of IP:PORT (localhost counts as 127.0.0.1) as one
// ipv4:/ipv6: target. Calls spread over the servers with gRPC's
// round_robin policy; read calls that find a server UNAVAILABLE are
// retried on another (writes are not retried).
struct ChannelTarget {
  std::string target;
  std::string service_config;  // JSON: round_robin and the read retries
};
// INVALID_ARGUMENT "--server: ..." for an empty entry, an entry without a
// port, a name in a list of several, or IPv4 and IPv6 mixed.
absl::StatusOr<ChannelTarget> ChannelTargetFor(const std::string& server);

// The call a subcommand makes. The channel connects at the first call.
// Not thread-safe.
class Connection {
 public:
  // Sets up the channel, a stub and a context whose deadline is
  // options.timeout_ms from now and which carries the token, if any.
  // `options` must outlive the connection.
  explicit Connection(const ClientOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const ClientOptions& options() const { return options_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  v1::MatchService::Stub& stub() { return *stub_; }
  // For one call only (gRPC contexts are not reusable).
  grpc::ClientContext* context() { return &context_; }
  // Milliseconds since the constructor ran.
  double ElapsedMs() const;

 private:
  const ClientOptions& options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::MatchService::Stub> stub_;
  grpc::ClientContext context_;
  std::chrono::steady_clock::time_point start_;
};

// Prints the failed call's message to stderr ("helixmatch: server
// unavailable: ..." for UNAVAILABLE, else "helixmatch: request failed:
// ...") and returns the exit status: 1 when the server could not be
// reached (UNAVAILABLE, DEADLINE_EXCEEDED), 2 for a refused request.
int ReportFailure(const grpc::Status& status);

// `message` in the protobuf JSON mapping, indented, with the proto field
// names.
std::string ToJson(const google::protobuf::Message& message);

// Prints ToJson(message) and a newline to stdout; returns 0, the exit
// status of a successful subcommand.
int PrintJson(const google::protobuf::Message& message);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_CONNECTION_H_
