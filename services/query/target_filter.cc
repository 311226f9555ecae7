#include "services/query/target_filter.h"

#include <algorithm>

namespace helixmatch {
namespace {

template <typename List, typename Value>
bool Contains(const List& list, const Value& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

TargetFilter::TargetFilter(const Catalog& catalog, const Query& query)
    : catalog_(catalog),
      set_(*query.target),
      filter_(query.filter),
      requester_(query.requester),
      programme_requester_(query.programme_requester),
      by_organization_(!filter_.kinds().empty() ||
                       !filter_.countries().empty() ||
                       !filter_.regions().empty() ||
                       !filter_.sectors().empty()) {
  if (by_organization_) {
    organization_answer_ = std::make_unique<std::atomic<uint8_t>[]>(
        catalog.organizations().size());
  }
}

bool TargetFilter::IsAllowed(int64_t slot) const {
  if (slot < 0 || slot >= static_cast<int64_t>(set_.entries().size())) {
    return false;
  }
  const ProfileEntry& e = set_.entry(static_cast<uint32_t>(slot));
  if (!e.live || e.organization == requester_) return false;
  if (e.need) {
    const auto v = e.need->visibility();
    if (v == v1::VISIBILITY_PRIVATE) return false;
    if (v == v1::VISIBILITY_PROGRAMME_ONLY && !programme_requester_) {
      return false;
    }
  }
  if (by_organization_ && !OrganizationAllowed(e.organization)) return false;
  return filter_.trl() == 0 ||
         (e.trl_min() <= filter_.trl() && filter_.trl() <= e.trl_max());
}

bool TargetFilter::OrganizationAllowed(uint32_t organization) const {
  std::atomic<uint8_t>& answer = organization_answer_[organization];
  uint8_t known = answer.load(std::memory_order_relaxed);
  if (known == 0) {
    known =
        OrganizationAllowed(*catalog_.organization(organization).record) ? 1
                                                                         : 2;
    answer.store(known, std::memory_order_relaxed);
  }
  return known == 1;
}

bool TargetFilter::OrganizationAllowed(const v1::Organization& org) const {
  if (!filter_.kinds().empty() && !Contains(filter_.kinds(), org.kind())) {
    return false;
  }
  if (!filter_.countries().empty() &&
      !Contains(filter_.countries(), org.country())) {
    return false;
  }
  if (!filter_.regions().empty() &&
      !Contains(filter_.regions(), org.region())) {
    return false;
  }
  return filter_.sectors().empty() ||
         std::any_of(org.sectors().begin(), org.sectors().end(),
                     [&](const std::string& s) {
                       return Contains(filter_.sectors(), s);
                     });
}

}  // namespace helixmatch
