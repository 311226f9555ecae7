// The query path of Recommend and Explain over a catalog: validate,
// resolve the query, retrieve candidates, rank every candidate
// organization, explain the k best.
//
// Call under the engine's read lock. Pure otherwise.
#ifndef HELIXMATCH_SERVICES_ENGINE_RECOMMEND_H_
#define HELIXMATCH_SERVICES_ENGINE_RECOMMEND_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "indexer/embedder.h"
#include "services/catalog/catalog.h"
#include "services/catalog/visibility.h"
#include "services/ranking/learned_ranker.h"
#include "services/ranking/weights.h"

namespace helixmatch {

struct QueryContext {
  const Catalog& catalog;
  const Embedder& embedder;
  const RankingWeights& weights;
  int reference_year;
  const std::string& model_identity;  // reported in responses
  // Reported instead for a query the learned ranker does not rank (see
  // LearnedRankerApplies): the weighted sum's.
  const std::string& weighted_model_identity;
  const Viewer& caller;               // who asks (visibility.h)
  // The learned ranker, or null for the weighted sum.
  const LearnedRanker* ranker = nullptr;
};

// Errors: see ValidateRecommendRequest and ResolveQuery.
absl::StatusOr<v1::RecommendResponse> RecommendOver(
    const QueryContext& context, const v1::RecommendRequest& request);

// The organizations whose profiles a Recommend of `request` would score
// (its candidate pool), by id in ascending index order: what the
// evaluation's candidate recall counts. Errors as RecommendOver.
absl::StatusOr<std::vector<std::string>> CandidatesOver(
    const QueryContext& context, const v1::RecommendRequest& request);

// The suggestion of one pair, the named capability first among its
// organization's profiles, from the need owner's side and as the caller
// sees it. INVALID_ARGUMENT for bad ids, NOT_FOUND for an unknown need or
// capability and for a need the caller may not see (the same message).
absl::StatusOr<v1::ExplainResponse> ExplainOver(
    const QueryContext& context, const v1::ExplainRequest& request);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGINE_RECOMMEND_H_
