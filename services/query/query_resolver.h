// Turns a RecommendRequest into a Query over the catalog: the query
// record's stored vector and terms, or a free text embedded by the
// model; the requester with its earlier partners; the target set with
// the BM25 idf of the query's terms.
//
// Call under the engine's read lock (the Query points into the catalog
// and is valid while the lock is held). Pure otherwise.
#ifndef HELIXMATCH_SERVICES_QUERY_QUERY_RESOLVER_H_
#define HELIXMATCH_SERVICES_QUERY_QUERY_RESOLVER_H_

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "indexer/embedder.h"
#include "services/catalog/catalog.h"
#include "services/query/query.h"

namespace helixmatch {

// `caller` is who asks (visibility.h). Errors: INVALID_ARGUMENT naming the
// field (direction against the query record, empty or long text, a text
// with no word the model or the corpus as the query's viewer sees it
// knows, a requester that does not own the queried record); NOT_FOUND
// for an unknown need, capability or requester, and for a need the caller
// may not see, with the same message ("need 'ID' not found"). Expects a
// request that passed ValidateRecommendRequest.
absl::StatusOr<Query> ResolveQuery(const Catalog& catalog,
                                   const Embedder& embedder,
                                   const v1::RecommendRequest& request,
                                   const Viewer& caller);

// Whose view a query of `caller` takes: the caller itself, except that an
// operator takes the view of the organization it asks for (`requester`;
// a programme when that organization is a government programme), or of
// an organization that owns nothing when it names none. So an operator
// asking for an organization gets that organization's answer.
Viewer QueryViewer(const Catalog& catalog, const Viewer& caller,
                   uint32_t requester);

// Sets the query's viewer and the audiences it sees.
void SetQueryViewer(Viewer viewer, Query* query);

// Sets the vector and terms of a free-text query from its tokens: the
// terms are those a record the query's viewer may see holds (set the
// viewer first), with their equivalents (AddEquivalentTerms);
// `known_words` counts the tokens the model knows.
void EmbedQueryText(const Catalog& catalog, const Embedder& embedder,
                    const std::vector<std::string>& tokens, Query* query,
                    int* known_words);

// Adds to the query's asked terms the equivalents of `asked` words in the
// model's other languages (Embedder::Equivalents: "copper" for "медь",
// "медь" and "мыс" for "copper"), where a record the query's viewer may
// see holds them, so BM25 matches across languages; term_via names the
// asked word each stands for; of a lemma's English words, those that
// fit the query's vector best. Set the viewer and the vector first; call
// once.
void AddEquivalentTerms(const Catalog& catalog, const Embedder& embedder,
                        std::span<const std::string> asked, Query* query);

// Sets the requester and its partners.
void SetRequester(const Catalog& catalog, uint32_t organization, Query* query);

// An equivalent term's idf is scaled by this: a translation is weaker
// evidence than the word itself.
inline constexpr double kEquivalentTermWeight = 0.7;

// Sets the target set from the query's direction and the idf of its
// terms over the profiles the query's viewer sees (equivalents scaled),
// and the query's idf_total.
void SetQueryTarget(const Catalog& catalog, Query* query);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_QUERY_QUERY_RESOLVER_H_
