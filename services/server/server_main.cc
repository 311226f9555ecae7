// helixmatch-server: serves a data folder over gRPC (MatchService, health
// checking, reflection) and, with --http-listen, over HTTP (the same
// MatchService as JSON, /metrics and the web app) until SIGINT or SIGTERM,
// then shuts down cleanly and saves the vector indexes. Both ports take
// the same tokens and, with --tls-cert, the same TLS.
#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "indexer/default_paths.h"
#include "services/engine/matching_engine.h"
#include "services/http/http_server.h"
#include "services/monitoring/logging.h"
#include "services/monitoring/metrics.h"
#include "services/server/match_service.h"
#include "services/server/principals.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

struct ServerOptions {
  EngineOptions engine;
  std::string listen = "127.0.0.1:50051";
  std::string port_file;
  std::string principals_path;
  int index_save_seconds = 300;
  std::string http_listen;  // empty: no HTTP port
  std::string http_port_file;
  std::string web_root = HELIXMATCH_WEB_ROOT;
  TlsFiles tls;
  std::string log_format = "text";
  std::string log_level = "info";
  std::string ranking_model = "default";
};

void AddServerOptions(CLI::App& app, ServerOptions& options) {
  app.add_option("--db", options.engine.data_dir,
                 "Data folder (from "
                 "helixmatch-indexer import)")
      ->required();
  app.add_option("--listen", options.listen,
                 "Address to listen on; port 0 picks a "
                 "free one")
      ->capture_default_str();
  app.add_option("--word-vectors", options.engine.word_vectors_path,
                 "GloVe file from scripts/fetch-word-vectors.sh")
      ->capture_default_str();
  app.add_option("--ranking-model", options.ranking_model,
                 "Learned ranker: 'default' (the model built in from "
                 "data/ranking/), a model file from scripts/fit-ranking.sh, "
                 "or 'none' for the weighted sum")
      ->capture_default_str();
  app.add_option("--port-file", options.port_file,
                 "Write the port actually bound to this file");
  app.add_option("--reference-year", options.engine.reference_year,
                 "Year trust recency is measured from (0: this year)");
  app.add_option("--programmes", options.engine.programmes_path,
                 "Programme rules: a YAML file or a folder of them "
                 "(enables ScreenProposal)");
  app.add_option("--principals", options.principals_path,
                 "Tokens file: TOKEN ROLE [ORGANIZATION_ID] per line; "
                 "without it every caller is an operator");
  app.add_option("--index-save-seconds", options.index_save_seconds,
                 "Save the vector indexes this often when records changed, "
                 "so a restart after a crash replays little (0: only at "
                 "shutdown)")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  app.add_option("--http-listen", options.http_listen,
                 "Also serve HTTP on HOST:PORT: MatchService as JSON "
                 "(POST /helixmatch.v1.MatchService/METHOD), /metrics and "
                 "the web app at /; port 0 picks a free one (default: no "
                 "HTTP)");
  app.add_option("--http-port-file", options.http_port_file,
                 "Write the HTTP port actually bound to this file");
  app.add_option("--web-root", options.web_root,
                 "Folder of the web app served at / on the HTTP port")
      ->capture_default_str();
  app.add_option("--tls-cert", options.tls.cert,
                 "PEM certificate chain: serve gRPC and HTTP over TLS");
  app.add_option("--tls-key", options.tls.key, "PEM private key of --tls-cert");
  app.add_option("--tls-client-ca", options.tls.client_ca,
                 "PEM CA certificates: require client certificates they "
                 "signed (mutual TLS), on both ports");
  app.add_option("--log-format", options.log_format,
                 "text or json (one object per line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-level", options.log_level,
                 "trace, debug, info (one line per request), warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember(
          {"trace", "debug", "info", "warn", "error", "critical", "off"}));
}

absl::StatusOr<std::string> ReadPem(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read '", path, "'"));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The gRPC credentials of `tls`: null (plaintext) without a certificate.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcCredentials(
    const TlsFiles& tls) {
  if (tls.cert.empty() && tls.key.empty() && tls.client_ca.empty()) {
    return nullptr;
  }
  if (tls.cert.empty() || tls.key.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key go together (and --tls-client-ca needs "
        "them)");
  }
  auto cert = ReadPem(tls.cert);
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(tls.key);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!tls.client_ca.empty()) {
    auto ca = ReadPem(tls.client_ca);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

void WritePortFile(const std::string& path, int port) {
  if (!path.empty()) std::ofstream(path) << port << "\n";
}

// The table of the tokens file `path`; null for an empty path (no tokens
// file: every caller is an operator, logged as a warning).
absl::StatusOr<std::unique_ptr<PrincipalTable>> LoadPrincipals(
    const std::string& path) {
  if (path.empty()) {
    spdlog::warn("no --principals file: every caller has the operator role");
    return nullptr;
  }
  auto table = PrincipalTable::Load(path);
  if (!table.ok()) return table.status();
  auto principals = std::make_unique<PrincipalTable>(std::move(*table));
  spdlog::info("{} principals loaded from {}", principals->size(), path);
  return principals;
}

// Saves the engine's vector indexes every `seconds` (0: never) when records
// changed since the last save, on a thread of its own, until destroyed.
// Periodic saves bound the log a restart after a crash replays.
class PeriodicIndexSaver {
 public:
  // `engine` is not owned and must outlive the saver.
  PeriodicIndexSaver(MatchingEngine* engine, int seconds)
      : engine_(engine), seconds_(seconds), thread_([this] { Run(); }) {}
  // Stops the thread, waiting for a save in progress.
  ~PeriodicIndexSaver() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    if (seconds_ == 0) return;
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(seconds_),
                         [&] { return stopping_; })) {
      if (engine_->ChangesSinceSave() == 0) continue;
      lock.unlock();
      if (auto s = engine_->SaveIndexes(); !s.ok()) {
        spdlog::warn("periodic index save failed: {}",
                     std::string(s.message()));
      }
      lock.lock();
    }
  }

  MatchingEngine* const engine_;
  const int seconds_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;     // last: starts after the fields it reads
};

// Serves until SIGINT or SIGTERM, which the caller has blocked in every
// thread (`stop_signals`); returns the exit status.
int Serve(const ServerOptions& options, const sigset_t& stop_signals) {
  auto principals = LoadPrincipals(options.principals_path);
  if (!principals.ok()) {
    spdlog::error("{}", std::string(principals.status().message()));
    return 1;
  }
  auto credentials = GrpcCredentials(options.tls);
  if (!credentials.ok()) {
    spdlog::error("{}", std::string(credentials.status().message()));
    return 1;
  }
  HttpServerOptions http_options;
  http_options.address = options.http_listen;
  http_options.web_root = options.web_root;
  http_options.tls = options.tls;
  // Checked before the engine loads its word vectors, to fail fast.
  if (!options.http_listen.empty()) {
    if (auto s = CheckHttpServerOptions(http_options); !s.ok()) {
      spdlog::error("--http-listen: {}", std::string(s.message()));
      return 1;
    }
  }
  EngineOptions engine_options = options.engine;
  auto ranker = LearnedRanker::FromFlag(options.ranking_model);
  if (!ranker.ok()) {
    spdlog::error("--ranking-model: {}",
                  std::string(ranker.status().message()));
    return 1;
  }
  engine_options.ranker = std::move(*ranker);
  auto engine = MatchingEngine::Open(engine_options);
  if (!engine.ok()) {
    spdlog::error("cannot start on data folder '{}': {}",
                  options.engine.data_dir,
                  std::string(engine.status().message()));
    return 1;
  }
  ServerMetrics metrics(engine->get(), HELIXMATCH_VERSION);
  auto server = MatchServer::Start(engine->get(), options.listen,
                                   principals->get(), &metrics, *credentials);
  if (!server.ok()) {
    spdlog::error("{}", std::string(server.status().message()));
    return 1;
  }
  // HTTP calls the same MatchApi, so the same checks, over the same
  // engine and tokens.
  MatchApi http_api(engine->get(), principals->get());
  std::unique_ptr<HttpServer> http;
  if (!options.http_listen.empty()) {
    auto started = HttpServer::Start(&http_api, &metrics, http_options);
    if (!started.ok()) {
      spdlog::error("{}", std::string(started.status().message()));
      return 1;
    }
    http = std::move(*started);
    spdlog::info("HTTP on port {} ({}{}): web app at {}://{}:{}/", http->port(),
                 options.http_listen, http->tls() ? ", TLS" : "",
                 http->tls() ? "https" : "http",
                 options.http_listen.substr(0, options.http_listen.rfind(':')),
                 http->port());
    WritePortFile(options.http_port_file, http->port());
  }
  const int port = (*server)->port();
  // Written last: a port file tells scripts that every port is up.
  WritePortFile(options.port_file, port);
  spdlog::info("helixmatch-server listening on port {} ({}{})", port,
               options.listen, *credentials != nullptr ? ", TLS" : "");

  auto saver = std::make_unique<PeriodicIndexSaver>(engine->get(),
                                                    options.index_save_seconds);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received signal {}, shutting down", signal_number);
  saver.reset();
  if (http != nullptr) http->Shutdown();
  (*server)->Shutdown();
  server->reset();
  engine->reset();  // saves the vector indexes
  spdlog::info("stopped cleanly");
  return 0;
}

int RunServer(int argc, char** argv) {
  CLI::App app{
      "helixmatch-server: partner suggestions with barrier "
      "explanations over gRPC"};
  ServerOptions options;
  options.engine.word_vectors_path = DefaultWordVectorsPath();
  AddServerOptions(app, options);
  CLI11_PARSE(app, argc, argv);
  // Parallelise across requests, not inside one (and keep in-place index
  // upgrades deterministic).
  omp_set_num_threads(1);
  // Logs go to stderr; stdout stays free for tools.
  auto format = ParseLogFormat(options.log_format);
  if (auto s = format.ok() ? ConfigureLogging("helixmatch-server", *format,
                                              options.log_level)
                           : format.status();
      !s.ok()) {
    std::fprintf(stderr, "helixmatch-server: %s\n",
                 std::string(s.message()).c_str());
    return 2;
  }

  // Block the stop signals in every thread; Serve waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return Serve(options, stop_signals);
}

}  // namespace
}  // namespace helixmatch

int main(int argc, char** argv) { return helixmatch::RunServer(argc, argv); }
