// The HTTP listener of helixmatch-server (cpp-httplib): the Connect-style
// JSON API of connect_gateway.h under /helixmatch.v1.MatchService/,
// Prometheus metrics at GET /metrics, and the web app's static files from
// a folder at /. HTTPS with the same certificate, key and optional client
// CA as the gRPC port, when given.
//
// /metrics and the static files need no token (they hold no records);
// every API call needs what its gRPC twin needs.
#ifndef HELIXMATCH_SERVICES_HTTP_HTTP_SERVER_H_
#define HELIXMATCH_SERVICES_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "services/http/connect_gateway.h"
#include "services/monitoring/metrics.h"
#include "services/server/match_api.h"

namespace httplib {
class Server;
}

namespace helixmatch {

// PEM files. No cert: plain HTTP. client_ca set: clients must present a
// certificate it signed (mutual TLS).
struct TlsFiles {
  std::string cert;
  std::string key;
  std::string client_ca;
};

struct HttpServerOptions {
  // HOST:PORT ("[::1]:8080" for IPv6); port 0 picks a free one.
  std::string address = "127.0.0.1:0";
  // Folder of the web app (index.html and what it loads); empty: none.
  std::string web_root;
  TlsFiles tls;
  GatewayLimits limits;
  // All request headers together, bytes (431 above; the library also
  // refuses a single header line above 8 KiB).
  size_t max_header_bytes = 16 * 1024;
  // Seconds a read or a write on a connection may stall; an idle
  // keep-alive connection is closed after keep_alive_seconds.
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int keep_alive_seconds = 5;
  // Requests served at once; more wait for a thread.
  int threads = 8;
};

// What Start checks before it binds, for a caller that wants to refuse
// bad options before slower work: the address is HOST:PORT with a port in
// 0..65535, and the TLS files, when given, exist. INVALID_ARGUMENT naming
// the address or the file.
absl::Status CheckHttpServerOptions(const HttpServerOptions& options);

class HttpServer {
 public:
  // Binds and starts serving on a thread of its own. `api` and `metrics`
  // (may be null: no /metrics) are not owned and must outlive the server.
  // INVALID_ARGUMENT for a bad address or TLS files that do not load,
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      MatchApi* api, ServerMetrics* metrics, const HttpServerOptions& options);
  // Shuts down.
  ~HttpServer();

  int port() const { return port_; }
  bool tls() const { return tls_; }
  // Stops accepting connections, lets requests in progress finish and
  // returns when the serving thread has ended. Later calls do nothing.
  void Shutdown();

 private:
  HttpServer() = default;
  void AddRoutes(const HttpServerOptions& options);

  std::unique_ptr<ConnectGateway> gateway_;
  ServerMetrics* metrics_ = nullptr;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> serving_ended_ = false;  // set by thread_ at its end
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_HTTP_HTTP_SERVER_H_
