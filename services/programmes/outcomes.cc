#include "services/programmes/outcomes.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "indexer/record_validation.h"
#include "indexer/records.h"

namespace helixmatch {
namespace {

// (year, declined_by) of each decline, by reason; declined_by is empty
// for a decline the reader may not see.
using DeclinesByReason =
    std::map<int, std::vector<std::pair<int, std::string>>>;

void CountOffer(const v1::Outcome& o, const Viewer& viewer,
                v1::DeclineReasonsResponse* response,
                DeclinesByReason* by_reason) {
  response->set_offers(response->offers() + 1);
  switch (o.kind()) {
    case v1::OUTCOME_KIND_DECLINED:
      response->set_declined(response->declined() + 1);
      (*by_reason)[o.decline_reason()].emplace_back(
          o.year(), MaySee(viewer, o) ? o.offered_to() : std::string());
      break;
    case v1::OUTCOME_KIND_NO_ANSWER:
      response->set_no_answer(response->no_answer() + 1);
      break;
    case v1::OUTCOME_KIND_MEETING_HELD:
    case v1::OUTCOME_KIND_INTERNSHIP_STARTED:
    case v1::OUTCOME_KIND_CONTRACT_SIGNED:
    case v1::OUTCOME_KIND_PROJECT_COMPLETED:
      if (OutcomeConfirmed(o)) {
        response->set_engaged(response->engaged() + 1);
      } else {
        response->set_claimed(response->claimed() + 1);
      }
      break;
    default:
      break;
  }
}

}  // namespace

absl::StatusOr<v1::DeclineReasonsResponse> CountDeclineReasons(
    const Catalog& catalog, const std::string& organization_id,
    const Viewer& viewer) {
  if (auto s = ValidateId(organization_id, "organization_id"); !s.ok()) {
    return s;
  }
  if (catalog.LiveOrganizationIndex(organization_id) == kNoIndex) {
    return absl::NotFoundError(absl::StrCat("organization_id: organization '",
                                            organization_id, "' not found"));
  }
  v1::DeclineReasonsResponse response;
  response.set_organization_id(organization_id);
  DeclinesByReason by_reason;
  for (const auto& [id, o] : catalog.outcomes()) {
    if (o.offered_by() == organization_id) {
      CountOffer(o, viewer, &response, &by_reason);
    }
  }
  std::vector<v1::DeclineReasonCount> counts;
  for (auto& [reason, list] : by_reason) {
    std::stable_sort(
        list.begin(), list.end(),
        [](const auto& a, const auto& b) { return a.first > b.first; });
    v1::DeclineReasonCount c;
    c.set_reason(static_cast<v1::DeclineReason>(reason));
    c.set_count(static_cast<int>(list.size()));
    std::set<std::string> listed;
    for (const auto& [year, org] : list) {
      if (!org.empty() && listed.insert(org).second) c.add_declined_by(org);
    }
    counts.push_back(std::move(c));
  }
  std::stable_sort(
      counts.begin(), counts.end(),
      [](const auto& a, const auto& b) { return a.count() > b.count(); });
  for (auto& c : counts) *response.add_reasons() = std::move(c);
  return response;
}

}  // namespace helixmatch
