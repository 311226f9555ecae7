// Engagement pathways of a university-firm pair from the catalog: what
// the pair's history covers, the firm's wanted and the university's
// offered channels, and the context signals the ladder's rationales use.
// The ladder itself is services/partnership/engagement_ladder.h.
//
// Call under the engine's read lock. Pure otherwise.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_PATHWAYS_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_PATHWAYS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "services/catalog/catalog.h"
#include "services/catalog/visibility.h"
#include "services/partnership/engagement_ladder.h"
#include "services/partnership/pair_history.h"

namespace helixmatch {

// The pair's side of a PathwayInput: covered rung, TTO or contract
// templates, the firm's R&D staff, a programme-only history and a failed
// tie. Targets, wanted and offered channels are left to the caller.
PathwayInput PairPathwayInput(const Catalog& catalog, uint32_t university,
                              uint32_t firm, const PairHistory& history);

// PlanPathway over the catalog: wanted channels from the firm's needs the
// reader (`viewer`) may see, offered ones from all the university's
// capabilities. INVALID_ARGUMENT naming the field for bad ids, rungs and
// channels; NOT_FOUND naming the field for an unknown organization.
absl::StatusOr<v1::Pathway> PlanPairPathway(
    const Catalog& catalog, const v1::PlanPathwayRequest& request,
    const Viewer& viewer);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_PATHWAYS_H_
