// The explained suggestion of one ranked organization: its score
// breakdown, the profiles that matched with their terms, the evidence
// terms, the engagement-ladder step, every barrier assessment and the
// pair's earlier ties as trust evidence. Built for the k best only.
//
// Call under the engine's read lock. Pure otherwise.
#ifndef HELIXMATCH_SERVICES_EXPLAIN_SUGGESTION_H_
#define HELIXMATCH_SERVICES_EXPLAIN_SUGGESTION_H_

#include <string>
#include <vector>

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

// How a claimed engagement outcome is shown: "2025 CONTRACT_RESEARCH,
// claimed by ORG and not confirmed by ORG (adds no trust): REFERENCE".
std::string ClaimedOutcomeLine(const v1::Outcome& outcome);

// The claimed engagement outcomes between two organizations that `viewer`
// may see (its own, as a party), as ClaimedOutcomeLine, newest first.
std::vector<std::string> ClaimedOutcomeLines(const Catalog& catalog, uint32_t a,
                                             uint32_t b, const Viewer& viewer);

// `best_fit` is the best fit among all candidates (for topic depth).
v1::Suggestion BuildSuggestion(const Catalog& catalog, const Query& query,
                               const RankingWeights& weights,
                               const RankedOrganization& ranked,
                               double best_fit,
                               const SuggestionOptions& options);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_EXPLAIN_SUGGESTION_H_
