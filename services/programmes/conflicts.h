// Conflicts of interest in a screening report: declared ones, parties on
// the programme's board or review panel, a spin-off tie between the two,
// and (in a batch) the same pair submitting more than once.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_CONFLICTS_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_CONFLICTS_H_

#include <vector>

#include "helixmatch/v1/matching.pb.h"
#include "services/catalog/visibility.h"
#include "services/partnership/pair_history.h"

namespace helixmatch {

// A spin-off tie the reader (`viewer`) may not see is reported without
// its reference or id.
void AddConflicts(const v1::Proposal& proposal, const v1::ProgrammeRules& rules,
                  const PairHistory& history, const Viewer& viewer,
                  v1::ScreeningReport* report);

// Adds a "same_pair_in_batch" conflict to every report whose pair also
// submitted another proposal of the batch, and caps its readiness.
// `proposals[i]` is the proposal of `reports[i]`.
void AddBatchConflicts(const std::vector<const v1::Proposal*>& proposals,
                       std::vector<v1::ScreeningReport>* reports);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_CONFLICTS_H_
