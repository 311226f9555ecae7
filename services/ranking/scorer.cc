#include "services/ranking/scorer.h"

#include <algorithm>
#include <array>
#include <functional>

namespace helixmatch {

double WeightedScore(const OrganizationFeatures& f, const RankingWeights& w) {
  return f.topical_fit + w.depth * f.depth + w.trust * f.trust.value_or(0) +
         w.proximity * f.proximity.value_or(0) +
         w.capacity * f.capacity.value_or(0) +
         w.benefit_alignment * f.benefit_alignment.value_or(0) +
         w.activity * f.activity + w.network * f.network;
}

void FillBreakdown(const OrganizationFeatures& f, v1::ScoreBreakdown* b) {
  b->set_dense(f.dense);
  b->set_lexical(f.lexical);
  b->set_topical_fit(f.topical_fit);
  b->set_depth(f.depth);
  const auto put = [b](const std::optional<double>& value, const char* name,
                       void (v1::ScoreBreakdown::*set)(double)) {
    if (value) {
      (b->*set)(*value);
    } else {
      b->add_unknown_features(name);
    }
  };
  put(f.trust, "trust", &v1::ScoreBreakdown::set_trust);
  put(f.proximity, "proximity", &v1::ScoreBreakdown::set_proximity);
  put(f.capacity, "capacity", &v1::ScoreBreakdown::set_capacity);
  put(f.benefit_alignment, "benefit_alignment",
      &v1::ScoreBreakdown::set_benefit_alignment);
  b->set_activity(f.activity);
  b->set_network(f.network);
  if (f.call_family_profiles) {
    b->set_call_family_profiles(*f.call_family_profiles);
  } else {
    b->add_unknown_features("call_family_profiles");
  }
  if (f.programme_profiles) {
    b->set_programme_profiles(*f.programme_profiles);
  } else {
    b->add_unknown_features("programme_profiles");
  }
  b->set_best_lexical(f.best_lexical);
  b->set_lexical_rank(f.lexical_rank);
  put(f.tie_share, "tie_share", &v1::ScoreBreakdown::set_tie_share);
  if (f.years_since_tie) {
    b->set_years_since_tie(*f.years_since_tie);
  } else {
    b->add_unknown_features("years_since_tie");
  }
  b->set_firm_partners(f.firm_partners);
  put(f.country_affinity, "country_affinity",
      &v1::ScoreBreakdown::set_country_affinity);
  if (f.same_country) {
    b->set_same_country(*f.same_country);
  } else {
    b->add_unknown_features("same_country");
  }
}

void FillBreakdown(const RankedOrganization& r, v1::ScoreBreakdown* b) {
  FillBreakdown(r.features, b);
  if (r.contributions.size() != kRankingFeatureCount + 1) return;
  const auto& names = RankingFeatureNames();
  for (int i = 0; i < kRankingFeatureCount; ++i) {
    auto* c = b->add_contributions();
    c->set_feature(std::string(names[static_cast<size_t>(i)]));
    c->set_value(r.contributions[static_cast<size_t>(i)]);
    c->set_group(std::string(FeatureGroup(names[static_cast<size_t>(i)])));
  }
  b->set_bias(r.contributions.back());
}

namespace {

// The model's inputs of one organization, as its breakdown reports them
// (the one definition training and serving share). Counts are scaled by
// the live profiles of the query's target set the asker may see.
void FeatureRow(const Query& query, const OrganizationFeatures& f,
                v1::ScoreBreakdown* scratch,
                std::span<float, kRankingFeatureCount> row) {
  scratch->Clear();
  FillBreakdown(f, scratch);
  RankingFeatureRow(*scratch, f.matching_profiles, f.total_profiles,
                    query.target->live(query.seen), row);
}

}  // namespace

bool LearnedRankerApplies(const Query& q) {
  return !q.funding_call.programme().empty() || !q.funding_call.topic().empty();
}

RankedOrganization RankOrganization(const Catalog& catalog, const Query& query,
                                    const RankingWeights& weights,
                                    int reference_year, uint32_t organization,
                                    std::vector<ProfileFit> profiles,
                                    double best_fit, bool keep_first,
                                    const LearnedRanker* ranker) {
  RankedOrganization r;
  r.organization = organization;
  r.profiles = std::move(profiles);
  SortByFit(*query.target, r.profiles, keep_first);
  r.features = ComputeFeatures(catalog, query, weights, reference_year,
                               organization, r.profiles, best_fit);
  r.score = WeightedScore(r.features, weights);
  if (ranker != nullptr && LearnedRankerApplies(query)) {
    v1::ScoreBreakdown scratch;
    std::array<float, kRankingFeatureCount> row;
    FeatureRow(query, r.features, &scratch, row);
    // An XGBoost failure (never seen) leaves the weighted score and no
    // contributions: Explain still answers, with the weighted sum's words.
    auto contributions = ranker->Contributions(row);
    if (contributions.ok()) {
      r.contributions = std::move(*contributions);
      double sum = 0;
      for (float c : r.contributions) sum += c;
      r.score = sum;
    }
  }
  return r;
}

namespace {

struct Scored {
  double score;
  size_t group;  // into pool.organizations
  OrganizationFeatures features;
};

// Adds the shared-partners feature to the candidates that can still reach
// the top `keep`, and drops the others from `all`. The feature is below 1,
// so a candidate whose score without it is `weights.network` or more below
// the keep-th best full score cannot enter; candidates are taken best
// first, so the first such one ends the walk. The result is the top k the
// feature computed for everyone would give.
template <class Better>
void AddNetwork(const Catalog& catalog, const Query& query,
                const RankingWeights& weights, const CandidatePool& pool,
                size_t keep, const Better& better, std::vector<Scored>& all) {
  std::sort(all.begin(), all.end(), better);
  std::vector<double> best_full;  // min-heap of the best `keep` full scores
  size_t computed = 0;
  for (; computed < all.size(); ++computed) {
    Scored& s = all[computed];
    if (best_full.size() == keep &&
        (keep == 0 || s.score + weights.network < best_full.front())) {
      break;
    }
    s.features.network =
        NetworkFeature(catalog, pool.organizations[s.group].organization,
                       query.requester, query.partners);
    s.score += weights.network * s.features.network;
    best_full.push_back(s.score);
    std::push_heap(best_full.begin(), best_full.end(), std::greater<>());
    if (best_full.size() > keep) {
      std::pop_heap(best_full.begin(), best_full.end(), std::greater<>());
      best_full.pop_back();
    }
  }
  all.resize(computed);
}

}  // namespace

absl::StatusOr<Ranking> RankCandidates(const Catalog& catalog,
                                       const Query& query,
                                       const RankingWeights& weights,
                                       int reference_year,
                                       const CandidatePool& pool, int k,
                                       const LearnedRanker* ranker) {
  if (!LearnedRankerApplies(query)) ranker = nullptr;
  // Scored profiles follow pool.slots, so each organization's profiles
  // are one range; the buffer is reused by the thread's next query.
  thread_local std::vector<ProfileFit> scored;
  ScoreProfilesInto(query, weights, pool.slots, &scored);
  Ranking ranking;
  ranking.best_fit = BestFit(scored);
  ranking.candidates_considered = static_cast<int>(scored.size());
  ranking.learned = ranker != nullptr;
  // Shared partners are the one feature that costs a walk per candidate:
  // they are computed after the others, best candidates first, and only
  // while they can still change the top k.
  RankingWeights without_network = weights;
  without_network.network = 0;
  std::vector<Scored> all;
  all.reserve(pool.organizations.size());
  for (size_t g = 0; g < pool.organizations.size(); ++g) {
    const auto& group = pool.organizations[g];
    const std::span<ProfileFit> profiles(scored.data() + group.begin,
                                         group.end - group.begin);
    SortByFit(*query.target, profiles);
    OrganizationFeatures f =
        ScoredFeatures(catalog, query, without_network, reference_year,
                       group.organization, profiles, ranking.best_fit);
    all.push_back({WeightedScore(f, without_network), g, f});
  }
  const auto& organizations = catalog.organizations();
  const auto id_of = [&](const Scored& s) -> const std::string& {
    return organizations[pool.organizations[s.group].organization].record->id();
  };
  const auto better = [&](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    return id_of(a) < id_of(b);
  };
  // Rank of each organization's best BM25 among all candidates (ties share
  // the better rank).
  {
    std::vector<std::pair<double, size_t>> by_lexical;
    by_lexical.reserve(all.size());
    for (size_t i = 0; i < all.size(); ++i) {
      by_lexical.emplace_back(all[i].features.best_lexical, i);
    }
    std::sort(by_lexical.begin(), by_lexical.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < by_lexical.size(); ++i) {
      const bool tie = i > 0 && by_lexical[i].first == by_lexical[i - 1].first;
      all[by_lexical[i].second].features.lexical_rank =
          tie ? all[by_lexical[i - 1].second].features.lexical_rank
              : static_cast<int>(i + 1);
    }
  }
  const size_t k_wanted = static_cast<size_t>(std::max(0, k));
  const size_t keep = std::min(
      all.size(), ranker != nullptr
                      ? std::max<size_t>(k_wanted, LearnedRanker::kRerankDepth)
                      : k_wanted);
  if (weights.network > 0 && !query.partners.empty()) {
    AddNetwork(catalog, query, weights, pool, keep, better, all);
  }
  std::partial_sort(all.begin(),
                    all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                    better);
  all.resize(keep);
  for (Scored& s : all) {
    const auto& group = pool.organizations[s.group];
    AddPairFeatures(catalog, query,
                    SidesOf(catalog, query, group.organization,
                            query.target->entry(scored[group.begin].slot)),
                    &s.features);
  }
  std::vector<std::vector<float>> contributions;
  if (ranker != nullptr && !all.empty()) {
    thread_local v1::ScoreBreakdown scratch;
    std::vector<float> rows(all.size() * kRankingFeatureCount);
    for (size_t i = 0; i < all.size(); ++i) {
      FeatureRow(
          query, all[i].features, &scratch,
          std::span<float, kRankingFeatureCount>(
              rows.data() + i * kRankingFeatureCount, kRankingFeatureCount));
    }
    auto scores = ranker->Score(rows);
    if (!scores.ok()) return scores.status();
    for (size_t i = 0; i < all.size(); ++i) all[i].score = (*scores)[i];
    const size_t top = std::min(all.size(), k_wanted);
    std::partial_sort(all.begin(),
                      all.begin() + static_cast<std::ptrdiff_t>(top), all.end(),
                      better);
    all.resize(top);
    // Explained from the same rows: the k best keep their positions.
    std::vector<float> top_rows;
    top_rows.reserve(top * kRankingFeatureCount);
    for (size_t i = 0; i < top; ++i) {
      FeatureRow(query, all[i].features, &scratch,
                 std::span<float, kRankingFeatureCount>(rows.data(),
                                                        kRankingFeatureCount));
      top_rows.insert(top_rows.end(), rows.begin(),
                      rows.begin() + kRankingFeatureCount);
    }
    auto explained = ranker->Contributions(top_rows);
    if (!explained.ok()) return explained.status();
    constexpr size_t kWidth = kRankingFeatureCount + 1;
    for (size_t i = 0; i < top; ++i) {
      contributions.emplace_back(
          explained->begin() + static_cast<std::ptrdiff_t>(i * kWidth),
          explained->begin() + static_cast<std::ptrdiff_t>((i + 1) * kWidth));
    }
  }
  const size_t returned = std::min(all.size(), k_wanted);
  ranking.top.reserve(returned);
  for (size_t i = 0; i < returned; ++i) {
    const auto& group = pool.organizations[all[i].group];
    RankedOrganization r;
    r.organization = group.organization;
    r.profiles.assign(scored.begin() + group.begin, scored.begin() + group.end);
    r.features = all[i].features;
    r.score = all[i].score;
    if (i < contributions.size()) r.contributions = std::move(contributions[i]);
    ranking.top.push_back(std::move(r));
  }
  return ranking;
}

}  // namespace helixmatch
