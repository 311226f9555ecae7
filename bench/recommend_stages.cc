// Where one Recommend request's time goes, stage by stage, on one thread:
// resolve (request checks, query embedding, requester), retrieve
// (candidate profiles), rank (profile fit, features of every candidate
// organization, the k best), explain (suggestions for the k best) and
// serialize (the response's protobuf bytes). Calls the same functions as
// the engine's Recommend (services/engine/recommend.cc) over a catalog
// loaded from a data folder, with the CORDIS company queries (a firm's
// project title and call topic, the firm as requester) or, without CORDIS
// data, the first words of each capability profile.
//
//   build/bench/recommend_stages --db DIR [--cordis DATA_DIR] [--queries N]
//                                [-k 10] [--no-requester] [--no-explain]
//                                [--ranking-model default|none|FILE]
//                                [--repeat R] [--with-call]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/cordis_queries.h"
#include "indexer/default_paths.h"
#include "indexer/embedder.h"
#include "indexer/record_store.h"
#include "services/engine/catalog_loader.h"
#include "services/explain/suggestion.h"
#include "services/query/query_resolver.h"
#include "services/query/recommend_request.h"
#include "services/query/retrieval.h"
#include "services/query/target_filter.h"
#include "services/ranking/learned_ranker.h"
#include "services/ranking/scorer.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Sample {
  double resolve = 0, retrieve = 0, rank = 0, explain = 0, serialize = 0;
  double total() const {
    return resolve + retrieve + rank + explain + serialize;
  }
  int candidates = 0;
};

double Micros(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

std::vector<helixmatch::v1::RecommendRequest> Requests(
    const std::string& cordis, bool requester, bool call, int k) {
  std::vector<helixmatch::v1::RecommendRequest> out;
  auto queries = helixmatch::bench::LoadCordisQueries(cordis, 2018, 2019, 2019);
  if (!queries.ok()) {
    std::fprintf(stderr, "stages: %s\n",
                 std::string(queries.status().message()).c_str());
    return out;
  }
  for (const auto& q : *queries) {
    helixmatch::v1::RecommendRequest r;
    r.set_text(q.text);
    r.set_direction(helixmatch::v1::DIRECTION_NEED_TO_CAPABILITIES);
    r.set_k(k);
    if (requester) r.set_requester_organization_id(q.firm);
    if (call) {
      r.mutable_funding_call()->set_programme(q.programme);
      r.mutable_funding_call()->set_topic(q.topic);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Recommend's stages, timed one by one on one thread"};
  std::string db, cordis, vectors_path = helixmatch::DefaultWordVectorsPath();
  int queries = 500, k = 10, repeat = 1;
  bool no_requester = false, no_explain = false, with_call = false;
  app.add_option("--db", db, "Data folder")->required();
  app.add_option("--cordis", cordis, "CORDIS data folder (company queries)")
      ->required();
  app.add_option("--queries", queries)->capture_default_str();
  app.add_option("-k", k)->capture_default_str();
  app.add_option("--repeat", repeat,
                 "Times to run the query set (a longer run for a profiler)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--word-vectors", vectors_path)->capture_default_str();
  std::string ranking_model = "default";
  app.add_option("--ranking-model", ranking_model,
                 "As the server's flag: 'default', a model file, or 'none' "
                 "(the weighted sum)")
      ->capture_default_str();
  app.add_flag("--no-requester", no_requester);
  app.add_flag("--no-explain", no_explain);
  app.add_flag("--with-call", with_call,
               "Name the project's funding call (programme part and topic): "
               "the learned ranker ranks such queries");
  CLI11_PARSE(app, argc, argv);

  auto vectors = helixmatch::WordVectors::Load(vectors_path);
  auto store = helixmatch::RecordStore::Open(db + "/store");
  if (!vectors.ok() || !store.ok()) {
    std::fprintf(stderr, "stages: cannot open %s\n", db.c_str());
    return 1;
  }
  auto model = (*store)->GetModel();
  if (!model.ok() || !model->has_value()) return 1;
  auto embedder = helixmatch::GloveIdfEmbedder::FromModel(*vectors, **model);
  if (!embedder.ok()) return 1;
  const helixmatch::RankingWeights weights;
  auto ranker = helixmatch::LearnedRanker::FromFlag(ranking_model);
  if (!ranker.ok()) {
    std::fprintf(stderr, "stages: %s\n",
                 std::string(ranker.status().message()).c_str());
    return 1;
  }
  auto loaded = helixmatch::LoadCatalog(**store, helixmatch::DataDir{db},
                                        (*embedder)->Dimension(), {});
  if (!loaded.ok()) {
    std::fprintf(stderr, "stages: %s\n",
                 std::string(loaded.status().message()).c_str());
    return 1;
  }
  const helixmatch::Catalog& catalog = *loaded->catalog;
  auto requests = Requests(cordis, !no_requester, with_call, k);
  std::mt19937 rng(2019);
  std::shuffle(requests.begin(), requests.end(), rng);
  if (static_cast<int>(requests.size()) > queries) requests.resize(queries);

  std::vector<Sample> samples;
  for (int round = 0; round < repeat; ++round) {
    for (const auto& request : requests) {
      Sample s;
      const auto t0 = Clock::now();
      if (!helixmatch::ValidateRecommendRequest(request).ok()) continue;
      // As an operator asks (the engine's default viewer): with a
      // requester, that organization's view.
      auto q = helixmatch::ResolveQuery(catalog, **embedder, request,
                                        helixmatch::Viewer::Operator());
      if (!q.ok()) continue;
      const auto t1 = Clock::now();
      const helixmatch::TargetFilter filter(catalog, *q);
      auto pool = helixmatch::RetrieveCandidates(catalog, *q, filter,
                                                 {k, weights.trust > 0});
      if (!pool.ok()) continue;
      const auto t2 = Clock::now();
      const auto ranking = helixmatch::RankCandidates(
          catalog, *q, weights, 2019, *pool, k, ranker->get());
      const auto t3 = Clock::now();
      helixmatch::v1::RecommendResponse response;
      if (!ranking.ok()) continue;
      for (const auto& ranked : ranking->top) {
        *response.add_suggestions() = helixmatch::BuildSuggestion(
            catalog, *q, weights, ranked, ranking->best_fit,
            {helixmatch::kDefaultProfilesShown, no_explain, 2019});
      }
      const auto t4 = Clock::now();
      const std::string bytes = response.SerializeAsString();
      const auto t5 = Clock::now();
      s.resolve = Micros(t0, t1);
      s.retrieve = Micros(t1, t2);
      s.rank = Micros(t2, t3);
      s.explain = Micros(t3, t4);
      s.serialize = Micros(t4, t5);
      s.candidates = ranking->candidates_considered;
      samples.push_back(s);
    }
  }
  const auto column = [&](double Sample::*field) {
    std::vector<double> v;
    for (const auto& s : samples) v.push_back(s.*field);
    return v;
  };
  std::vector<double> totals, candidates;
  for (const auto& s : samples) {
    totals.push_back(s.total());
    candidates.push_back(s.candidates);
  }
  std::printf("%zu queries, k=%d, requester %s, explanations %s, call %s\n",
              samples.size(), k, no_requester ? "no" : "yes",
              no_explain ? "no" : "yes", with_call ? "yes" : "no");
  std::printf("%-10s %9s %9s %9s\n", "stage", "p50 us", "p90 us", "p99 us");
  const std::pair<const char*, double Sample::*> stages[] = {
      {"resolve", &Sample::resolve},
      {"retrieve", &Sample::retrieve},
      {"rank", &Sample::rank},
      {"explain", &Sample::explain},
      {"serialize", &Sample::serialize}};
  for (const auto& [name, field] : stages) {
    const auto v = column(field);
    std::printf("%-10s %9.1f %9.1f %9.1f\n", name, Percentile(v, 0.5),
                Percentile(v, 0.9), Percentile(v, 0.99));
  }
  std::printf("%-10s %9.1f %9.1f %9.1f\n", "total", Percentile(totals, 0.5),
              Percentile(totals, 0.9), Percentile(totals, 0.99));
  std::printf("candidate profiles: p50 %.0f, p90 %.0f, p99 %.0f\n",
              Percentile(candidates, 0.5), Percentile(candidates, 0.9),
              Percentile(candidates, 0.99));
  return 0;
}
