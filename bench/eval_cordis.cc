// Ranking quality on real partnerships (CORDIS Horizon 2020), through the
// product's own index and Recommend path.
//
// Protocol (../shared/data/cordis-h2020/README.md): profiles from projects
// up to --profiles-until (the index in --db, built by helixmatch-indexer
// import-cordis --until-year); queries: every project starting in
// [--queries-from, --queries-until] with a title, at least one HES and one
// PRC participant; one query per PRC participant (that firm asks, with the
// project's title and call topic as its need); relevant: the project's HES
// participants that have a profile; candidates: universities.
// Prints R@10, nDCG@10, MRR (over the top 25) and candidate recall (the
// share of the relevant universities that reach the scorer: the ranking's
// ceiling) overall and for firms with and without an earlier university
// tie; the last line is one JSON object.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bench/cordis_queries.h"
#include "indexer/default_paths.h"
#include "services/engine/matching_engine.h"
#include "services/ranking/learned_ranker.h"

namespace {

// Suggestions asked per query: R@10 and nDCG@10 need 10; MRR counts a
// first relevant university up to this rank (1/26 and below count 0).
constexpr int kMrrDepth = 25;

struct Query {
  std::string firm;  // "pic:..."
  std::string text;
  std::set<std::string> relevant;
  bool tied = false;
  std::string programme, topic;  // the project's funding call
};

struct Metrics {
  // candidate: the share of the relevant universities in the candidate
  // pool the ranking scores (its ceiling).
  double recall = 0, ndcg = 0, mrr = 0, candidate = 0;
  int n = 0;
  void Add(const Metrics& m) {
    recall += m.recall;
    ndcg += m.ndcg;
    mrr += m.mrr;
    candidate += m.candidate;
    n += m.n;
  }
  double Mean(double sum) const { return n ? sum / n : 0; }
  std::string Json() const {
    char buf[240];
    std::snprintf(buf, sizeof(buf),
                  "{\"queries\": %d, \"recall_at_10\": %.4f, \"ndcg_at_10\": "
                  "%.4f, \"mrr\": %.4f, \"candidate_recall\": %.4f}",
                  n, Mean(recall), Mean(ndcg), Mean(mrr), Mean(candidate));
    return buf;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"CORDIS ranking evaluation through the helixmatch engine"};
  std::string data_dir, db;
  int profiles_until = 2018, queries_from = 2019, queries_until = 2019;
  int threads = 2, limit = 0;
  helixmatch::EngineOptions options;
  options.word_vectors_path = helixmatch::DefaultWordVectorsPath();
  auto& w = options.weights;
  app.add_option("data_dir", data_dir, "Folder of the three CSV files")
      ->required();
  app.add_option("--db", db, "Index built with import-cordis --until-year")
      ->required();
  app.add_option("--profiles-until", profiles_until)->capture_default_str();
  app.add_option("--queries-from", queries_from)->capture_default_str();
  app.add_option("--queries-until", queries_until)->capture_default_str();
  app.add_option("--threads", threads)->capture_default_str();
  app.add_option("--limit", limit,
                 "Evaluate a fixed random sample of N queries");
  app.add_option("--word-vectors", options.word_vectors_path);
  std::string ranking_model = "none", dump_features;
  bool no_call = false;
  app.add_option("--ranking-model", ranking_model,
                 "Learned ranker: a model file, 'default' (the built-in "
                 "one) or 'none' (the weighted sum)")
      ->capture_default_str();
  app.add_option("--dump-features", dump_features,
                 "Write the ranking features of the top 100 per query "
                 "(weighted sum) as TSV for train_ranker: query, label, "
                 "features");
  app.add_flag("--no-call", no_call,
               "Leave the funding call out of the queries (ablation)");
  // Ranking weights, for fitting and ablations.
  app.add_option("--w-dense", w.dense)->capture_default_str();
  app.add_option("--w-lexical", w.lexical)->capture_default_str();
  app.add_option("--w-depth", w.depth)->capture_default_str();
  app.add_option("--w-trust", w.trust)->capture_default_str();
  app.add_option("--w-proximity", w.proximity)->capture_default_str();
  app.add_option("--w-capacity", w.capacity)->capture_default_str();
  app.add_option("--w-benefit", w.benefit_alignment)->capture_default_str();
  app.add_option("--w-activity", w.activity)->capture_default_str();
  app.add_option("--w-network", w.network)->capture_default_str();
  app.add_option("--depth-share", w.depth_match_share)->capture_default_str();
  // A later flag overrides an earlier one (baselines build on "all off").
  for (auto* option : app.get_options()) {
    option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  CLI11_PARSE(app, argc, argv);
  options.data_dir = db;
  auto ranker = helixmatch::LearnedRanker::FromFlag(ranking_model);
  if (!ranker.ok()) {
    std::fprintf(stderr, "eval: --ranking-model: %s\n",
                 std::string(ranker.status().message()).c_str());
    return 1;
  }
  options.ranker = std::move(*ranker);
  const bool dumping = !dump_features.empty();
  if (dumping && options.ranker != nullptr) {
    std::fprintf(stderr,
                 "eval: --dump-features ranks by the weighted sum; "
                 "leave out --ranking-model\n");
    return 2;
  }
  options.reference_year = profiles_until + 1;

  auto loaded = helixmatch::bench::LoadCordisQueries(
      data_dir, profiles_until, queries_from, queries_until);
  if (!loaded.ok()) {
    std::fprintf(stderr, "eval: %s\n",
                 std::string(loaded.status().message()).c_str());
    return 1;
  }
  auto engine = helixmatch::MatchingEngine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "eval: %s\n",
                 std::string(engine.status().message()).c_str());
    return 1;
  }
  // The scale of the model's count features: the live capability
  // profiles (all public in CORDIS, so what every asker sees).
  const int64_t catalog_profiles = (*engine)->Stats().capabilities();
  // Relevant: the project's universities that have a profile.
  std::vector<Query> queries;
  int no_relevant = 0;
  for (auto& q : *loaded) {
    std::set<std::string> relevant;
    for (const auto& id : q.relevant) {
      if ((*engine)->HasProfiles(id)) relevant.insert(id);
    }
    if (relevant.empty()) {
      ++no_relevant;
      continue;
    }
    queries.push_back({std::move(q.firm), std::move(q.text),
                       std::move(relevant), q.tied, std::move(q.programme),
                       std::move(q.topic)});
  }
  if (limit > 0 && static_cast<int>(queries.size()) > limit) {
    // A fixed-seed sample across the whole year, not its first projects.
    std::mt19937 rng(2019);
    std::shuffle(queries.begin(), queries.end(), rng);
    queries.resize(static_cast<size_t>(limit));
  }

  std::vector<Metrics> per_query(queries.size());
  // Per query, its feature rows (dump mode).
  std::vector<std::string> dumped(dumping ? queries.size() : 0);
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < queries.size(); i = next++) {
        const Query& q = queries[i];
        helixmatch::v1::RecommendRequest request;
        request.set_text(q.text.substr(0, helixmatch::kMaxQueryTextBytes));
        request.set_direction(helixmatch::v1::DIRECTION_NEED_TO_CAPABILITIES);
        request.set_requester_organization_id(q.firm);
        request.set_k(dumping ? helixmatch::LearnedRanker::kTrainingDepth
                              : kMrrDepth);
        if (!no_call && (!q.programme.empty() || !q.topic.empty())) {
          request.mutable_funding_call()->set_programme(q.programme);
          request.mutable_funding_call()->set_topic(q.topic);
        }
        request.set_profiles_per_organization(1);
        request.set_omit_explanations(true);
        request.mutable_filter()->add_kinds(
            helixmatch::v1::ORGANIZATION_KIND_UNIVERSITY);
        auto response = (*engine)->Recommend(request);
        Metrics m;
        m.n = 1;
        if (!response.ok()) {
          ++failures;
          per_query[i] = m;
          continue;
        }
        if (dumping) {
          std::array<float, helixmatch::kRankingFeatureCount> row;
          std::string& out = dumped[i];
          for (const auto& s : response->suggestions()) {
            helixmatch::RankingFeatureRow(s.breakdown(), s.matching_profiles(),
                                          s.total_profiles(), catalog_profiles,
                                          row);
            absl::StrAppend(&out, i, "\t",
                            q.relevant.count(s.organization().id()) ? 1 : 0);
            for (float v : row) absl::StrAppend(&out, "\t", v);
            out += "\n";
          }
        }
        int hits = 0;
        double dcg = 0;
        for (int r = 0; r < response->suggestions_size(); ++r) {
          if (!q.relevant.count(response->suggestions(r).organization().id()))
            continue;
          if (m.mrr == 0) m.mrr = 1.0 / (r + 1);
          if (r < 10) {
            ++hits;
            dcg += 1.0 / std::log2(r + 2.0);
          }
        }
        double idcg = 0;
        for (int r = 0; r < std::min<int>(10, q.relevant.size()); ++r) {
          idcg += 1.0 / std::log2(r + 2.0);
        }
        m.recall = static_cast<double>(hits) / q.relevant.size();
        m.ndcg = dcg / idcg;
        // The same request's candidate pool (retrieval only, no ranking).
        auto pool = (*engine)->CandidateOrganizations(request);
        if (!pool.ok()) {
          ++failures;
        } else {
          int reached = 0;
          for (const auto& id : *pool) reached += q.relevant.count(id);
          m.candidate = static_cast<double>(reached) / q.relevant.size();
        }
        per_query[i] = m;
      }
    });
  }
  for (auto& t : pool) t.join();

  if (dumping) {
    std::ofstream out(dump_features, std::ios::trunc);
    for (const auto& rows : dumped) out << rows;
    out.close();
    if (!out) {
      std::fprintf(stderr, "eval: writing %s failed\n", dump_features.c_str());
      return 1;
    }
  }
  Metrics all, tied, untied;
  for (size_t i = 0; i < queries.size(); ++i) {
    all.Add(per_query[i]);
    (queries[i].tied ? tied : untied).Add(per_query[i]);
  }
  const auto row = [](const char* name, const Metrics& m) {
    std::printf("%-34s %6d  %6.3f  %7.3f  %6.3f  %9.3f\n", name, m.n,
                m.Mean(m.recall), m.Mean(m.ndcg), m.Mean(m.mrr),
                m.Mean(m.candidate));
  };
  std::printf(
      "profiles until %d, queries %d-%d (%d project-firm pairs "
      "without a profiled university left out), %d failed\n",
      profiles_until, queries_from, queries_until, no_relevant,
      failures.load());
  std::printf("%-34s %6s  %6s  %7s  %6s  %9s\n", "segment", "n", "R@10",
              "nDCG@10", "MRR", "cand.rec.");
  row("all queries", all);
  row("firms with earlier university ties", tied);
  row("firms without", untied);
  std::printf(
      "{\"queries\": %d, \"recall_at_10\": %.4f, \"ndcg_at_10\": %.4f, "
      "\"mrr\": %.4f, \"candidate_recall\": %.4f, \"with_ties\": %s, "
      "\"without_ties\": %s}\n",
      all.n, all.Mean(all.recall), all.Mean(all.ndcg), all.Mean(all.mrr),
      all.Mean(all.candidate), tied.Json().c_str(), untied.Json().c_str());
  return failures.load() == 0 ? 0 : 1;
}
