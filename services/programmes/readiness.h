// The readiness score of a screened proposal: weighted components (fit,
// trust, capacity, barriers, pathway) in [0, 1], capped for ineligible
// proposals and conflicts of interest, and its band.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_READINESS_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_READINESS_H_

#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"
#include "services/partnership/pair_history.h"
#include "services/ranking/weights.h"

namespace helixmatch {

// Readiness weights; they sum to 1. Fit and barriers carry most: a
// programme first wants to know whether the pair can do the work and what
// stands in the way (barriers.md).
inline constexpr double kFitWeight = 0.30;
inline constexpr double kTrustWeight = 0.20;
inline constexpr double kCapacityWeight = 0.10;
inline constexpr double kBarrierWeight = 0.25;
inline constexpr double kPathwayWeight = 0.15;
// Caps: an ineligible proposal is never "ready"; a conflict of interest
// sends it to review at best.
inline constexpr double kIneligibleCap = 0.25;
inline constexpr double kConflictCap = 0.55;
inline constexpr double kReadyBand = 0.60;
inline constexpr double kReviewBand = 0.40;
// A high barrier can stop a partnership on its own: each one lowers the
// barrier component beyond its share of the mean.
inline constexpr double kHighBarrierPenalty = 0.1;

// Sets report->readiness from the report's fit, barriers, pathway,
// eligibility and conflicts. `has_need`: the firm's side of the fit is
// known.
void ScoreReadiness(const PairHistory& history,
                    const v1::Organization& university, bool has_need,
                    const RankingWeights& weights, int reference_year,
                    v1::ScreeningReport* report);

// Caps an eligible report's readiness at kConflictCap (a conflict found
// after scoring).
void CapReadinessForConflict(v1::ScreeningReport* report);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_READINESS_H_
