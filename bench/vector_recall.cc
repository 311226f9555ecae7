// Recall of the HNSW search against exact search, and what building the
// graph costs, on the vectors of a saved capability index. For each
// efConstruction it builds a fresh graph (M 32, inner product) from the
// saved vectors with the indexer's own insertion (AddToGraph, on
// --build-threads threads; with --faiss-build also with FAISS's own add on
// one thread, for comparison), then for each efSearch measures recall@k of
// SearchGraph against an exact scan and the search's time, over queries that
// are the normalized midpoints of two random stored vectors (a text between two
// profiles). With --saved it measures the saved graph itself (as the server
// loads and searches it: VectorIndex::Search) instead of building new ones.
//
//   build/bench/vector_recall --db DIR [--queries 1000] [-k 10]
//       [--ef-construction 80,160] [--ef-search 64,128,200] [--saved]
//       [--build-threads 1,2] [--faiss-build]
#include <faiss/IndexHNSW.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "indexer/data_dir.h"
#include "indexer/hnsw_graph.h"
#include "indexer/inner_product.h"
#include "indexer/vector_index.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HNSW recall against exact search, and graph build time"};
  std::string db;
  int queries = 1000, k = 10, dimension = 100;
  std::vector<int> ef_construction{80, 160}, ef_search{64, 128, 200};
  std::vector<int> build_threads{1, 2};
  bool saved_graph = false, faiss_build = false;
  app.add_option("--db", db, "Data folder with a capability index")->required();
  app.add_option("--queries", queries)
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("-k", k)->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--dimension", dimension, "The index's dimension")
      ->capture_default_str();
  app.add_option("--ef-construction", ef_construction)
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--ef-search", ef_search)
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--build-threads", build_threads,
                 "Threads for AddToGraph; one graph per count")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_flag("--faiss-build", faiss_build,
               "Also build each graph with FAISS's own add, on one thread");
  app.add_flag("--saved", saved_graph,
               "Measure the saved graph instead of building new ones");
  CLI11_PARSE(app, argc, argv);

  const std::string path =
      helixmatch::DataDir{db}.IndexPath(helixmatch::v1::RECORD_KIND_CAPABILITY);
  helixmatch::VectorIndexFileInfo info;
  auto saved = helixmatch::VectorIndex::Load(path, dimension, &info);
  if (!saved.ok()) {
    std::fprintf(stderr, "vector_recall: %s\n",
                 std::string(saved.status().message()).c_str());
    return 1;
  }
  const int64_t n = (*saved)->slots();
  if (n < 2) {
    std::fprintf(stderr, "vector_recall: %s has %lld vectors, too few\n",
                 path.c_str(), static_cast<long long>(n));
    return 1;
  }
  const auto d = static_cast<size_t>(dimension);
  std::vector<float> base(static_cast<size_t>(n) * d);
  for (int64_t s = 0; s < n; ++s) {
    const auto v = (*saved)->Vector(s);
    std::copy(v.begin(), v.end(),
              base.begin() + static_cast<ptrdiff_t>(s * dimension));
  }
  saved->reset();

  std::mt19937 rng(2019);
  std::uniform_int_distribution<int64_t> pick(0, n - 1);
  std::vector<float> query_vectors(static_cast<size_t>(queries) * d);
  for (int q = 0; q < queries; ++q) {
    const float* a = base.data() + pick(rng) * dimension;
    const float* b = base.data() + pick(rng) * dimension;
    float* out = query_vectors.data() + static_cast<size_t>(q) * d;
    double norm = 0;
    for (size_t i = 0; i < d; ++i) {
      out[i] = a[i] + b[i];
      norm += double{out[i]} * out[i];
    }
    const double scale = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
    for (size_t i = 0; i < d; ++i) out[i] = static_cast<float>(out[i] * scale);
  }
  // Exact top k by a full scan.
  std::vector<std::vector<int64_t>> exact(static_cast<size_t>(queries));
  const auto exact_start = Clock::now();
  for (int q = 0; q < queries; ++q) {
    const float* query = query_vectors.data() + static_cast<size_t>(q) * d;
    std::vector<std::pair<float, int64_t>> all(static_cast<size_t>(n));
    for (int64_t s = 0; s < n; ++s) {
      all[static_cast<size_t>(s)] = {
          -helixmatch::InnerProduct(query, base.data() + s * dimension, d), s};
    }
    const auto top = all.begin() + std::min<int64_t>(k, n);
    std::partial_sort(all.begin(), top, all.end());
    for (auto it = all.begin(); it != top; ++it) {
      exact[static_cast<size_t>(q)].push_back(it->second);
    }
  }
  const double exact_us = Seconds(exact_start, Clock::now()) * 1e6 / queries;
  std::printf(
      "%lld vectors of %d dimensions from %s; %d queries, k=%d; "
      "exact scan %.0f us per query\n",
      static_cast<long long>(n), dimension, path.c_str(), queries, k, exact_us);
  std::printf("%-16s %-10s %-12s %-10s %-10s %-14s\n", "efConstruction",
              "builder", "build s", "efSearch", "recall@k", "us per search");
  // Recall@k and time per search of `search`, which fills the k slots
  // found for one query (-1 for none).
  const auto measure = [&](const auto& search) {
    int64_t found = 0;
    std::vector<int64_t> slots(static_cast<size_t>(k));
    const auto start = Clock::now();
    for (int q = 0; q < queries; ++q) {
      search(std::span<const float>(
                 query_vectors.data() + static_cast<size_t>(q) * d, d),
             slots);
      const auto& truth = exact[static_cast<size_t>(q)];
      for (int64_t slot : slots) {
        found += std::count(truth.begin(), truth.end(), slot);
      }
    }
    const double us = Seconds(start, Clock::now()) * 1e6 / queries;
    const double recall =
        static_cast<double>(found) /
        (static_cast<double>(queries) * std::min<int64_t>(k, n));
    return std::pair<double, double>(recall, us);
  };
  if (saved_graph) {
    for (const int efs : ef_search) {
      helixmatch::VectorIndexOptions options;
      options.hnsw_ef_search = efs;
      auto index =
          helixmatch::VectorIndex::Load(path, dimension, &info, options);
      if (!index.ok()) {
        std::fprintf(stderr, "vector_recall: %s\n",
                     std::string(index.status().message()).c_str());
        return 1;
      }
      const auto [recall, us] = measure(
          [&](std::span<const float> query, std::vector<int64_t>& slots) {
            std::fill(slots.begin(), slots.end(), -1);
            auto hits = (*index)->Search(query, k);
            for (size_t i = 0; hits.ok() && i < hits->size(); ++i) {
              slots[i] = (*hits)[i].slot;
            }
          });
      std::printf("%-16s %-10s %-12s %-10d %-10.4f %-14.1f\n", "saved", "-",
                  "-", efs, recall, us);
    }
    return 0;
  }
  // Builders: AddToGraph on each thread count, then (0) FAISS's own add.
  std::vector<int> builders = build_threads;
  if (faiss_build) builders.push_back(0);
  for (const int efc : ef_construction) {
    for (const int threads : builders) {
      faiss::IndexHNSWFlat graph(dimension, 32, faiss::METRIC_INNER_PRODUCT);
      graph.hnsw.efConstruction = efc;
      const auto build_start = Clock::now();
      if (threads > 0) {
        helixmatch::AddToGraph(graph, n, base.data(), threads);
      } else {
        omp_set_num_threads(1);
        graph.add(n, base.data());
      }
      const double build = Seconds(build_start, Clock::now());
      const std::string builder =
          threads > 0 ? "ours/" + std::to_string(threads) : "faiss/1";
      std::vector<float> scores(static_cast<size_t>(k));
      for (const int efs : ef_search) {
        const auto [recall, us] = measure(
            [&](std::span<const float> query, std::vector<int64_t>& slots) {
              helixmatch::SearchGraph(graph, query, k, efs, nullptr,
                                      scores.data(), slots.data());
            });
        std::printf("%-16d %-10s %-12.2f %-10d %-10.4f %-14.1f\n", efc,
                    builder.c_str(), build, efs, recall, us);
      }
    }
  }
  return 0;
}
