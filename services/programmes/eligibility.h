// The eligibility test of a proposal against one programme's rules, and
// the budget above which screening warns about a pair without history.
//
// Thread safety: every function is pure.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_ELIGIBILITY_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_ELIGIBILITY_H_

#include <vector>

#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

// Applies every eligibility rule the programme sets, in the order of the
// ProgrammeRules fields: research_kinds, partner_kinds, countries, trl,
// min_budget_usd, max_budget_usd, min_cofunding_share, required_channels,
// max_duration_months. Rules left empty or zero give no check. `rule` is
// the rules-file field name; `detail` one sentence, e.g.
// "budget 900000 USD is above max_budget_usd 500000". `countries` gives
// one check covering both partners. Facts the proposal leaves unknown (no
// TRL range, no duration, no channels) fail the rule that needs them.
// `university` and `firm` are the organizations p.university_id and
// p.firm_id name; the caller looks them up. Expects a valid proposal
// (ValidateProposal in proposal_validation.h); NaN amounts fail the budget
// rules.
//
// Not eligibility rules, so never checked here: conflict_organizations
// (conflicts of interest), research_programme and large_budget_usd
// (screening warnings).
std::vector<v1::RuleCheck> CheckEligibility(const v1::ProgrammeRules& rules,
                                            const v1::Proposal& p,
                                            const v1::Organization& university,
                                            const v1::Organization& firm);

// True when every check passed (also when there are none).
bool Eligible(const std::vector<v1::RuleCheck>& checks);

// The budget above which a pair without earlier interaction is warned
// about: large_budget_usd, else a quarter of max_budget_usd, else 0
// (no threshold).
double LargeBudgetThreshold(const v1::ProgrammeRules& rules);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_ELIGIBILITY_H_
