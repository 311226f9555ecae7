// helixmatch.v1.MatchService as HTTP/JSON, following the unary convention
// of the Connect protocol, without the HTTP server itself (http_server.h
// owns the sockets): a thin adapter over MatchApi, so the same tokens and
// role rules apply as over gRPC.
//
//   POST /helixmatch.v1.MatchService/<Method>
//   Content-Type: application/json       body: the request message in
//                                        protobuf's JSON mapping
//   Authorization: Bearer TOKEN          as the gRPC metadata
//
// 200 answers carry the response message in the same mapping
// (lowerCamelCase names; fields at their default value omitted). An empty
// body stands for the empty message `{}`. The client-streaming methods
// (Ingest, ScreenProposals) take a JSON array of request messages, or JSON
// lines with `Content-Type: application/jsonl` (blank lines skipped).
//
// Errors: `{"code": "not_found", "message": "..."}` with the HTTP status
// Connect assigns to the code (HttpStatusOf). A body that is not valid
// JSON for the message is invalid_argument (400) naming the field, and for
// the streaming methods also the element ("[3]: ..." or "line 4: ...").
// Unknown methods are unimplemented (404), other content types 415.
//
// Limits: a unary body, an array element and a JSONL line are at most
// max_message_bytes (gRPC's message limit); a streaming body at most
// max_stream_bytes. The engine's own limits (k, text length, batch sizes)
// apply as over gRPC.
//
// Thread-safe.
#ifndef HELIXMATCH_SERVICES_HTTP_CONNECT_GATEWAY_H_
#define HELIXMATCH_SERVICES_HTTP_CONNECT_GATEWAY_H_

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "services/monitoring/metrics.h"
#include "services/server/match_api.h"
#include "services/server/match_service.h"

namespace helixmatch {

inline constexpr char kMatchServicePath[] = "/helixmatch.v1.MatchService/";

struct HttpAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// Connect's name of a code ("not_found", "canceled") and its HTTP status.
std::string ConnectCodeName(absl::StatusCode code);
int HttpStatusOf(absl::StatusCode code);
// The error body of `status` (not OK) with its HTTP status.
HttpAnswer ErrorAnswer(const absl::Status& status);
// Same with an HTTP status chosen by the caller (413, 415, 431, ...).
HttpAnswer ErrorAnswer(int http_status, const absl::Status& status);

struct GatewayLimits {
  size_t max_message_bytes = kMaxMessageBytes;
  size_t max_stream_bytes = 64 * 1024 * 1024;
};

class ConnectGateway {
 public:
  // `api` and `metrics` (may be null) are not owned and must outlive the
  // gateway.
  ConnectGateway(MatchApi* api, ServerMetrics* metrics,
                 GatewayLimits limits = {});

  // Whether `method` ("Recommend") is a method of MatchService.
  bool HasMethod(std::string_view method) const;
  // The largest body `method` takes, in bytes; 0 for an unknown method.
  size_t MaxBodyBytes(std::string_view method) const;

  // Answers one call. `content_type` as sent (parameters such as charset
  // allowed); `authorization` the Authorization header, if any. Every
  // call of a known method is counted and logged.
  HttpAnswer Call(std::string_view method, std::string_view content_type,
                  const std::optional<std::string>& authorization,
                  std::string_view body);

 private:
  enum class BodyFormat { kJson, kJsonLines };
  struct Method {
    bool streaming = false;
    // Parses the body, calls the API as `caller`, prints the answer;
    // fills the call's details for the log.
    std::function<HttpAnswer(const Principal& caller, BodyFormat format,
                             std::string_view body, CallSummary* call)>
        run;
  };
  // `fn` is a MatchApi member taking (caller, Request).
  template <typename Request, typename Fn>
  void AddUnary(const char* name, Fn fn);
  // `fn` is a MatchApi member taking (caller, RequestStream<Request>).
  template <typename Request, typename Fn>
  void AddStream(const char* name, Fn fn);

  MatchApi* api_;
  ServerMetrics* metrics_;
  GatewayLimits limits_;
  std::map<std::string, Method, std::less<>> methods_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_HTTP_CONNECT_GATEWAY_H_
