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
  std::vector<ProfileFit> scored = ScoreProfiles(query, weights, pool.slots);
  Ranking ranking;
  ranking.best_fit = BestFit(scored);
  ranking.candidates_considered = static_cast<int>(scored.size());
  std::vector<RankedOrganization> all;
  all.reserve(pool.by_organization.size());
  for (const auto& [organization, slots] : pool.by_organization) {
    std::vector<ProfileFit> profiles;
    profiles.reserve(slots.size());
    for (uint32_t slot : slots) {
      // pool.slots is ascending and scored follows it.
      const auto at =
          std::lower_bound(pool.slots.begin(), pool.slots.end(), slot) -
          pool.slots.begin();
      profiles.push_back(std::move(scored[static_cast<size_t>(at)]));
    }
    all.push_back(RankOrganization(catalog, query, weights, reference_year,
                                   organization, std::move(profiles),
                                   ranking.best_fit));
  }
  const auto& organizations = catalog.organizations();
  const auto better = [&](const RankedOrganization& a,
                          const RankedOrganization& b) {
    if (a.score != b.score) return a.score > b.score;
    return organizations[a.organization].record->id() <
           organizations[b.organization].record->id();
  };
  const size_t keep = std::min(all.size(), static_cast<size_t>(std::max(0, k)));
  std::partial_sort(all.begin(),
                    all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                    better);
  all.resize(keep);
  ranking.top = std::move(all);
  return ranking;
}

}  // namespace helixmatch
