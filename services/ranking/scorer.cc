#include "services/ranking/scorer.h"

#include <algorithm>

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
}

RankedOrganization RankOrganization(const Catalog& catalog, const Query& query,
                                    const RankingWeights& weights,
                                    int reference_year, uint32_t organization,
                                    std::vector<ProfileFit> profiles,
                                    double best_fit, bool keep_first) {
  RankedOrganization r;
  r.organization = organization;
  r.profiles = std::move(profiles);
  SortByFit(*query.target, r.profiles, keep_first);
  r.features = ComputeFeatures(catalog, query, weights, reference_year,
                               organization, r.profiles, best_fit);
  r.score = WeightedScore(r.features, weights);
  return r;
}

Ranking RankCandidates(const Catalog& catalog, const Query& query,
                       const RankingWeights& weights, int reference_year,
                       const CandidatePool& pool, int k) {
  // Scored profiles follow pool.slots, so each organization's profiles
  // are one range; the buffer is reused by the thread's next query.
  thread_local std::vector<ProfileFit> scored;
  ScoreProfilesInto(query, weights, pool.slots, &scored);
  Ranking ranking;
  ranking.best_fit = BestFit(scored);
  ranking.candidates_considered = static_cast<int>(scored.size());
  struct Scored {
    double score;
    size_t group;  // into pool.organizations
    OrganizationFeatures features;
  };
  std::vector<Scored> all;
  all.reserve(pool.organizations.size());
  for (size_t g = 0; g < pool.organizations.size(); ++g) {
    const auto& group = pool.organizations[g];
    const std::span<ProfileFit> profiles(scored.data() + group.begin,
                                         group.end - group.begin);
    SortByFit(*query.target, profiles);
    OrganizationFeatures f =
        ComputeFeatures(catalog, query, weights, reference_year,
                        group.organization, profiles, ranking.best_fit);
    all.push_back({WeightedScore(f, weights), g, f});
  }
  const auto& organizations = catalog.organizations();
  const auto id_of = [&](const Scored& s) -> const std::string& {
    return organizations[pool.organizations[s.group].organization]
        .record->id();
  };
  const size_t keep = std::min(all.size(), static_cast<size_t>(std::max(0, k)));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep),
                    all.end(), [&](const Scored& a, const Scored& b) {
                      if (a.score != b.score) return a.score > b.score;
                      return id_of(a) < id_of(b);
                    });
  ranking.top.reserve(keep);
  for (size_t i = 0; i < keep; ++i) {
    const auto& group = pool.organizations[all[i].group];
    RankedOrganization r;
    r.organization = group.organization;
    r.profiles.assign(scored.begin() + group.begin, scored.begin() + group.end);
    r.features = all[i].features;
    r.score = all[i].score;
    ranking.top.push_back(std::move(r));
  }
  return ranking;
}

}  // namespace helixmatch
