// Server logs: spdlog on stderr as plain text or as one JSON object per
// line, and the one line per request that both transports write.
//
// A request line carries the transport, method, principal, status,
// latency and, for Recommend, k and the candidates considered; never
// record ids or text from the request.
//
// Thread safety: ConfigureLogging once at start, before other threads log;
// LogRequest from any thread.
#ifndef HELIXMATCH_SERVICES_MONITORING_LOGGING_H_
#define HELIXMATCH_SERVICES_MONITORING_LOGGING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace helixmatch {

enum class LogFormat { kText, kJson };

// "text" or "json"; INVALID_ARGUMENT otherwise.
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name);

// Makes a logger called `name` on stderr the default, in `format`, at
// `level` (spdlog's names: trace, debug, info, warn, error, critical,
// off; INVALID_ARGUMENT for others). JSON lines hold "time" (UTC,
// RFC 3339 with milliseconds), "level", "logger" and "message", or the
// fields of a request line instead of "message".
absl::Status ConfigureLogging(const std::string& name, LogFormat format,
                              const std::string& level);

enum class Transport { kGrpc, kHttp };
std::string_view TransportName(Transport transport);  // "grpc", "http"

// One finished call, as the request log and the metrics see it.
struct CallSummary {
  Transport transport = Transport::kGrpc;
  std::string_view method;  // e.g. "Recommend"
  // The caller: "operator" or the organization id of an organization or
  // programme; "-" when it was not authenticated.
  std::string principal = "-";
  absl::StatusCode code = absl::StatusCode::kOk;
  double seconds = 0;
  int k = 0;                // Recommend's k; 0 for other methods
  int64_t candidates = -1;  // Recommend's candidates considered; -1: none
  int http_status = 0;      // HTTP only; 0 for gRPC
};

// Writes the request line at info level (warn for INTERNAL, UNKNOWN and
// DATA_LOSS) on the default logger.
void LogRequest(const CallSummary& call);

// The status code's canonical name, e.g. "NOT_FOUND".
std::string StatusCodeName(absl::StatusCode code);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_MONITORING_LOGGING_H_
