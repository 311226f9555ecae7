#include "services/cli/connection.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>

namespace helixmatch {

void AddClientOptions(CLI::App& app, ClientOptions& options) {
  app.add_option("--server", options.server, "host:port of helixmatch-server")
      ->capture_default_str();
  app.add_option("--timeout-ms", options.timeout_ms, "Deadline of each call")
      ->capture_default_str();
  app.add_flag("--json", options.json, "Print the answer as JSON");
  if (const char* env = std::getenv("HELIXMATCH_TOKEN")) options.token = env;
  app.add_option("--token", options.token,
                 "API token (default: $HELIXMATCH_TOKEN)");
}

Connection::Connection(const ClientOptions& options)
    : options_(options),
      channel_(grpc::CreateChannel(options.server,
                                   grpc::InsecureChannelCredentials())),
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
