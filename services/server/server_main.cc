// helixmatch-server: serves a data folder over gRPC (MatchService, health
// checking, reflection) until SIGINT or SIGTERM, then shuts down cleanly
// and saves the vector indexes.
#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "indexer/default_paths.h"
#include "services/matching_engine.h"
#include "services/server/match_service.h"
#include "services/server/principals.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  CLI::App app{
      "helixmatch-server: partner suggestions with barrier "
      "explanations over gRPC"};
  helixmatch::EngineOptions options;
  options.word_vectors_path = helixmatch::DefaultWordVectorsPath();
  std::string listen = "127.0.0.1:50051";
  std::string port_file;
  app.add_option("--db", options.data_dir,
                 "Data folder (from "
                 "helixmatch-indexer import)")
      ->required();
  app.add_option("--listen", listen,
                 "Address to listen on; port 0 picks a "
                 "free one")
      ->capture_default_str();
  app.add_option("--word-vectors", options.word_vectors_path,
                 "GloVe file from scripts/fetch-word-vectors.sh")
      ->capture_default_str();
  app.add_option("--port-file", port_file,
                 "Write the port actually bound to this file");
  app.add_option("--reference-year", options.reference_year,
                 "Year trust recency is measured from (0: this year)");
  app.add_option("--programmes", options.programmes_path,
                 "Programme rules: a YAML file or a folder of them "
                 "(enables ScreenProposal)");
  std::string principals_path;
  app.add_option("--principals", principals_path,
                 "Tokens file: TOKEN ROLE [ORGANIZATION_ID] per line; "
                 "without it every caller is an operator");
  int index_save_seconds = 300;
  app.add_option("--index-save-seconds", index_save_seconds,
                 "Save the vector indexes this often when records changed, "
                 "so a restart after a crash replays little (0: only at "
                 "shutdown)")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  CLI11_PARSE(app, argc, argv);
  // Parallelise across requests, not inside one (and keep in-place index
  // upgrades deterministic).
  omp_set_num_threads(1);
  // Logs go to stderr; stdout stays free for tools.
  spdlog::set_default_logger(spdlog::stderr_color_mt("helixmatch-server"));

  // Block the stop signals in every thread; main waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<helixmatch::PrincipalTable> principals;
  if (!principals_path.empty()) {
    auto table = helixmatch::PrincipalTable::Load(principals_path);
    if (!table.ok()) {
      spdlog::error("{}", std::string(table.status().message()));
      return 1;
    }
    principals =
        std::make_unique<helixmatch::PrincipalTable>(std::move(*table));
    spdlog::info("{} principals loaded from {}", principals->size(),
                 principals_path);
  } else {
    spdlog::warn("no --principals file: every caller has the operator role");
  }
  auto engine = helixmatch::MatchingEngine::Open(options);
  if (!engine.ok()) {
    spdlog::error("cannot start on data folder '{}': {}", options.data_dir,
                  std::string(engine.status().message()));
    return 1;
  }
  auto server =
      helixmatch::MatchServer::Start(engine->get(), listen, principals.get());
  if (!server.ok()) {
    spdlog::error("{}", std::string(server.status().message()));
    return 1;
  }
  const int port = (*server)->port();
  if (!port_file.empty()) {
    std::ofstream(port_file) << port << "\n";
  }
  spdlog::info("helixmatch-server listening on port {} ({})", port, listen);

  // Periodic index saves bound the log a restart after a crash replays.
  std::mutex saver_mu;
  std::condition_variable saver_cv;
  bool stopping = false;
  std::thread saver([&] {
    if (index_save_seconds == 0) return;
    std::unique_lock<std::mutex> lock(saver_mu);
    while (!saver_cv.wait_for(lock, std::chrono::seconds(index_save_seconds),
                              [&] { return stopping; })) {
      if ((*engine)->ChangesSinceSave() == 0) continue;
      lock.unlock();
      if (auto s = (*engine)->SaveIndexes(); !s.ok()) {
        spdlog::warn("periodic index save failed: {}",
                     std::string(s.message()));
      }
      lock.lock();
    }
  });

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received signal {}, shutting down", signal_number);
  {
    std::lock_guard<std::mutex> lock(saver_mu);
    stopping = true;
  }
  saver_cv.notify_all();
  saver.join();
  (*server)->Shutdown();
  server->reset();
  engine->reset();  // saves the vector indexes
  spdlog::info("stopped cleanly");
  return 0;
}
