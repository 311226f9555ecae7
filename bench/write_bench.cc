// Durable write throughput of the engine (no transport): N threads each
// Upsert capability profiles as fast as the engine acknowledges them, with
// every write synced (RocksDB sync=true, one fsync per group commit) on
// the disk holding --dir. For each thread count: writes/s (median of
// --runs runs of --seconds each, a fresh data folder per run), writes per
// fsync (writes_committed / write_groups from Stats) and the latency of
// one Upsert (p50, p99 over all runs). With --batch N each write is a
// BatchUpsert of N profiles (rates then count profiles, latencies calls);
// with --preload P each run first stores P profiles in batches of 1,000,
// so that the writes meet a vector index of that size (HNSW from 20,000).
//
//   build/bench/write_bench --threads 1,4,16,64 --runs 3 --seconds 3
//   build/bench/write_bench --threads 1,2 --batch 1000 --preload 50000
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "indexer/default_paths.h"
#include "indexer/word_vectors.h"
#include "services/engine/matching_engine.h"

namespace {

using Clock = std::chrono::steady_clock;

const char* kWords[] = {
    "mining",      "ore",      "flotation", "copper",     "concentrator",
    "tailings",    "oil",      "gas",       "pipeline",   "corrosion",
    "reservoir",   "drilling", "wheat",     "drought",    "irrigation",
    "solar",       "wind",     "grid",      "battery",    "software",
    "learning",    "data",     "network",   "analytics",  "health",
    "diagnostics", "clinic",   "water",     "cement",     "steel",
    "catalyst",    "polymer",  "coating",   "monitoring", "simulation"};

std::string RandomText(std::mt19937& rng, int words) {
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  std::string text;
  for (int i = 0; i < words; ++i) {
    if (i > 0) text += ' ';
    text += kWords[pick(rng)];
  }
  return text;
}

constexpr int kUniversities = 100;

struct Run {
  double writes_per_second = 0;
  double writes_per_fsync = 0;
  std::vector<double> latencies_ms;
};

// A capability profile of random domain words for `university`.
helixmatch::v1::Record RandomProfile(std::mt19937& rng, std::string id,
                                     int university) {
  helixmatch::v1::Record record;
  auto* cap = record.mutable_capability();
  cap->set_id(std::move(id));
  cap->set_organization_id(absl::StrCat("org:", university));
  cap->set_title(RandomText(rng, 8));
  cap->set_description(RandomText(rng, 12));
  return record;
}

Run OneRun(const std::shared_ptr<const helixmatch::WordVectors>& vectors,
           const std::string& folder, int threads, double seconds, int batch,
           int preload) {
  helixmatch::EngineOptions options;
  options.data_dir = folder;
  options.word_vectors = vectors;
  options.reference_year = 2025;
  options.save_indexes_on_close = false;
  auto engine = helixmatch::MatchingEngine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.status().ToString().c_str());
    std::exit(1);
  }
  google::protobuf::RepeatedPtrField<helixmatch::v1::Record> universities;
  for (int i = 0; i < kUniversities; ++i) {
    auto* org = universities.Add()->mutable_organization();
    org->set_id(absl::StrCat("org:", i));
    org->set_kind(helixmatch::v1::ORGANIZATION_KIND_UNIVERSITY);
    org->set_name(absl::StrCat("University ", i));
    org->set_country("KZ");
  }
  if (auto r = (*engine)->BatchUpsert(universities); !r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    std::exit(1);
  }
  std::mt19937 preload_rng(1000);
  for (int done = 0; done < preload;) {
    google::protobuf::RepeatedPtrField<helixmatch::v1::Record> profiles;
    for (; done < preload && profiles.size() < 1000; ++done) {
      *profiles.Add() = RandomProfile(preload_rng, absl::StrCat("pre:", done),
                                      done % kUniversities);
    }
    if (auto r = (*engine)->BatchUpsert(profiles); !r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      std::exit(1);
    }
  }
  const auto before = (*engine)->Stats();
  std::atomic<bool> stop{false};
  std::atomic<int> ready{0};
  std::atomic<int64_t> writes{0};
  std::vector<std::vector<double>> latencies(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(static_cast<uint32_t>(t));
      ready.fetch_add(1);
      while (ready.load() <= threads) std::this_thread::yield();
      for (int64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        google::protobuf::RepeatedPtrField<helixmatch::v1::Record> records;
        for (int b = 0; b < batch; ++b) {
          *records.Add() =
              RandomProfile(rng, absl::StrCat("cap:", t, ":", i, ":", b),
                            static_cast<int>((t * 7 + i + b) % kUniversities));
        }
        const auto start = Clock::now();
        absl::Status status;
        if (batch == 1) {
          status = (*engine)->Upsert(records[0]).status();
        } else {
          status = (*engine)->BatchUpsert(records).status();
        }
        if (!status.ok()) {
          std::fprintf(stderr, "%s\n", status.ToString().c_str());
          std::exit(1);
        }
        latencies[t].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - start)
                .count());
        writes.fetch_add(batch, std::memory_order_relaxed);
      }
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  const auto start = Clock::now();
  ready.fetch_add(1);  // go
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& w : workers) w.join();
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  const auto after = (*engine)->Stats();
  Run run;
  run.writes_per_second = static_cast<double>(writes.load()) / elapsed;
  run.writes_per_fsync = static_cast<double>(after.writes_committed() -
                                             before.writes_committed()) /
                         static_cast<double>(std::max<int64_t>(
                             1, after.write_groups() - before.write_groups()));
  for (auto& l : latencies) {
    run.latencies_ms.insert(run.latencies_ms.end(), l.begin(), l.end());
  }
  return run;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Durable Upsert throughput with concurrent writers"};
  std::string threads_list = "1,4,16,64";
  int runs = 3;
  double seconds = 3;
  std::string vectors_path = helixmatch::DefaultWordVectorsPath();
  std::string base = std::filesystem::temp_directory_path().string();
  int batch = 1, preload = 0;
  app.add_option("--threads", threads_list, "comma-separated thread counts")
      ->capture_default_str();
  app.add_option("--runs", runs)->capture_default_str();
  app.add_option("--seconds", seconds, "length of one run")
      ->capture_default_str();
  app.add_option("--word-vectors", vectors_path)->capture_default_str();
  app.add_option("--dir", base,
                 "where the data folders go (its disk is "
                 "measured)")
      ->capture_default_str();
  app.add_option("--batch", batch,
                 "profiles per write: 1 is Upsert, more is BatchUpsert")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--preload", preload,
                 "profiles stored before each run is measured")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);

  auto vectors = helixmatch::WordVectors::Load(vectors_path);
  if (!vectors.ok()) {
    std::fprintf(stderr, "%s\n", vectors.status().ToString().c_str());
    return 1;
  }
  std::printf(
      "durable %s of capability profiles (%d per call, %d stored before), "
      "%d run(s) of %.0f s per row, data in %s\n",
      batch == 1 ? "Upsert" : "BatchUpsert", batch, preload, runs, seconds,
      base.c_str());
  std::printf(
      "| writer threads | profiles/s (median) | runs | calls per fsync "
      "| call p50 ms | call p99 ms |\n|---|---|---|---|---|---|\n");
  for (absl::string_view item : absl::StrSplit(threads_list, ',')) {
    const int threads = std::stoi(std::string(item));
    std::vector<double> rates, grouping, latencies;
    std::string each;
    for (int r = 0; r < runs; ++r) {
      const std::string folder = absl::StrCat(base, "/helixmatch-write-bench-",
                                              getpid(), "-", threads, "-", r);
      Run run = OneRun(*vectors, folder, threads, seconds, batch, preload);
      std::filesystem::remove_all(folder);
      rates.push_back(run.writes_per_second);
      grouping.push_back(run.writes_per_fsync);
      latencies.insert(latencies.end(), run.latencies_ms.begin(),
                       run.latencies_ms.end());
      absl::StrAppend(&each, r == 0 ? "" : ", ",
                      static_cast<int64_t>(run.writes_per_second));
    }
    std::sort(latencies.begin(), latencies.end());
    std::printf("| %d | %.0f | %s | %.1f | %.2f | %.2f |\n", threads,
                Median(rates), each.c_str(), Median(grouping),
                latencies[latencies.size() / 2],
                latencies[latencies.size() * 99 / 100]);
    std::fflush(stdout);
  }
  return 0;
}
