// helixmatch-server: serves a data folder over gRPC (MatchService, health
// checking, reflection) until SIGINT or SIGTERM, then shuts down cleanly
// and saves the vector indexes.
#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "CLI/CLI.hpp"
#include "indexer/default_paths.h"
#include "services/match_service.h"
#include "services/matching_engine.h"
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

  auto engine = helixmatch::MatchingEngine::Open(options);
  if (!engine.ok()) {
    spdlog::error("cannot open data folder '{}': {}", options.data_dir,
                  std::string(engine.status().message()));
    return 1;
  }
  auto server = helixmatch::MatchServer::Start(engine->get(), listen);
  if (!server.ok()) {
    spdlog::error("{}", std::string(server.status().message()));
    return 1;
  }
  const int port = (*server)->port();
  if (!port_file.empty()) {
    std::ofstream(port_file) << port << "\n";
  }
  spdlog::info("helixmatch-server listening on port {} ({})", port, listen);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received signal {}, shutting down", signal_number);
  (*server)->Shutdown();
  server->reset();
  engine->reset();  // saves the vector indexes
  spdlog::info("stopped cleanly");
  return 0;
}
