// Scores candidate organizations and keeps the k best: the best profile's
// topical fit plus the weighted organization features, ties broken by
// organization id. Every candidate's features are computed once here;
// explanations are built afterwards, for the k best only.
//
// Call under the engine's read lock. Pure otherwise.
#ifndef HELIXMATCH_SERVICES_RANKING_SCORER_H_
#define HELIXMATCH_SERVICES_RANKING_SCORER_H_

#include <cstdint>
#include <vector>

#include "helixmatch/v1/matching.pb.h"
#include "services/catalog/catalog.h"
#include "services/query/query.h"
#include "services/query/retrieval.h"
#include "services/ranking/features.h"
#include "services/ranking/learned_ranker.h"
#include "services/ranking/profile_fit.h"
#include "services/ranking/weights.h"

namespace helixmatch {

struct RankedOrganization {
  uint32_t organization = kNoIndex;
  std::vector<ProfileFit> profiles;  // its candidate profiles, best first
  OrganizationFeatures features;
  double score = 0;
  // With a learned ranker: each model feature's contribution to `score`,
  // then the bias (kRankingFeatureCount + 1 values); else empty.
  std::vector<float> contributions;
};

struct Ranking {
  std::vector<RankedOrganization> top;  // best first, at most k
  double best_fit = 0;                  // among all candidate profiles
  int candidates_considered = 0;        // candidate profiles scored
  bool learned = false;  // the learned ranker ordered `top` (else the sum)
};

double WeightedScore(const OrganizationFeatures& features,
                     const RankingWeights& weights);

// The features as the response reports them; unknown ones are listed in
// unknown_features.
void FillBreakdown(const OrganizationFeatures& features,
                   v1::ScoreBreakdown* breakdown);
// The same, with the learned ranker's contributions when it has them.
void FillBreakdown(const RankedOrganization& ranked,
                   v1::ScoreBreakdown* breakdown);

// Whether the learned ranker ranks this query; otherwise it keeps the
// weighted sum, with no contributions in its breakdowns. The query must
// name a funding call: the model learned from queries that all named one;
// without it the model ranked worse than the weighted sum (CORDIS 2019:
// nDCG@10 0.168 against 0.176).
// Firms without earlier university ties are ranked by the model too: on
// the validation year (CORDIS 2018, model fitted on 2015-2017) it ranked
// them above the weighted sum (nDCG@10 0.1277 against 0.1183;
// bench/README.md). A model fitted on 2017 alone had ranked them below.
bool LearnedRankerApplies(const Query& query);

// Scores the profiles of one organization (its representative first when
// `keep_first`, else the best by fit) and computes its features.
// With `ranker` (and LearnedRankerApplies), the score is the model's
// (lexical_rank unknown: the organization is ranked alone).
RankedOrganization RankOrganization(const Catalog& catalog, const Query& query,
                                    const RankingWeights& weights,
                                    int reference_year, uint32_t organization,
                                    std::vector<ProfileFit> profiles,
                                    double best_fit, bool keep_first = false,
                                    const LearnedRanker* ranker = nullptr);

// The k best by weighted score; with `ranker` (may be null) and
// LearnedRankerApplies, the
// LearnedRanker::kRerankDepth best by weighted score re-ranked by the
// model, the k best of those with their contributions. Errors only from
// the model (INTERNAL).
absl::StatusOr<Ranking> RankCandidates(const Catalog& catalog,
                                       const Query& query,
                                       const RankingWeights& weights,
                                       int reference_year,
                                       const CandidatePool& pool, int k,
                                       const LearnedRanker* ranker = nullptr);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_RANKING_SCORER_H_
