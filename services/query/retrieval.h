// Candidate generation for a query: the target profiles the ranking will
// score. Three sources, all through the query's TargetFilter:
//   - dense: the vector index's top N by inner product;
//   - lexical: the top N by a BM25-like weight over the postings of the
//     query's terms (terms in more than a tenth of the profiles are
//     skipped here: they add little but cost a long postings walk);
//   - the requester's earlier partners: their N profiles closest to the
//     query vector, however far the text is, since trust is the strongest
//     single signal of who works together.
// N starts at max(200, 20 k) and widens fourfold until the candidates
// span k organizations or every slot was considered; so at most 3 N
// profiles are ranked, whatever the asker's history.
//
// Call under the engine's read lock. The work arrays are kept per thread
// and reused, so a query allocates little beyond its result.
#ifndef HELIXMATCH_SERVICES_QUERY_RETRIEVAL_H_
#define HELIXMATCH_SERVICES_QUERY_RETRIEVAL_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "services/catalog/catalog.h"
#include "services/query/query.h"
#include "services/query/target_filter.h"

namespace helixmatch {

struct CandidatePool {
  struct Organization {
    uint32_t organization;
    uint32_t begin, end;  // its slots: slots[begin, end)
  };
  // Grouped by organization (ascending), ascending within a group.
  std::vector<uint32_t> slots;
  std::vector<Organization> organizations;
};

struct RetrievalOptions {
  int k = 10;  // organizations wanted
  // Add the closest profiles of the requester's earlier partners.
  bool partners = true;
};

// INTERNAL when the vector search fails.
absl::StatusOr<CandidatePool> RetrieveCandidates(const Catalog& catalog,
                                                 const Query& query,
                                                 const TargetFilter& filter,
                                                 const RetrievalOptions& options);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_QUERY_RETRIEVAL_H_
