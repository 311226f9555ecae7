// Pre-screening of proposed partnerships for a programme (barriers.md,
// "Pre-screening for programmes"). A report only reads: eligibility (the
// programme's hard rules), topical fit of the proposal with the
// university's capabilities and the firm's need, the pair's barriers,
// warnings, conflicts of interest, similar earlier partnerships, the
// pathway and a readiness score with its components.
//
// Call under the engine's read lock. Pure otherwise.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_SCREENING_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_SCREENING_H_

#include <vector>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "services/programmes/screening_context.h"

namespace helixmatch {

inline constexpr int kMaxBatchProposals = 500;

// FAILED_PRECONDITION when no programme rules are loaded; errors on the
// proposal name the field ("proposal.firm_id: ..."): INVALID_ARGUMENT
// for a bad proposal or a need of another firm (without naming its
// owner), NOT_FOUND for an unknown programme (listing the loaded ones),
// organization or need, and for a need the reader may not see (the same
// message as a missing one). Without a need_id the firm's best need is
// chosen among those the reader may see.
absl::StatusOr<v1::ScreeningReport> ScreenProposal(
    const ScreeningContext& context, const v1::Proposal& proposal);

// Screens each proposal; bad ones are reported by position, the others
// ranked (eligible first, then by readiness). Also flags a pair that
// appears in more than one proposal of the batch. INVALID_ARGUMENT for an
// empty batch or one over kMaxBatchProposals.
absl::StatusOr<v1::ScreenProposalsResponse> ScreenProposals(
    const ScreeningContext& context,
    const std::vector<v1::Proposal>& proposals);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_SCREENING_H_
