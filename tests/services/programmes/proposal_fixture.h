// A valid proposal that the programme tests change one field at a time.
#ifndef HELIXMATCH_TESTS_SERVICES_PROGRAMMES_PROPOSAL_FIXTURE_H_
#define HELIXMATCH_TESTS_SERVICES_PROGRAMMES_PROPOSAL_FIXTURE_H_

#include "helixmatch/v1/records.pb.h"

namespace helixmatch::testing {

// University org:u and firm org:f under kz-applied-research: budget 300000
// USD with 100000 co-funding, TRL 4..6, contract research, 24 months.
inline v1::Proposal GoodProposal() {
  v1::Proposal p;
  p.set_id("prop:1");
  p.set_programme_id("kz-applied-research");
  p.set_university_id("org:u");
  p.set_unit("Flotation Laboratory");
  p.set_firm_id("org:f");
  p.set_title("Predictive maintenance for flotation cells");
  p.set_abstract("Vibration analytics on one flotation bank.");
  p.add_keywords("flotation");
  p.set_budget_usd(300000);
  p.set_cofunding_usd(100000);
  p.mutable_trl()->set_min(4);
  p.mutable_trl()->set_max(6);
  p.add_channels(v1::CHANNEL_CONTRACT_RESEARCH);
  p.add_benefits(v1::BENEFIT_RESEARCH);
  p.set_duration_months(24);
  p.set_need_id("need:demo-flotation");
  return p;
}

}  // namespace helixmatch::testing

#endif  // HELIXMATCH_TESTS_SERVICES_PROGRAMMES_PROPOSAL_FIXTURE_H_
