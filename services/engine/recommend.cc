#include "services/engine/recommend.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "indexer/record_validation.h"
#include "services/explain/suggestion.h"
#include "services/query/query_resolver.h"
#include "services/query/recommend_request.h"
#include "services/query/retrieval.h"
#include "services/query/target_filter.h"
#include "services/ranking/profile_fit.h"
#include "services/ranking/scorer.h"

namespace helixmatch {

absl::StatusOr<v1::RecommendResponse> RecommendOver(
    const QueryContext& ctx, const v1::RecommendRequest& request) {
  if (auto s = ValidateRecommendRequest(request); !s.ok()) return s;
  auto query = ResolveQuery(ctx.catalog, ctx.embedder, request, ctx.caller);
  if (!query.ok()) return query.status();
  const Query& q = *query;
  const TargetFilter filter(ctx.catalog, q);
  auto pool = RetrieveCandidates(ctx.catalog, q, filter,
                                 {request.k(), ctx.weights.trust > 0});
  if (!pool.ok()) return pool.status();
  auto ranked_or =
      RankCandidates(ctx.catalog, q, ctx.weights, ctx.reference_year, *pool,
                     request.k(), ctx.ranker);
  if (!ranked_or.ok()) return ranked_or.status();
  const Ranking& ranking = *ranked_or;
  const SuggestionOptions options{request.profiles_per_organization() == 0
                                      ? kDefaultProfilesShown
                                      : request.profiles_per_organization(),
                                  request.omit_explanations(),
                                  ctx.reference_year};
  v1::RecommendResponse response;
  // The identity of what ordered the answer: the server's model, or the
  // weighted sum where the learned ranker does not apply.
  response.set_model(ctx.ranker == nullptr || ranking.learned
                         ? ctx.model_identity
                         : ctx.weighted_model_identity);
  response.set_candidates_considered(ranking.candidates_considered);
  for (const RankedOrganization& ranked : ranking.top) {
    *response.add_suggestions() = BuildSuggestion(
        ctx.catalog, q, ctx.weights, ranked, ranking.best_fit, options);
  }
  return response;
}

absl::StatusOr<std::vector<std::string>> CandidatesOver(
    const QueryContext& ctx, const v1::RecommendRequest& request) {
  if (auto s = ValidateRecommendRequest(request); !s.ok()) return s;
  auto query = ResolveQuery(ctx.catalog, ctx.embedder, request, ctx.caller);
  if (!query.ok()) return query.status();
  const TargetFilter filter(ctx.catalog, *query);
  auto pool = RetrieveCandidates(ctx.catalog, *query, filter,
                                 {request.k(), ctx.weights.trust > 0});
  if (!pool.ok()) return pool.status();
  std::vector<std::string> ids;
  ids.reserve(pool->organizations.size());
  for (const auto& group : pool->organizations) {
    ids.push_back(ctx.catalog.organization(group.organization).record->id());
  }
  return ids;
}

absl::StatusOr<v1::ExplainResponse> ExplainOver(
    const QueryContext& ctx, const v1::ExplainRequest& request) {
  if (auto s = ValidateId(request.need_id(), "need_id"); !s.ok()) return s;
  if (auto s = ValidateId(request.capability_id(), "capability_id"); !s.ok()) {
    return s;
  }
  const Catalog& catalog = ctx.catalog;
  const uint32_t cap_slot =
      catalog.capabilities().SlotOf(request.capability_id());
  if (cap_slot == kNoIndex) {
    return absl::NotFoundError(
        absl::StrCat("capability '", request.capability_id(), "' not found"));
  }
  v1::RecommendRequest as_query;
  as_query.set_need_id(request.need_id());
  as_query.set_k(1);
  auto query = ResolveQuery(catalog, ctx.embedder, as_query, ctx.caller);
  if (!query.ok()) return query.status();
  const ProfileEntry& cap = catalog.capabilities().entry(cap_slot);
  // Depth over the capability owner's own profiles, the explained one first.
  auto scored = ScoreProfiles(
      *query, ctx.weights, catalog.organization(cap.organization).capabilities);
  const double best_fit = BestFit(scored);
  const auto it =
      std::find_if(scored.begin(), scored.end(),
                   [&](const auto& c) { return c.slot == cap_slot; });
  std::iter_swap(scored.begin(), it);
  const RankedOrganization ranked =
      RankOrganization(catalog, *query, ctx.weights, ctx.reference_year,
                       cap.organization, std::move(scored), best_fit,
                       /*keep_first=*/true, ctx.ranker);
  v1::ExplainResponse response;
  *response.mutable_suggestion() =
      BuildSuggestion(catalog, *query, ctx.weights, ranked, best_fit,
                      {kDefaultProfilesShown, false, ctx.reference_year});
  *response.mutable_need() = *query->need;
  *response.mutable_capability() = *cap.capability;
  return response;
}

}  // namespace helixmatch
