// Which target profiles a query may return: live ones, not the
// requester's own, visible to the requester, and matching the request's
// filter (organization kinds, countries, regions, sectors, TRL). Passed
// into the vector search, so a filtered query still finds k results when
// k exist.
//
// Holds references to the catalog, the set and the filter: they must
// outlive it. Thread-safe for concurrent IsAllowed calls.
#ifndef HELIXMATCH_SERVICES_QUERY_TARGET_FILTER_H_
#define HELIXMATCH_SERVICES_QUERY_TARGET_FILTER_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "helixmatch/v1/matching.pb.h"
#include "indexer/vector_index.h"
#include "services/catalog/catalog.h"
#include "services/query/query.h"

namespace helixmatch {

class TargetFilter : public SlotFilter {
 public:
  // The filter of `query` over its target set.
  TargetFilter(const Catalog& catalog, const Query& query);

  bool IsAllowed(int64_t slot) const override;

 private:
  bool OrganizationAllowed(const v1::Organization& org) const;
  bool OrganizationAllowed(uint32_t organization) const;

  const Catalog& catalog_;
  const ProfileSet& set_;
  const v1::Filter& filter_;
  uint32_t requester_;
  bool programme_requester_;
  // Whether the filter names kinds, countries, regions or sectors; when
  // it does, each organization's answer is worked out once per query:
  // 0 unknown, 1 allowed, 2 not (idempotent, so concurrent callers may
  // both write it).
  bool by_organization_;
  std::unique_ptr<std::atomic<uint8_t>[]> organization_answer_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_QUERY_TARGET_FILTER_H_
