// Recommend latency of the engine (no transport) over a synthetic corpus
// of N capability profiles: reports import time, index kind and the
// median / p99 latency of need -> capabilities queries with ranking and
// barrier explanations. Synthetic texts: random draws from a domain
// vocabulary, embedded with the real GloVe vectors.
//
//   build/bench/recommend_bench --profiles 100000 --queries 2000
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/synthetic_text.h"
#include "indexer/default_paths.h"
#include "services/engine/matching_engine.h"

using helixmatch::bench::SyntheticText;

int main(int argc, char** argv) {
  CLI::App app{"Recommend latency over a synthetic corpus"};
  int profiles = 100000, queries = 2000, organizations = 5000;
  std::string vectors = helixmatch::DefaultWordVectorsPath();
  app.add_option("--profiles", profiles)->capture_default_str();
  app.add_option("--queries", queries)->capture_default_str();
  app.add_option("--organizations", organizations)->capture_default_str();
  app.add_option("--word-vectors", vectors)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const auto dir = std::filesystem::temp_directory_path() /
                   ("helixmatch-bench-" + std::to_string(getpid()));
  helixmatch::EngineOptions options;
  options.data_dir = dir.string();
  options.word_vectors_path = vectors;
  options.reference_year = 2025;
  auto engine = helixmatch::MatchingEngine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(engine.status().message()).c_str());
    return 1;
  }
  std::mt19937 rng(7);
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  google::protobuf::RepeatedPtrField<helixmatch::v1::Record> batch;
  const auto flush = [&] {
    if (batch.empty()) return;
    auto r = (*engine)->BatchUpsert(batch);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", std::string(r.status().message()).c_str());
      std::exit(1);
    }
    batch.Clear();
  };
  const char* countries[] = {"KZ", "DE", "FR", "IT", "ES", "PL"};
  for (int i = 0; i < organizations; ++i) {
    auto* org = batch.Add()->mutable_organization();
    org->set_id("org:" + std::to_string(i));
    org->set_kind(i % 2 == 0 ? helixmatch::v1::ORGANIZATION_KIND_UNIVERSITY
                             : helixmatch::v1::ORGANIZATION_KIND_FIRM);
    org->set_name("Organization " + std::to_string(i));
    org->set_country(countries[i % 6]);
    org->set_city("City " + std::to_string(i % 50));
    if (batch.size() == 1000) flush();
  }
  flush();
  for (int i = 0; i < profiles; ++i) {
    auto* cap = batch.Add()->mutable_capability();
    cap->set_id("cap:" + std::to_string(i));
    cap->set_organization_id("org:" +
                             std::to_string((i % (organizations / 2)) * 2));
    cap->set_title(SyntheticText(rng, 8));
    cap->set_description(SyntheticText(rng, 12));
    if (batch.size() == 1000) flush();
  }
  flush();
  const int needs = std::max(100, queries / 4);
  for (int i = 0; i < needs; ++i) {
    auto* need = batch.Add()->mutable_need();
    need->set_id("need:" + std::to_string(i));
    need->set_organization_id(
        "org:" + std::to_string((i % (organizations / 2)) * 2 + 1));
    need->set_title(SyntheticText(rng, 8));
    need->set_description(SyntheticText(rng, 12));
    if (batch.size() == 1000) flush();
  }
  flush();
  for (int i = 0; i < organizations; ++i) {
    if (i % 3 != 0) continue;
    auto* tie = batch.Add()->mutable_tie();
    tie->set_id("tie:" + std::to_string(i));
    tie->set_organization_a("org:" + std::to_string(i - i % 2));
    tie->set_organization_b("org:" + std::to_string(i - i % 2 + 1));
    tie->set_channel(helixmatch::v1::CHANNEL_INTERNSHIP);
    tie->set_year(2020);
    if (batch.size() == 1000) flush();
  }
  flush();
  const double load_s =
      std::chrono::duration<double>(Clock::now() - t0).count();
  const auto stats = (*engine)->Stats();
  std::printf(
      "loaded %lld capabilities, %lld needs, %lld organizations in "
      "%.1f s via BatchUpsert (synced batches of 1000)\nindex: %s\n",
      static_cast<long long>(stats.capabilities()),
      static_cast<long long>(stats.needs()),
      static_cast<long long>(stats.organizations()), load_s,
      stats.capability_index().c_str());

  std::vector<double> ms;
  std::uniform_int_distribution<int> pick(0, needs - 1);
  for (int i = 0; i < queries; ++i) {
    helixmatch::v1::RecommendRequest request;
    request.set_need_id("need:" + std::to_string(pick(rng)));
    request.set_k(10);
    const auto start = Clock::now();
    auto response = (*engine)->Recommend(request);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start)
                     .count());
    if (!response.ok() || response->suggestions_size() != 10) {
      std::fprintf(stderr, "query failed\n");
      return 1;
    }
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "Recommend need->capabilities, k=10, %d queries, one thread: "
      "p50 %.3f ms, p90 %.3f ms, p99 %.3f ms\n",
      queries, ms[ms.size() / 2], ms[ms.size() * 9 / 10],
      ms[ms.size() * 99 / 100]);
  engine->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
