#include "services/http/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

// Sent with every answer: the app loads nothing from elsewhere, runs no
// inline script and is not framed.
const httplib::Headers& SecurityHeaders() {
  static const auto* headers = new httplib::Headers{
      {"X-Content-Type-Options", "nosniff"},
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
  return *headers;
}

struct HostPort {
  std::string host;
  int port = 0;
};

absl::StatusOr<HostPort> ParseAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HTTP address '", address, "' is not HOST:PORT (e.g. 127.0.0.1:8080)"));
  }
  HostPort hp;
  hp.host = address.substr(0, colon);
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  }
  if (!absl::SimpleAtoi(address.substr(colon + 1), &hp.port) || hp.port < 0 ||
      hp.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP address '", address, "': bad port"));
  }
  return hp;
}

void Answer(httplib::Response& res, const HttpAnswer& answer) {
  res.status = answer.status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(answer.body, answer.content_type.c_str());
}

size_t HeaderBytes(const httplib::Request& req) {
  size_t bytes = 0;
  for (const auto& [name, value] : req.headers) {
    bytes += name.size() + value.size() + 4;  // ": " and CRLF
  }
  return bytes;
}

}  // namespace

absl::Status CheckHttpServerOptions(const HttpServerOptions& options) {
  if (auto address = ParseAddress(options.address); !address.ok()) {
    return address.status();
  }
  if (options.tls.cert.empty()) return absl::OkStatus();
  for (const std::string& file :
       {options.tls.cert, options.tls.key, options.tls.client_ca}) {
    if (!file.empty() && !std::filesystem::is_regular_file(file)) {
      return absl::InvalidArgumentError(
          absl::StrCat("TLS file '", file, "' not found"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    MatchApi* api, ServerMetrics* metrics, const HttpServerOptions& options) {
  if (auto s = CheckHttpServerOptions(options); !s.ok()) return s;
  auto address = ParseAddress(options.address);
  auto server = std::unique_ptr<HttpServer>(new HttpServer());
  server->metrics_ = metrics;
  server->gateway_ =
      std::make_unique<ConnectGateway>(api, metrics, options.limits);
  if (!options.tls.cert.empty()) {
    server->server_ = std::make_unique<httplib::SSLServer>(
        options.tls.cert.c_str(), options.tls.key.c_str(),
        options.tls.client_ca.empty() ? nullptr
                                      : options.tls.client_ca.c_str());
    server->tls_ = true;
  } else {
    server->server_ = std::make_unique<httplib::Server>();
  }
  if (!server->server_->is_valid()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot load the TLS certificate '", options.tls.cert, "', key '",
        options.tls.key, "'",
        options.tls.client_ca.empty()
            ? ""
            : absl::StrCat(" or client CA '", options.tls.client_ca, "'")));
  }
  server->AddRoutes(options);
  httplib::Server& s = *server->server_;
  s.set_read_timeout(options.read_timeout_seconds);
  s.set_write_timeout(options.write_timeout_seconds);
  s.set_keep_alive_timeout(options.keep_alive_seconds);
  s.set_keep_alive_max_count(100);
  // A backstop: each method's own limit is checked while reading.
  s.set_payload_max_length(options.limits.max_stream_bytes);
  // The library's default adds SO_REUSEPORT, with which a second server
  // binds a port already in use and the kernel splits the connections
  // between the two. SO_REUSEADDR alone still allows a quick restart.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  const int threads = options.threads;
  s.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  if (address->port == 0) {
    server->port_ = s.bind_to_any_port(address->host);
  } else if (s.bind_to_port(address->host, address->port)) {
    server->port_ = address->port;
  }
  if (server->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for HTTP on '", options.address, "'"));
  }
  server->thread_ = std::thread([raw = server.get()] {
    raw->server_->listen_after_bind();
    raw->serving_ended_ = true;
  });
  return server;
}

void HttpServer::AddRoutes(const HttpServerOptions& options) {
  httplib::Server& s = *server_;
  s.set_default_headers(SecurityHeaders());
  const size_t max_header_bytes = options.max_header_bytes;
  s.set_pre_routing_handler(
      [max_header_bytes](const httplib::Request& req, httplib::Response& res) {
        if (HeaderBytes(req) <= max_header_bytes) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        Answer(res, ErrorAnswer(431, absl::ResourceExhaustedError(absl::StrCat(
                                         "request headers above ",
                                         max_header_bytes, " bytes"))));
        return httplib::Server::HandlerResponse::Handled;
      });

  const std::string api_pattern =
      R"(/helixmatch\.v1\.MatchService/([A-Za-z]+))";
  s.Post(api_pattern, [this](const httplib::Request& req,
                             httplib::Response& res,
                             const httplib::ContentReader& read) {
    const std::string method = req.matches[1];
    const size_t limit = gateway_->MaxBodyBytes(method);
    const auto too_large = [&] {
      res.set_header("Connection", "close");  // the rest stays unread
      Answer(res, ErrorAnswer(413, absl::ResourceExhaustedError(absl::StrCat(
                                       "body above the limit of ", limit,
                                       " bytes for ", method))));
    };
    std::string body;
    if (limit > 0) {
      // A body above the limit is read to its end but not kept, so the
      // client, still sending, gets the answer; the library refuses one
      // above the largest limit of all before it reaches here.
      bool over = false;
      const bool read_all = read([&](const char* data, size_t length) {
        over = over || body.size() + length > limit;
        if (!over) body.append(data, length);
        return true;
      });
      if (over || !read_all) {
        too_large();
        return;
      }
    }
    std::optional<std::string> authorization;
    if (req.has_header("Authorization")) {
      authorization = req.get_header_value("Authorization");
    }
    Answer(res, gateway_->Call(method, req.get_header_value("Content-Type"),
                               authorization, body));
  });
  // A client that asks first (Expect: 100-continue, as curl does for
  // large bodies) is refused before it sends a body above the limit.
  s.set_expect_100_continue_handler([this](const httplib::Request& req,
                                           httplib::Response& res) {
    const std::string prefix = kMatchServicePath;
    if (req.path.rfind(prefix, 0) != 0) return 100;
    const size_t limit = gateway_->MaxBodyBytes(req.path.substr(prefix.size()));
    if (limit == 0 ||
        req.get_header_value<uint64_t>("Content-Length") <= limit) {
      return 100;
    }
    Answer(res,
           ErrorAnswer(413, absl::ResourceExhaustedError(absl::StrCat(
                                "body above the limit of ", limit, " bytes"))));
    return 413;
  });
  // Connect unary calls are POSTs only.
  s.Get(R"(/helixmatch\.v1\.MatchService/.*)",
        [](const httplib::Request&, httplib::Response& res) {
          res.set_header("Allow", "POST");
          Answer(res, ErrorAnswer(405, absl::UnimplementedError(
                                           "use POST with a JSON body")));
        });

  if (metrics_ != nullptr) {
    s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      res.set_content(metrics_->Scrape(), "text/plain; version=0.0.4");
    });
  }
  if (!options.web_root.empty()) {
    if (!s.set_mount_point("/", options.web_root)) {
      spdlog::warn("web app folder '{}' not found: only the API is served",
                   options.web_root);
    }
    s.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  }
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    res.set_content(absl::StrCat(res.status, "\n"), "text/plain");
  });
  s.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        Answer(res, ErrorAnswer(absl::InternalError("internal error")));
      });
}

HttpServer::~HttpServer() { Shutdown(); }

void HttpServer::Shutdown() {
  if (server_ == nullptr) return;
  // stop() does nothing until the serving thread has begun to listen, so
  // it is repeated until that thread is over.
  while (thread_.joinable() && !serving_ended_) {
    server_->stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace helixmatch
