// The warnings of a screening report: facts about a proposal that an
// expert should weigh, each tied to the barriers it signals
// (barriers.md, "Pre-screening for programmes").
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_WARNINGS_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_WARNINGS_H_

#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"
#include "services/partnership/pair_history.h"

namespace helixmatch {

// A plan this many rungs above what the pair's history covers jumps the
// ladder.
inline constexpr int kLadderJump = 3;
// Fewer matching profiles than this is thin capacity in the topic.
inline constexpr int kThinProfiles = 2;

// Adds the warnings to `report`, whose fit, barriers and pathway are set.
// `planned_rung` is the highest rung of the proposal's channels (-1:
// none).
void AddWarnings(const v1::Proposal& proposal, const v1::ProgrammeRules& rules,
                 const v1::Organization& firm, const PairHistory& history,
                 int planned_rung, v1::ScreeningReport* report);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_WARNINGS_H_
