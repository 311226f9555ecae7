// Tests of services/programmes/proposal_validation: each check names the
// field and the limit.
#include "services/programmes/proposal_validation.h"

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/services/programmes/proposal_fixture.h"

namespace helixmatch {
namespace {

using testing::GoodProposal;

TEST(ValidateProposalTest, GoodProposalPasses) {
  EXPECT_TRUE(ValidateProposal(GoodProposal()).ok());
  v1::Proposal unknowns = GoodProposal();
  unknowns.clear_trl();
  unknowns.set_duration_months(0);
  unknowns.set_cofunding_usd(0);
  unknowns.clear_need_id();
  unknowns.clear_channels();
  EXPECT_TRUE(ValidateProposal(unknowns).ok());
}

TEST(ValidateProposalTest, BadInputsNameTheField) {
  struct Case {
    std::string name;
    std::function<void(v1::Proposal&)> change;
    std::string expected;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Case> cases = {
      {"no id", [](v1::Proposal& p) { p.clear_id(); },
       "proposal.id: is required"},
      {"bad programme id",
       [](v1::Proposal& p) { p.set_programme_id("kz applied"); },
       "proposal.programme_id: character ' ' is not allowed (use A-Z a-z 0-9 "
       ". _ : -)"},
      {"no university", [](v1::Proposal& p) { p.clear_university_id(); },
       "proposal.university_id: is required"},
      {"long firm id",
       [](v1::Proposal& p) { p.set_firm_id(std::string(129, 'f')); },
       "proposal.firm_id: is 129 bytes, the limit is 128"},
      {"same partner", [](v1::Proposal& p) { p.set_firm_id("org:u"); },
       "proposal.firm_id: must differ from university_id (a partnership "
       "joins two organizations)"},
      {"no title", [](v1::Proposal& p) { p.set_title("  "); },
       "proposal.title: is required"},
      {"long title",
       [](v1::Proposal& p) { p.set_title(std::string(301, 't')); },
       "proposal.title: is 301 bytes, the limit is 300"},
      {"long abstract",
       [](v1::Proposal& p) { p.set_abstract(std::string(20001, 'a')); },
       "proposal.abstract: is 20001 bytes, the limit is 20000"},
      {"too many keywords",
       [](v1::Proposal& p) {
         for (int i = 0; i < 64; ++i) p.add_keywords("k");
       },
       "proposal.keywords: has 65 items, the limit is 64"},
      {"long keyword",
       [](v1::Proposal& p) { p.add_keywords(std::string(101, 'k')); },
       "proposal.keywords[1]: is 101 bytes, the limit is 100"},
      {"blank keyword", [](v1::Proposal& p) { p.add_keywords(" "); },
       "proposal.keywords[1]: is empty"},
      {"zero budget", [](v1::Proposal& p) { p.set_budget_usd(0); },
       "proposal.budget_usd: must be > 0 (got 0)"},
      {"negative budget", [](v1::Proposal& p) { p.set_budget_usd(-5); },
       "proposal.budget_usd: must be > 0 (got -5)"},
      {"NaN budget", [nan](v1::Proposal& p) { p.set_budget_usd(nan); },
       "proposal.budget_usd: nan is not a finite number"},
      {"infinite co-funding",
       [inf](v1::Proposal& p) { p.set_cofunding_usd(inf); },
       "proposal.cofunding_usd: inf is not a finite number"},
      {"negative co-funding",
       [](v1::Proposal& p) { p.set_cofunding_usd(-0.5); },
       "proposal.cofunding_usd: must be >= 0 (got -0.50)"},
      {"TRL above 9", [](v1::Proposal& p) { p.mutable_trl()->set_min(12); },
       "proposal.trl.min: 12 is outside 1..9"},
      {"TRL half unknown", [](v1::Proposal& p) { p.mutable_trl()->set_max(0); },
       "proposal.trl.max: 0 is outside 1..9"},
      {"TRL reversed",
       [](v1::Proposal& p) {
         p.mutable_trl()->set_min(7);
         p.mutable_trl()->set_max(3);
       },
       "proposal.trl.min: 7 is above trl.max 3"},
      {"unknown channel",
       [](v1::Proposal& p) { p.add_channels(static_cast<v1::Channel>(99)); },
       "proposal.channels[1]: unknown value 99"},
      {"unspecified channel",
       [](v1::Proposal& p) { p.add_channels(v1::CHANNEL_UNSPECIFIED); },
       "proposal.channels[1]: must not be UNSPECIFIED"},
      {"unknown benefit",
       [](v1::Proposal& p) { p.add_benefits(static_cast<v1::Benefit>(42)); },
       "proposal.benefits[1]: unknown value 42"},
      {"long duration", [](v1::Proposal& p) { p.set_duration_months(121); },
       "proposal.duration_months: 121 is outside 0..120"},
      {"negative duration", [](v1::Proposal& p) { p.set_duration_months(-1); },
       "proposal.duration_months: -1 is outside 0..120"},
      {"bad need id", [](v1::Proposal& p) { p.set_need_id("need/1"); },
       "proposal.need_id: character '/' is not allowed (use A-Z a-z 0-9 . _ "
       ": -)"},
      {"too many conflicts",
       [](v1::Proposal& p) {
         for (int i = 0; i < 33; ++i) p.add_declared_conflicts("org:x");
       },
       "proposal.declared_conflicts: has 33 items, the limit is 32"},
      {"empty conflict", [](v1::Proposal& p) { p.add_declared_conflicts(""); },
       "proposal.declared_conflicts[0]: is empty"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Proposal p = GoodProposal();
    c.change(p);
    const absl::Status status = ValidateProposal(p);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(status.message()), c.expected);
  }
}

}  // namespace
}  // namespace helixmatch
