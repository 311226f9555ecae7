// The outcome loop's read side: how one organization's offers ended,
// with the decline reasons counted. (Recording an outcome is a write:
// MatchingEngine::RecordOutcome.)
//
// Call under the engine's read lock. Pure otherwise.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_OUTCOMES_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_OUTCOMES_H_

#include <string>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "services/catalog/catalog.h"
#include "services/catalog/visibility.h"

namespace helixmatch {

// Offers made by `organization_id`, how many were declined, unanswered,
// engaged (confirmed) or claimed (an engagement not confirmed yet), and
// the decline reasons, most frequent first, each with the
// organizations that declined (most recent first, each once) among the
// declines `viewer` may see (visibility.h: their parties and operators);
// other viewers get the counts only. INVALID_ARGUMENT for a bad id;
// NOT_FOUND naming organization_id for an unknown organization.
absl::StatusOr<v1::DeclineReasonsResponse> CountDeclineReasons(
    const Catalog& catalog, const std::string& organization_id,
    const Viewer& viewer);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_OUTCOMES_H_
