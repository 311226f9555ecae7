// Client side of the standard gRPC health check (grpc.health.v1.Health/
// Check) without its generated code, which Debian does not ship: the
// request for the whole server is empty and the answer is one enum field.
#ifndef HELIXMATCH_SERVICES_CLI_HEALTH_PROBE_H_
#define HELIXMATCH_SERVICES_CLI_HEALTH_PROBE_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace helixmatch {

// The server's overall status: "SERVING", "NOT_SERVING", "UNKNOWN" or
// "SERVICE_UNKNOWN". Waits for the channel to connect, at most `timeout`
// in all. Errors: the call's gRPC code (DEADLINE_EXCEEDED or UNAVAILABLE
// when the server cannot be reached in time) with the message prefixed
// "health check: "; DATA_LOSS for an answer that cannot be read.
// Thread-safe; blocks the calling thread.
absl::StatusOr<std::string> CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel,
    std::chrono::milliseconds timeout);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_HEALTH_PROBE_H_
