// helixmatch-server: serves a data folder over gRPC (MatchService, health
// checking, reflection) and, with --http-listen, over HTTP (the same
// MatchService as JSON, /metrics and the web app) until SIGINT or SIGTERM,
// then shuts down cleanly and saves the vector indexes. Both ports take
// the same tokens, audit log and, with --tls-cert, the same TLS; neither
// listens beyond loopback without a tokens file, nor without TLS unless
// --allow-insecure. SIGHUP reloads the tokens file (a bad file keeps the
// old tokens, and the log says why) and reopens the audit log.
//
// Replication (services/replication/): with --publish-dir the server is
// the writer and publishes a checksummed snapshot there every
// --publish-seconds when the store changed; with --replica-of it is a
// read replica that serves the newest snapshot of that folder (copied
// into --db), swaps in newer ones as they appear, refuses writes, and
// reports NOT_SERVING on grpc.health.v1 until its first snapshot loaded.
#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
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
#include "services/replication/snapshot_follower.h"
#include "services/replication/snapshot_publisher.h"
#include "services/server/audit_log.h"
#include "services/server/match_service.h"
#include "services/server/principals.h"
#include "services/server/transport_security.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

struct ServerOptions {
  EngineOptions engine;
  std::string listen = "127.0.0.1:50051";
  std::string port_file;
  std::string principals_path;
  int index_save_seconds = 300;
  std::string health_listen;  // empty: no plaintext health port
  std::string http_listen;    // empty: no HTTP port
  std::string http_port_file;
  std::string web_root = HELIXMATCH_WEB_ROOT;
  TlsFiles tls;
  bool allow_insecure = false;
  std::string audit_log;
  std::string backup_root;
  std::string log_format = "text";
  std::string log_level = "info";
  PublisherOptions publish{"", 30, 3};
  FollowerOptions replica;  // publish_dir empty: not a replica
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
                 "Tokens file: sha256:HEX ROLE [ORGANIZATION_ID] per line "
                 "(`helixmatch token hash` prints one), mode 600; SIGHUP "
                 "reloads it. Without it every caller is an operator and "
                 "the server listens on loopback only");
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
  app.add_option("--health-listen", options.health_listen,
                 "Also serve grpc.health.v1 alone, in plaintext, on "
                 "HOST:PORT (for Kubernetes' gRPC probes, which cannot "
                 "speak TLS); it tells nothing but SERVING or NOT_SERVING");
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
  app.add_flag("--allow-insecure", options.allow_insecure,
               "Serve plaintext on a non-loopback address (behind a "
               "TLS-terminating proxy on a trusted network); a tokens file "
               "is still required there");
  app.add_option("--audit-log", options.audit_log,
                 "Append every write and every refused call to this file, "
                 "one JSON object per line (SIGHUP reopens it)");
  app.add_option("--backup-root", options.backup_root,
                 "Folder Backup writes under (relative backup folders are "
                 "resolved in it); without it Backup is refused");
  app.add_option("--log-format", options.log_format,
                 "text or json (one object per line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-level", options.log_level,
                 "trace, debug, info (one line per request), warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember(
          {"trace", "debug", "info", "warn", "error", "critical", "off"}));
  auto* publish_dir = app.add_option(
      "--publish-dir", options.publish.publish_dir,
      "Writer: publish a checksummed snapshot of the data (RocksDB "
      "checkpoint plus both indexes) into DIR/<sequence>/ and point "
      "DIR/LATEST at it, for read replicas (--replica-of DIR)");
  app.add_option("--publish-seconds", options.publish.seconds,
                 "Publish this often when records changed (and once at "
                 "start)")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400))
      ->needs(publish_dir);
  app.add_option("--publish-keep", options.publish.keep,
                 "Snapshots kept in --publish-dir (the newest)")
      ->capture_default_str()
      ->check(CLI::Range(2, 1000))
      ->needs(publish_dir);
  auto* replica_of =
      app.add_option(
             "--replica-of", options.replica.publish_dir,
             "Read replica: serve the newest snapshot in DIR (a writer's "
             "--publish-dir), copied into --db, and follow newer ones; writes "
             "are refused")
          ->excludes(publish_dir);
  app.add_option("--replica-poll-ms", options.replica.poll_ms,
                 "Look for a newer snapshot this often")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000))
      ->needs(replica_of);
}

void WritePortFile(const std::string& path, int port) {
  if (!path.empty()) std::ofstream(path) << port << "\n";
}

// What the security flags load, before the (slow) engine start.
struct Security {
  std::unique_ptr<ReloadablePrincipals> principals;  // null: no tokens file
  std::optional<TlsMaterial> tls;                    // for gRPC
  std::unique_ptr<AuditLog> audit;                   // null: none
};

// The principals of the tokens file `path`; null for an empty path (no
// tokens file: every caller is an operator, logged as a warning).
absl::StatusOr<std::unique_ptr<ReloadablePrincipals>> LoadPrincipals(
    const std::string& path) {
  if (path.empty()) {
    spdlog::warn(
        "no --principals file: every caller has the operator role; "
        "listening on loopback only");
    return nullptr;
  }
  auto principals = ReloadablePrincipals::Load(path);
  if (!principals.ok()) return principals.status();
  spdlog::info("{} principals loaded from {}", (*principals)->size(), path);
  return principals;
}

// Loads the tokens file, the TLS material and the audit log, and checks
// where each listener may listen (both ports: the same rule).
absl::StatusOr<Security> LoadSecurity(const ServerOptions& options) {
  Security security;
  auto principals = LoadPrincipals(options.principals_path);
  if (!principals.ok()) return principals.status();
  security.principals = std::move(*principals);
  auto tls =
      LoadTlsMaterial(options.tls.cert, options.tls.key, options.tls.client_ca);
  if (!tls.ok()) return tls.status();
  security.tls = std::move(*tls);
  for (const std::string* address : {&options.listen, &options.http_listen}) {
    if (address->empty()) continue;
    if (auto s = CheckListenSecurity(*address, security.tls.has_value(),
                                     security.principals != nullptr,
                                     options.allow_insecure);
        !s.ok()) {
      return s;
    }
  }
  if (!options.audit_log.empty()) {
    auto audit = AuditLog::Open(options.audit_log);
    if (!audit.ok()) return audit.status();
    security.audit = std::move(*audit);
  }
  return security;
}

// What SIGHUP does: reload the tokens file (keeping the old tokens when
// the new file is bad) and reopen the audit log.
void Reload(ReloadablePrincipals* principals, AuditLog* audit) {
  if (principals == nullptr) {
    spdlog::info("SIGHUP: no tokens file to reload");
  } else if (auto s = principals->Reload(); !s.ok()) {
    spdlog::error("SIGHUP: tokens file not reloaded, the old tokens stay: {}",
                  std::string(s.message()));
  } else {
    spdlog::info("SIGHUP: {} principals reloaded from {}", principals->size(),
                 principals->path());
  }
  if (audit != nullptr) {
    if (auto s = audit->Reopen(); !s.ok()) {
      spdlog::error("SIGHUP: {}", std::string(s.message()));
    }
  }
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

// The HTTP listener of --http-listen over `api`; null without one.
absl::StatusOr<std::unique_ptr<HttpServer>> StartHttp(
    const ServerOptions& options, const HttpServerOptions& http_options,
    MatchApi* api, ServerMetrics* metrics) {
  if (options.http_listen.empty()) return nullptr;
  auto http = HttpServer::Start(api, metrics, http_options);
  if (!http.ok()) return http.status();
  const HttpServer& h = **http;
  spdlog::info(
      "HTTP on port {} ({}{}): web app at {}://{}:{}/", h.port(),
      options.http_listen, h.tls() ? ", TLS" : "", h.tls() ? "https" : "http",
      options.http_listen.substr(0, options.http_listen.rfind(':')), h.port());
  WritePortFile(options.http_port_file, h.port());
  return http;
}

// Serves until SIGINT or SIGTERM, and reloads on SIGHUP; the caller has
// blocked all three in every thread (`signals`). Returns the exit status.
int Serve(const ServerOptions& options, const sigset_t& signals) {
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
  // Every engine this process opens (a replica opens one per snapshot)
  // ranks with the same model.
  EngineOptions engine_options = options.engine;
  auto ranker = LearnedRanker::FromFlag(options.ranking_model);
  if (!ranker.ok()) {
    spdlog::error("--ranking-model: {}",
                  std::string(ranker.status().message()));
    return 1;
  }
  engine_options.ranker = std::move(*ranker);
  auto security = LoadSecurity(options);
  if (!security.ok()) {
    spdlog::error("{}", std::string(security.status().message()));
    return 1;
  }
  const bool replica = !options.replica.publish_dir.empty();
  const bool writer = !options.publish.publish_dir.empty();
  // A writer or a standalone server opens its data folder now; a replica
  // starts empty and fills its slot from the writer's snapshots.
  std::shared_ptr<MatchingEngine> engine;
  if (!replica) {
    auto opened = MatchingEngine::Open(engine_options);
    if (!opened.ok()) {
      spdlog::error("cannot start on data folder '{}': {}",
                    options.engine.data_dir,
                    std::string(opened.status().message()));
      return 1;
    }
    engine = std::move(*opened);
  }
  EngineSlot slot(engine, replica  ? ServerRole::kReplica
                          : writer ? ServerRole::kWriter
                                   : ServerRole::kStandalone);
  ServerMetrics metrics(&slot, HELIXMATCH_VERSION);
  MatchApiOptions api_options;
  api_options.principals = security->principals.get();
  api_options.audit = security->audit.get();
  api_options.backup_root = options.backup_root;
  MatchServerOptions server_options;
  server_options.api = api_options;
  server_options.tls = security->tls;
  server_options.allow_insecure = options.allow_insecure;
  server_options.metrics = &metrics;
  server_options.health_address = options.health_listen;
  auto server =
      MatchServer::Start(&slot, options.listen, std::move(server_options));
  if (!server.ok()) {
    spdlog::error("{}", std::string(server.status().message()));
    return 1;
  }
  // HTTP calls the same MatchApi, so the same checks, over the same
  // engine, tokens and audit log.
  MatchApi http_api(&slot, api_options);
  auto http = StartHttp(options, http_options, &http_api, &metrics);
  if (!http.ok()) {
    spdlog::error("{}", std::string(http.status().message()));
    return 1;
  }
  std::unique_ptr<SnapshotFollower> follower;
  if (replica) {
    FollowerOptions follow = options.replica;
    follow.work_dir = options.engine.data_dir;
    follow.engine = engine_options;
    MatchServer* grpc_server = server->get();
    auto started = SnapshotFollower::Start(
        &slot, std::move(follow),
        [grpc_server](const SnapshotInfo&) { grpc_server->SetServing(true); });
    if (!started.ok()) {
      spdlog::error("{}", std::string(started.status().message()));
      return 1;
    }
    follower = std::move(*started);
  }
  std::unique_ptr<SnapshotPublisher> publisher;
  if (writer) {
    auto started =
        SnapshotPublisher::Start(engine.get(), &slot, options.publish);
    if (!started.ok()) {
      spdlog::error("{}", std::string(started.status().message()));
      return 1;
    }
    publisher = std::move(*started);
  }
  const int port = (*server)->port();
  // Written last: a port file tells scripts that every port is up.
  WritePortFile(options.port_file, port);
  spdlog::info("helixmatch-server ({}) listening on port {} ({}, {})",
               ServerRoleName(slot.role()), port, options.listen,
               !security->tls            ? "plaintext"
               : security->tls->mutual() ? "mutual TLS"
                                         : "TLS");

  std::unique_ptr<PeriodicIndexSaver> saver;
  if (engine != nullptr) {
    saver = std::make_unique<PeriodicIndexSaver>(engine.get(),
                                                 options.index_save_seconds);
  }
  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    Reload(security->principals.get(), security->audit.get());
  }
  spdlog::info("received signal {}, shutting down", signal_number);
  saver.reset();
  publisher.reset();
  follower.reset();
  if (*http != nullptr) (*http)->Shutdown();
  (*server)->Shutdown();
  server->reset();
  slot.Release();
  engine.reset();  // saves the vector indexes (not a replica's copies)
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

  // Block the stop and reload signals in every thread; Serve waits for
  // them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return Serve(options, signals);
}

}  // namespace
}  // namespace helixmatch

int main(int argc, char** argv) { return helixmatch::RunServer(argc, argv); }
