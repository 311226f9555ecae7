// helixmatch-crash-harness: crash-recovery test of a real helixmatch-server.
//
// Writer threads stream upserts, batches, replacements and deletes to the
// server and record every acknowledgement. At a random moment the server
// gets SIGKILL; it is restarted on the same data folder (sometimes killed
// again while it starts), the time until its health check answers SERVING
// is measured, and then every acknowledged write must be present with the
// acknowledged content and searchable, every acknowledged delete gone from
// Get and Recommend. A call that got no answer may or may not have taken
// effect: it counts neither way, but its record is never written again and
// a batch must be found whole or not at all. Writers then go on. Between
// some rounds the server is stopped with SIGTERM, so that it saves its
// vector indexes and later recoveries start from them (half of these stops
// are cut short by SIGKILL). After the last kill the server is stopped
// cleanly and checked once more.
//
// Progress goes to stderr. stdout ends with two lines, the required one
// last:
//   recovery_ms_median=... recovery_ms_max=... writes_per_s=... (details)
//   kills=N acked_writes=N lost_writes=N acked_deletes=N resurrected=N
// Exit status: 0 when nothing was lost, resurrected or otherwise wrong;
// 1 when something was (the work folder is kept); 2 for bad usage.
#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "indexer/atomic_file.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"
#include "tests/crash/durability_check.h"
#include "tests/crash/record_writer.h"
#include "tests/crash/server_process.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch::crash {
namespace {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

struct HarnessOptions {
  std::string server_binary = HELIXMATCH_SERVER_BINARY;
  std::string word_vectors;  // empty: synthetic vectors in the work folder
  std::string work_dir;      // empty: a fresh temporary folder
  std::vector<std::string> server_args;  // more server flags
  int kills = 50;
  uint64_t seed = 0;  // 0: from std::random_device (printed)
  int writers = 4;
  int min_kill_ms = 20;
  int max_kill_ms = 1000;
  int search_sample = 200;
  bool search_all = false;
  double startup_kill_share = 0.1;
  double stop_share = 0.1;
  int rpc_timeout_ms = 10000;
  int startup_timeout_ms = 120000;
};

// Lets the writers run while the server is up, and parks them while it is
// killed, restarted and checked. Thread-safe.
class RoundGate {
 public:
  struct Round {
    int number;
    v1::MatchService::Stub* stub;  // valid until the writer parks
  };

  // Writers: the round after `previous`, or nullopt at the end. The round
  // may be closed already (a writer that woke late): the writer parks for
  // it all the same, which is what the controller waits for.
  std::optional<Round> AwaitRound(int previous) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return finished_ || round_ > previous; });
    if (finished_) return std::nullopt;
    return Round{round_, stub_};
  }
  bool IsOpen(int round) const {
    std::lock_guard lock(mu_);
    return open_ && round_ == round;
  }
  // True once the server of `round` was sent SIGKILL.
  bool Killed(int round) const { return killed_round_.load() >= round; }
  void Park() {
    std::lock_guard lock(mu_);
    ++parked_;
    changed_.notify_all();
  }

  // Controller.
  void Open(int round, v1::MatchService::Stub* stub) {
    std::lock_guard lock(mu_);
    round_ = round;
    stub_ = stub;
    open_ = true;
    parked_ = 0;
    changed_.notify_all();
  }
  // Called before the SIGKILL, so a failure seen after it is expected.
  void MarkKilled(int round) { killed_round_.store(round); }
  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void AwaitParked(int writers) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return parked_ == writers; });
  }
  void Finish() {
    std::lock_guard lock(mu_);
    finished_ = true;
    changed_.notify_all();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  int round_ = 0;
  v1::MatchService::Stub* stub_ = nullptr;
  bool open_ = false;
  bool finished_ = false;
  int parked_ = 0;
  std::atomic<int> killed_round_{0};
};

// Codes a call ends with when the server dies under it.
bool IsCrashCode(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::CANCELLED ||
         code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::INTERNAL;
}

void RunWriter(RecordWriter& writer, RoundGate& gate,
               std::atomic<int64_t>& unexpected_failures) {
  int round = 0;
  while (auto open = gate.AwaitRound(round)) {
    round = open->number;
    while (gate.IsOpen(round)) {
      const grpc::Status status = writer.Step(*open->stub, round);
      if (status.ok()) continue;
      // The call may have landed or not; either way this writer waits for
      // the next round, because the server is (or should be) gone.
      if (!gate.Killed(round) || !IsCrashCode(status.error_code())) {
        ++unexpected_failures;
        spdlog::error("round {}: a write failed while the server was up: {}",
                      round, status.error_message());
      }
      break;
    }
    gate.Park();
  }
}

// Writes the synthetic test vectors of the words the writers use as a
// HXWVEC01 file (the format of indexer/word_vectors.h).
absl::Status WriteSyntheticWordVectors(const std::string& path) {
  static_assert(std::endian::native == std::endian::little,
                "HXWVEC01 is little-endian");
  const auto table = testing::SyntheticWordVectors();
  std::vector<std::string> words;
  std::string rows;
  for (const std::string& word : RecordWriter::TopicWords()) {
    const auto vector = table->Find(word);
    if (vector.empty()) continue;
    words.push_back(word);
    rows.append(reinterpret_cast<const char*>(vector.data()),
                vector.size() * sizeof(float));
  }
  std::string head = "HXWVEC01";
  const auto append32 = [&](uint32_t v) {
    head.append(reinterpret_cast<const char*>(&v), sizeof v);
  };
  append32(static_cast<uint32_t>(table->dimension()));
  append32(static_cast<uint32_t>(words.size()));
  for (const std::string& word : words) {
    const auto length = static_cast<uint16_t>(word.size());
    head.append(reinterpret_cast<const char*>(&length), sizeof length);
    head += word;
  }
  head.resize((head.size() + 3) / 4 * 4, '\0');
  const absl::string_view parts[] = {head, rows};
  return WriteFileAtomically(path, parts);
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid]
                                : (values[mid - 1] + values[mid]) / 2;
}

// Local time with milliseconds, as the server's log lines show it.
std::string WallClock() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      now.time_since_epoch())
                      .count() %
                  1000;
  return absl::StrFormat("%s.%03d", text, ms);
}

double MillisecondsOf(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

class Harness {
 public:
  explicit Harness(const HarnessOptions& options)
      : options_(options), rng_(options.seed) {}

  // Runs every round; returns the exit status.
  int Run();

 private:
  absl::Status Prepare();
  // Starts the server and waits until it serves; records the time taken
  // when the start recovers from a SIGKILL.
  absl::Status Restart(const char* why, bool after_kill);
  // Starts the server and kills it again somewhere within a typical start.
  absl::Status CrashDuringStart();
  // Stops the server with SIGTERM (it saves its vector indexes, so the next
  // crash recovers by loading them and replaying the store's log), or kills
  // it while it stops; then restarts and checks it.
  absl::Status StopBetweenRounds(int round);
  // Counts how the server says it obtained its vector indexes.
  void TallyIndexRecovery();
  CheckCounts Check(int round, bool search_all);
  void PrintSummary(int kills) const;
  std::vector<WriteLedger*> Ledgers();
  // Failed writes while the server was up, plus contradictory answers.
  int64_t WriterErrors() const;

  const HarnessOptions options_;
  std::mt19937_64 rng_;
  bool temporary_work_dir_ = false;
  std::string work_dir_;
  ServerCommand command_;
  std::unique_ptr<ServerProcess> server_;
  int starts_ = 0;

  std::vector<std::unique_ptr<RecordWriter>> writers_;
  std::atomic<int64_t> unexpected_failures_{0};
  CheckCounts totals_;
  std::vector<double> recovery_ms_;
  Clock::duration writing_time_{};
  int startup_kills_ = 0;
  int clean_stops_ = 0;
  int shutdown_kills_ = 0;
  std::map<std::string, int> index_recoveries_;  // per index, per restart
  double stop_ms_ = 100;  // how long the last clean stop took (a guess
                          // before the first)
};

absl::Status Harness::Prepare() {
  if (options_.work_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/helixmatch-crash-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::InternalError("cannot create a temporary work folder");
    }
    work_dir_ = pattern;
    temporary_work_dir_ = true;
  } else {
    work_dir_ = options_.work_dir;
    std::error_code error;
    std::filesystem::create_directories(work_dir_, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("creating '", work_dir_, "': ", error.message()));
    }
  }
  command_.data_dir = work_dir_ + "/db";
  command_.port_file = work_dir_ + "/port";
  command_.log_file = work_dir_ + "/server.log";
  if (std::filesystem::exists(command_.data_dir)) {
    // Old records would share ids with the new ones.
    return absl::FailedPreconditionError(absl::StrCat(
        "'", command_.data_dir, "' exists: give an empty --work-dir"));
  }
  // Every start runs this copy, so a rebuild meanwhile (a shared build
  // folder) neither changes the server under test nor breaks a restart.
  command_.binary = work_dir_ + "/helixmatch-server";
  std::error_code error;
  std::filesystem::copy_file(options_.server_binary, command_.binary,
                             std::filesystem::copy_options::overwrite_existing,
                             error);
  if (error) {
    return absl::NotFoundError(absl::StrCat("copying the server binary '",
                                            options_.server_binary,
                                            "' (--server): ", error.message()));
  }
  command_.extra_args = options_.server_args;
  command_.word_vectors = options_.word_vectors;
  if (command_.word_vectors.empty()) {
    command_.word_vectors = work_dir_ + "/synthetic.hxwv";
    if (auto s = WriteSyntheticWordVectors(command_.word_vectors); !s.ok()) {
      return s;
    }
  }
  for (int i = 0; i < options_.writers; ++i) {
    writers_.push_back(std::make_unique<RecordWriter>(
        i, options_.seed * 1000003 + static_cast<uint64_t>(i),
        Milliseconds(options_.rpc_timeout_ms)));
  }
  return absl::OkStatus();
}

absl::Status Harness::Restart(const char* why, bool after_kill) {
  // A marker in the server log, so each start's lines can be told apart.
  std::ofstream(command_.log_file, std::ios::app)
      << "---- crash harness: start " << ++starts_ << " at " << WallClock()
      << " (" << why << ") ----\n";
  auto server = ServerProcess::Spawn(command_);
  if (!server.ok()) return server.status();
  server_ = std::move(*server);
  auto took = server_->AwaitServing(Milliseconds(options_.startup_timeout_ms));
  if (!took.ok()) return took.status();
  if (after_kill) {
    recovery_ms_.push_back(MillisecondsOf(*took));
    TallyIndexRecovery();
  }
  return absl::OkStatus();
}

void Harness::TallyIndexRecovery() {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       Milliseconds(options_.rpc_timeout_ms));
  v1::StatsResponse stats;
  auto stub = v1::MatchService::NewStub(server_->channel());
  if (!stub->Stats(&context, v1::StatsRequest(), &stats).ok()) return;
  for (const std::string* how :
       {&stats.capability_index_recovery(), &stats.need_index_recovery()}) {
    // "loaded", "replayed N ... since sequence S" or "rebuilt: <reason>".
    const std::string mode = how->substr(0, how->find_first_of(" :"));
    ++index_recoveries_[mode.empty() ? "unreported" : mode];
  }
}

absl::Status Harness::CrashDuringStart() {
  const double typical = recovery_ms_.empty() ? 200.0 : Median(recovery_ms_);
  auto spawned = ServerProcess::Spawn(command_);
  if (!spawned.ok()) return spawned.status();
  server_ = std::move(*spawned);
  std::this_thread::sleep_for(Milliseconds(static_cast<int>(
      std::uniform_real_distribution<double>(0, typical)(rng_))));
  ++startup_kills_;
  return server_->Kill();
}

absl::Status Harness::StopBetweenRounds(int round) {
  const bool interrupt = std::bernoulli_distribution(0.5)(rng_);
  if (interrupt) {
    server_->RequestStop();
    std::this_thread::sleep_for(Milliseconds(static_cast<int>(
        std::uniform_real_distribution<double>(0, stop_ms_)(rng_))));
    if (auto s = server_->Kill(); !s.ok()) return s;
    ++shutdown_kills_;
  } else {
    const auto started = Clock::now();
    if (auto s = server_->Stop(Milliseconds(options_.startup_timeout_ms));
        !s.ok()) {
      return s;
    }
    stop_ms_ = MillisecondsOf(Clock::now() - started);
    ++clean_stops_;
  }
  if (auto s = Restart(
          interrupt ? "after SIGKILL while stopping" : "after a clean stop",
          interrupt);
      !s.ok()) {
    return s;
  }
  const CheckCounts c = Check(round, options_.search_all);
  spdlog::info(
      "round {}: {}; checked {} records, searched {}: lost {}, resurrected "
      "{}, other errors {}",
      round,
      interrupt ? "killed while stopping (saving its indexes)"
                : absl::StrFormat("stopped cleanly in %.0f ms", stop_ms_),
      c.checked, c.searched, c.lost(), c.resurrected,
      c.wrong_content + c.torn_batches + c.rpc_errors);
  return absl::OkStatus();
}

std::vector<WriteLedger*> Harness::Ledgers() {
  std::vector<WriteLedger*> ledgers;
  for (auto& w : writers_) ledgers.push_back(&w->ledger());
  return ledgers;
}

int64_t Harness::WriterErrors() const {
  int64_t errors = unexpected_failures_.load();
  for (const auto& w : writers_) errors += w->wrong_answers();
  return errors;
}

CheckCounts Harness::Check(int round, bool search_all) {
  CheckOptions check;
  check.round = round;
  check.threads = std::max(2, options_.writers);
  check.search_all = search_all;
  check.search_sample = options_.search_sample;
  check.seed = options_.seed + static_cast<uint64_t>(round);
  check.rpc_timeout = Milliseconds(options_.rpc_timeout_ms);
  const CheckCounts counts =
      CheckDurability(Ledgers(), server_->channel(), check);
  totals_ += counts;
  return counts;
}

int Harness::Run() {
  if (auto s = Prepare(); !s.ok()) {
    spdlog::error("{}", std::string(s.message()));
    return 2;
  }
  spdlog::info(
      "seed={} writers={} kills={} server={} (copied) {} word vectors={} "
      "work dir={}",
      options_.seed, options_.writers, options_.kills, options_.server_binary,
      absl::StrJoin(options_.server_args, " "), command_.word_vectors,
      work_dir_);
  RoundGate gate;
  std::vector<std::thread> threads;
  for (auto& writer : writers_) {
    threads.emplace_back(RunWriter, std::ref(*writer), std::ref(gate),
                         std::ref(unexpected_failures_));
  }
  absl::Status fatal = Restart("first start", false);
  int kills = 0;
  for (int round = 1; fatal.ok() && round <= options_.kills; ++round) {
    auto stub = v1::MatchService::NewStub(server_->channel());
    gate.Open(round, stub.get());
    const auto started = Clock::now();
    const int delay_ms = std::uniform_int_distribution<int>(
        options_.min_kill_ms, options_.max_kill_ms)(rng_);
    std::this_thread::sleep_for(Milliseconds(delay_ms));
    gate.MarkKilled(round);
    fatal = server_->Kill();
    writing_time_ += Clock::now() - started;
    gate.Close();
    gate.AwaitParked(options_.writers);
    if (!fatal.ok()) break;
    ++kills;

    if (std::bernoulli_distribution(options_.startup_kill_share)(rng_)) {
      fatal = CrashDuringStart();
      if (!fatal.ok()) break;
    }
    fatal = Restart("after SIGKILL", true);
    if (!fatal.ok()) break;

    const bool search_all = options_.search_all || round == options_.kills;
    const CheckCounts c = Check(round, search_all);
    int64_t acked = 0, unconfirmed = 0;
    for (const auto* ledger : Ledgers()) {
      acked += ledger->acked_writes();
      unconfirmed += ledger->unconfirmed_writes();
    }
    spdlog::info(
        "round {}/{}: killed after {} ms, {} writes acknowledged so far ({} "
        "writes without an answer); SERVING again after {:.0f} ms; checked "
        "{} records, searched {}: lost {}, resurrected {}, other errors {}",
        round, options_.kills, delay_ms, acked, unconfirmed,
        recovery_ms_.back(), c.checked, c.searched, c.lost(), c.resurrected,
        c.wrong_content + c.torn_batches + c.rpc_errors);
    if (round < options_.kills &&
        std::bernoulli_distribution(options_.stop_share)(rng_)) {
      fatal = StopBetweenRounds(round);
    }
  }
  gate.Finish();
  for (auto& t : threads) t.join();

  if (fatal.ok()) {
    // A clean stop saves the indexes; the next start loads them instead of
    // recovering. The data must be the same either way.
    fatal = server_->Stop(Milliseconds(options_.startup_timeout_ms));
    if (fatal.ok()) fatal = Restart("after a clean stop", false);
    if (fatal.ok()) {
      const CheckCounts c = Check(options_.kills + 1, /*search_all=*/true);
      spdlog::info(
          "after a clean stop and start: checked {} records, searched {}: "
          "lost {}, resurrected {}, other errors {}",
          c.checked, c.searched, c.lost(), c.resurrected,
          c.wrong_content + c.torn_batches + c.rpc_errors);
      fatal = server_->Stop(Milliseconds(options_.startup_timeout_ms));
    }
  }
  if (!fatal.ok()) {
    spdlog::error("stopped after {} kills: {}", kills,
                  std::string(fatal.message()));
  }
  PrintSummary(kills);
  const bool passed = fatal.ok() && totals_.clean() && WriterErrors() == 0 &&
                      kills == options_.kills;
  if (passed && temporary_work_dir_) {
    std::error_code ignored;
    std::filesystem::remove_all(work_dir_, ignored);
  } else if (!passed) {
    spdlog::error("work folder kept for inspection: {} (server log: {})",
                  work_dir_, command_.log_file);
  }
  return passed ? 0 : 1;
}

void Harness::PrintSummary(int kills) const {
  int64_t acked_writes = 0, acked_deletes = 0, unconfirmed = 0;
  for (const auto& w : writers_) {
    acked_writes += w->ledger().acked_writes();
    acked_deletes += w->ledger().acked_deletes();
    unconfirmed += w->ledger().unconfirmed_writes();
  }
  const double seconds = std::chrono::duration<double>(writing_time_).count();
  std::string recoveries;
  for (const auto& [mode, count] : index_recoveries_) {
    absl::StrAppend(&recoveries, recoveries.empty() ? "" : ",", mode, ":",
                    count);
  }
  const std::string search =
      options_.search_all ? std::string("all")
                          : absl::StrCat("changed+", options_.search_sample,
                                         "-sampled,all-after-last-kill");
  const double max_ms =
      recovery_ms_.empty()
          ? 0
          : *std::max_element(recovery_ms_.begin(), recovery_ms_.end());
  std::printf(
      "recovery_ms_median=%.0f recovery_ms_max=%.0f writes_per_s=%.0f "
      "writers=%d seed=%llu startup_kills=%d clean_stops=%d "
      "shutdown_kills=%d unconfirmed_writes=%lld "
      "missing=%lld stale=%lld unsearchable=%lld wrong_content=%lld "
      "torn_batches=%lld check_errors=%lld writer_errors=%lld "
      "index_recoveries=%s search=%s\n",
      Median(recovery_ms_), max_ms,
      seconds > 0 ? static_cast<double>(acked_writes) / seconds : 0.0,
      options_.writers, static_cast<unsigned long long>(options_.seed),
      startup_kills_, clean_stops_, shutdown_kills_,
      static_cast<long long>(unconfirmed),
      static_cast<long long>(totals_.missing),
      static_cast<long long>(totals_.stale),
      static_cast<long long>(totals_.unsearchable),
      static_cast<long long>(totals_.wrong_content),
      static_cast<long long>(totals_.torn_batches),
      static_cast<long long>(totals_.rpc_errors),
      static_cast<long long>(WriterErrors()),
      recoveries.empty() ? "none" : recoveries.c_str(), search.c_str());
  std::printf(
      "kills=%d acked_writes=%lld lost_writes=%lld acked_deletes=%lld "
      "resurrected=%lld\n",
      kills, static_cast<long long>(acked_writes),
      static_cast<long long>(totals_.lost()),
      static_cast<long long>(acked_deletes),
      static_cast<long long>(totals_.resurrected));
  std::fflush(stdout);
}

}  // namespace
}  // namespace helixmatch::crash

int main(int argc, char** argv) {
  using helixmatch::crash::HarnessOptions;
  CLI::App app{
      "helixmatch-crash-harness: SIGKILLs a helixmatch-server under write "
      "load and checks that every acknowledged write survives"};
  HarnessOptions options;
  app.add_option("--server", options.server_binary, "helixmatch-server binary")
      ->capture_default_str();
  app.add_option("--word-vectors", options.word_vectors,
                 "Word vector file for the server (default: small synthetic "
                 "vectors written to the work folder)");
  app.add_option("--server-arg", options.server_args,
                 "One more server flag, repeatable; e.g. "
                 "--server-arg=--index-save-seconds=1 so kills also land "
                 "during periodic index saves")
      ->allow_extra_args(false);
  app.add_option("--work-dir", options.work_dir,
                 "Folder for the data, log and port file; must not hold a "
                 "db/ (default: a temporary folder, removed after a clean "
                 "run)");
  app.add_option("--kills", options.kills, "SIGKILLs under write load")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--seed", options.seed,
                 "Seed of the operations and kill delays (0: random, "
                 "printed)")
      ->capture_default_str();
  app.add_option("--writers", options.writers,
                 "Concurrent writing clients (exercises group commit)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--min-ms", options.min_kill_ms,
                 "Shortest write phase before a kill, ms")
      ->check(CLI::Range(0, 3600000))
      ->capture_default_str();
  app.add_option("--max-ms", options.max_kill_ms,
                 "Longest write phase before a kill, ms")
      ->check(CLI::Range(0, 3600000))
      ->capture_default_str();
  app.add_option("--search-sample", options.search_sample,
                 "Per round, Recommend the records changed in the round "
                 "plus this many others at random (all after the last kill)")
      ->check(CLI::Range(0, 100000000))
      ->capture_default_str();
  app.add_flag("--search-all", options.search_all,
               "Recommend every record after every kill (slow)");
  app.add_option("--startup-kill-share", options.startup_kill_share,
                 "Share of restarts that are killed once more while "
                 "starting")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--stop-share", options.stop_share,
                 "Share of rounds after which the server is stopped with "
                 "SIGTERM (it saves its indexes, so later recoveries replay "
                 "from them); half of these stops are cut short by SIGKILL")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--rpc-timeout-ms", options.rpc_timeout_ms,
                 "Deadline of each call, ms")
      ->capture_default_str();
  app.add_option("--startup-timeout-ms", options.startup_timeout_ms,
                 "Longest wait for a start to be SERVING, ms")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (options.min_kill_ms > options.max_kill_ms) {
    std::fprintf(stderr, "--min-ms must not exceed --max-ms\n");
    return 2;
  }
  if (options.seed == 0) options.seed = std::random_device{}() | 1;
  spdlog::set_default_logger(spdlog::stderr_color_mt("crash-harness"));
  return helixmatch::crash::Harness(options).Run();
}
