// helixmatch-server: serves a data folder over gRPC (MatchService, health
// checking, reflection) until SIGINT or SIGTERM, then shuts down cleanly
// and saves the vector indexes. SIGHUP reloads the tokens file (a bad
// file keeps the old tokens, and the log says why) and reopens the audit
// log.
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
#include "indexer/default_paths.h"
#include "services/engine/matching_engine.h"
#include "services/server/audit_log.h"
#include "services/server/match_service.h"
#include "services/server/principals.h"
#include "services/server/transport_security.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

struct ServerOptions {
  EngineOptions engine;
  std::string listen = "127.0.0.1:50051";
  std::string port_file;
  std::string principals_path;
  int index_save_seconds = 300;
  std::string tls_cert, tls_key, tls_client_ca;
  bool allow_insecure = false;
  std::string audit_log;
  std::string backup_root;
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
  app.add_option("--tls-cert", options.tls_cert,
                 "Server certificate chain (PEM); with --tls-key: TLS");
  app.add_option("--tls-key", options.tls_key, "Server private key (PEM)");
  app.add_option("--tls-client-ca", options.tls_client_ca,
                 "CA certificates (PEM) client certificates must chain to: "
                 "mutual TLS, every client presents one");
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
  app.add_option("--index-save-seconds", options.index_save_seconds,
                 "Save the vector indexes this often when records changed, "
                 "so a restart after a crash replays little (0: only at "
                 "shutdown)")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
}

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

// Serves until SIGINT or SIGTERM, and reloads on SIGHUP; the caller has
// blocked all three in every thread (`signals`). Returns the exit status.
int Serve(const ServerOptions& options, const sigset_t& signals) {
  auto principals = LoadPrincipals(options.principals_path);
  if (!principals.ok()) {
    spdlog::error("{}", std::string(principals.status().message()));
    return 1;
  }
  auto tls =
      LoadTlsMaterial(options.tls_cert, options.tls_key, options.tls_client_ca);
  if (!tls.ok()) {
    spdlog::error("{}", std::string(tls.status().message()));
    return 1;
  }
  // Refused before the (slow) engine start.
  if (auto s =
          CheckListenSecurity(options.listen, tls->has_value(),
                              *principals != nullptr, options.allow_insecure);
      !s.ok()) {
    spdlog::error("{}", std::string(s.message()));
    return 1;
  }
  std::unique_ptr<AuditLog> audit;
  if (!options.audit_log.empty()) {
    auto opened = AuditLog::Open(options.audit_log);
    if (!opened.ok()) {
      spdlog::error("{}", std::string(opened.status().message()));
      return 1;
    }
    audit = std::move(*opened);
  }
  auto engine = MatchingEngine::Open(options.engine);
  if (!engine.ok()) {
    spdlog::error("cannot start on data folder '{}': {}",
                  options.engine.data_dir,
                  std::string(engine.status().message()));
    return 1;
  }
  MatchServerOptions server_options;
  server_options.api.principals = principals->get();
  server_options.api.audit = audit.get();
  server_options.api.backup_root = options.backup_root;
  server_options.tls = *tls;
  server_options.allow_insecure = options.allow_insecure;
  auto server = MatchServer::Start(engine->get(), options.listen,
                                   std::move(server_options));
  if (!server.ok()) {
    spdlog::error("{}", std::string(server.status().message()));
    return 1;
  }
  const int port = (*server)->port();
  if (!options.port_file.empty()) {
    std::ofstream(options.port_file) << port << "\n";
  }
  spdlog::info("helixmatch-server listening on port {} ({}, {})", port,
               options.listen,
               !tls->has_value()  ? "plaintext"
               : (*tls)->mutual() ? "mutual TLS"
                                  : "TLS");

  auto saver = std::make_unique<PeriodicIndexSaver>(engine->get(),
                                                    options.index_save_seconds);
  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    Reload(principals->get(), audit.get());
  }
  spdlog::info("received signal {}, shutting down", signal_number);
  saver.reset();
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
  spdlog::set_default_logger(spdlog::stderr_color_mt("helixmatch-server"));

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
