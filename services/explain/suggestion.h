// The explained suggestion of one ranked organization: its score
// breakdown, the profiles that matched with their terms, the evidence
// terms, the engagement-ladder step, every barrier assessment and the
// pair's earlier ties as trust evidence. Built for the k best only.
//
// Call under the engine's read lock. Pure otherwise.
#ifndef HELIXMATCH_SERVICES_EXPLAIN_SUGGESTION_H_
#define HELIXMATCH_SERVICES_EXPLAIN_SUGGESTION_H_

#include "helixmatch/v1/matching.pb.h"
#include "services/catalog/catalog.h"
#include "services/query/query.h"
#include "services/ranking/scorer.h"
#include "services/ranking/weights.h"

namespace helixmatch {

struct SuggestionOptions {
  int profiles_shown = 3;
  // Only the organization, its score and the breakdown.
  bool omit_explanations = false;
  int reference_year = 2026;
};

// `best_fit` is the best fit among all candidates (for topic depth).
v1::Suggestion BuildSuggestion(const Catalog& catalog, const Query& query,
                               const RankingWeights& weights,
                               const RankedOrganization& ranked,
                               double best_fit,
                               const SuggestionOptions& options);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_EXPLAIN_SUGGESTION_H_
