// Turns a RecommendRequest into a Query over the catalog: the query
// record's stored vector and terms, or a free text embedded by the
// model; the requester with its earlier partners; the target set with
// the BM25 idf of the query's terms.
//
// Call under the engine's read lock (the Query points into the catalog
// and is valid while the lock is held). Pure otherwise.
#ifndef HELIXMATCH_SERVICES_QUERY_QUERY_RESOLVER_H_
#define HELIXMATCH_SERVICES_QUERY_QUERY_RESOLVER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "indexer/embedder.h"
#include "services/catalog/catalog.h"
#include "services/query/query.h"

namespace helixmatch {

// Errors: INVALID_ARGUMENT naming the field (direction against the query
// record, empty or long text, a text with no word the model or the corpus
// knows, a requester that does not own the queried record); NOT_FOUND for
// an unknown need, capability or requester. Expects a request that passed
// ValidateRecommendRequest.
absl::StatusOr<Query> ResolveQuery(const Catalog& catalog,
                                   const Embedder& embedder,
                                   const v1::RecommendRequest& request);

// Sets the vector and terms of a free-text query from its tokens;
// `known_words` counts the tokens the model knows.
void EmbedQueryText(const Catalog& catalog, const Embedder& embedder,
                    const std::vector<std::string>& tokens, Query* query,
                    int* known_words);

// Sets the requester, its partners and whether it is a programme.
void SetRequester(const Catalog& catalog, uint32_t organization, Query* query);

// Sets the target set from the query's direction and the idf of its terms.
void SetQueryTarget(const Catalog& catalog, Query* query);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_QUERY_QUERY_RESOLVER_H_
