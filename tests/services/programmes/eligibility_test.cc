// Tests of services/programmes/eligibility: every rule, passing and
// failing, with the detail it gives.
#include "services/programmes/eligibility.h"

#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/programmes/rules_file.h"
#include "tests/services/programmes/proposal_fixture.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using testing::GoodProposal;
using testing::MakeOrganization;

class EligibilityTest : public ::testing::Test {
 protected:
  EligibilityTest()
      : university_(
            MakeOrganization("org:u", v1::ORGANIZATION_KIND_UNIVERSITY)),
        firm_(MakeOrganization("org:f", v1::ORGANIZATION_KIND_FIRM)),
        proposal_(GoodProposal()) {
    auto rules = ParseProgrammeRules(
        "id: applied\n"
        "name: Applied\n"
        "research_kinds: [UNIVERSITY, RESEARCH_INSTITUTE]\n"
        "partner_kinds: [FIRM]\n"
        "countries: [KZ]\n"
        "trl: {min: 3, max: 7}\n"
        "min_budget_usd: 20000\n"
        "max_budget_usd: 500000\n"
        "min_cofunding_share: 0.2\n"
        "required_channels: [CONTRACT_RESEARCH, JOINT_RESEARCH]\n"
        "research_programme: true\n"
        "max_duration_months: 36\n"
        "conflict_organizations: [org:board]\n"
        "large_budget_usd: 100000\n",
        "applied.yaml");
    EXPECT_TRUE(rules.ok()) << rules.status();
    rules_ = *rules;
  }

  // The check of `rule`; fails the test when there is none or several.
  v1::RuleCheck Check(const std::string& rule) const {
    v1::RuleCheck found;
    int count = 0;
    for (const v1::RuleCheck& check :
         CheckEligibility(rules_, proposal_, university_, firm_)) {
      if (check.rule() == rule) {
        found = check;
        ++count;
      }
    }
    EXPECT_EQ(count, 1) << rule;
    return found;
  }

  void ExpectFails(const std::string& rule, const std::string& detail) {
    const v1::RuleCheck check = Check(rule);
    EXPECT_FALSE(check.passed()) << rule;
    EXPECT_EQ(check.detail(), detail);
    EXPECT_FALSE(
        Eligible(CheckEligibility(rules_, proposal_, university_, firm_)));
  }

  void ExpectPasses(const std::string& rule, const std::string& detail) {
    const v1::RuleCheck check = Check(rule);
    EXPECT_TRUE(check.passed()) << rule << ": " << check.detail();
    EXPECT_EQ(check.detail(), detail);
  }

  v1::ProgrammeRules rules_;
  v1::Organization university_;
  v1::Organization firm_;
  v1::Proposal proposal_;
};

TEST_F(EligibilityTest, GoodProposalPassesEveryRuleInFieldOrder) {
  const std::vector<v1::RuleCheck> checks =
      CheckEligibility(rules_, proposal_, university_, firm_);
  std::vector<std::string> rules;
  for (const auto& check : checks) {
    rules.push_back(check.rule());
    EXPECT_TRUE(check.passed()) << check.rule() << ": " << check.detail();
  }
  // research_programme, conflict_organizations and large_budget_usd are
  // not eligibility rules.
  EXPECT_THAT(rules, ElementsAre("research_kinds", "partner_kinds", "countries",
                                 "trl", "min_budget_usd", "max_budget_usd",
                                 "min_cofunding_share", "required_channels",
                                 "max_duration_months"));
  EXPECT_TRUE(Eligible(checks));
}

TEST_F(EligibilityTest, PassingDetails) {
  ExpectPasses("research_kinds",
               "university 'org:u' is UNIVERSITY; the programme allows "
               "UNIVERSITY, RESEARCH_INSTITUTE");
  ExpectPasses("partner_kinds",
               "firm 'org:f' is FIRM; the programme allows FIRM");
  ExpectPasses("countries",
               "university 'org:u' is in KZ and firm 'org:f' is in KZ; the "
               "programme allows KZ");
  ExpectPasses("trl", "TRL 4..6 is inside 3..7");
  ExpectPasses("min_budget_usd",
               "budget 300000 USD is at least min_budget_usd 20000");
  ExpectPasses("max_budget_usd",
               "budget 300000 USD is within max_budget_usd 500000");
  ExpectPasses("min_cofunding_share",
               "co-funding share 0.25 is at least 0.20 (100000 of 400000 USD "
               "in total)");
  ExpectPasses("required_channels",
               "planned channel CONTRACT_RESEARCH is one of CONTRACT_RESEARCH, "
               "JOINT_RESEARCH");
  ExpectPasses("max_duration_months", "duration 24 months is within 36");
}

TEST_F(EligibilityTest, ResearchKinds) {
  university_.set_kind(v1::ORGANIZATION_KIND_FIRM);
  ExpectFails("research_kinds",
              "university 'org:u' is FIRM; the programme allows UNIVERSITY, "
              "RESEARCH_INSTITUTE");
  university_.set_kind(v1::ORGANIZATION_KIND_UNSPECIFIED);
  ExpectFails("research_kinds",
              "university 'org:u' has no kind on record; the programme allows "
              "UNIVERSITY, RESEARCH_INSTITUTE");
  university_.set_kind(v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE);
  EXPECT_TRUE(Check("research_kinds").passed());
}

TEST_F(EligibilityTest, PartnerKinds) {
  firm_.set_kind(v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE);
  ExpectFails("partner_kinds",
              "firm 'org:f' is RESEARCH_INSTITUTE; the programme allows FIRM");
}

TEST_F(EligibilityTest, CountriesNameTheFailingPartner) {
  firm_.set_country("DE");
  ExpectFails("countries", "firm 'org:f' is in DE; the programme allows KZ");
  university_.set_country("");
  ExpectFails("countries",
              "university 'org:u' has no country on record and firm 'org:f' "
              "is in DE; the programme allows KZ");
  firm_.set_country("KZ");
  rules_.add_countries("UZ");
  university_.set_country("UZ");
  ExpectPasses("countries",
               "university 'org:u' is in UZ and firm 'org:f' is in KZ; the "
               "programme allows KZ, UZ");
}

TEST_F(EligibilityTest, Trl) {
  proposal_.mutable_trl()->set_min(2);
  ExpectFails("trl", "TRL 2..6 is not inside 3..7");
  proposal_.mutable_trl()->set_min(5);
  proposal_.mutable_trl()->set_max(8);
  ExpectFails("trl", "TRL 5..8 is not inside 3..7");
  proposal_.clear_trl();
  ExpectFails("trl",
              "proposal gives no TRL range; the programme requires TRL inside "
              "3..7");
  proposal_.mutable_trl()->set_min(3);
  proposal_.mutable_trl()->set_max(7);
  ExpectPasses("trl", "TRL 3..7 is inside 3..7");
}

TEST_F(EligibilityTest, Budgets) {
  proposal_.set_budget_usd(900000);
  proposal_.set_cofunding_usd(300000);
  ExpectFails("max_budget_usd",
              "budget 900000 USD is above max_budget_usd 500000");
  proposal_.set_budget_usd(10000.5);
  proposal_.set_cofunding_usd(5000);
  ExpectFails("min_budget_usd",
              "budget 10000.50 USD is below min_budget_usd 20000");
  proposal_.set_budget_usd(500000);
  proposal_.set_cofunding_usd(200000);
  EXPECT_TRUE(Check("max_budget_usd").passed());
  proposal_.set_budget_usd(20000);
  EXPECT_TRUE(Check("min_budget_usd").passed());
}

TEST_F(EligibilityTest, NanBudgetFailsBothBudgetRules) {
  proposal_.set_budget_usd(std::numeric_limits<double>::quiet_NaN());
  EXPECT_FALSE(Check("min_budget_usd").passed());
  EXPECT_FALSE(Check("max_budget_usd").passed());
  EXPECT_FALSE(Check("min_cofunding_share").passed());
}

TEST_F(EligibilityTest, CofundingShare) {
  proposal_.set_budget_usd(450000);
  proposal_.set_cofunding_usd(50000);
  ExpectFails("min_cofunding_share",
              "co-funding share 0.10 is below 0.20 (50000 of 500000 USD in "
              "total)");
  // Exactly the minimum passes.
  proposal_.set_budget_usd(400000);
  proposal_.set_cofunding_usd(100000);
  EXPECT_TRUE(Check("min_cofunding_share").passed());
  // Just below: more digits, so the detail does not read "0.20 is below
  // 0.20".
  proposal_.set_cofunding_usd(99990);
  ExpectFails("min_cofunding_share",
              "co-funding share 0.19998 is below 0.20000 (99990 of 499990 USD "
              "in total)");
}

TEST_F(EligibilityTest, RequiredChannels) {
  proposal_.clear_channels();
  proposal_.add_channels(v1::CHANNEL_INTERNSHIP);
  ExpectFails("required_channels",
              "none of the planned channels (INTERNSHIP) is one of "
              "CONTRACT_RESEARCH, JOINT_RESEARCH");
  proposal_.add_channels(v1::CHANNEL_CAPSTONE);
  ExpectFails("required_channels",
              "none of the planned channels (INTERNSHIP, CAPSTONE) is one of "
              "CONTRACT_RESEARCH, JOINT_RESEARCH");
  proposal_.add_channels(v1::CHANNEL_JOINT_RESEARCH);
  ExpectPasses("required_channels",
               "planned channel JOINT_RESEARCH is one of CONTRACT_RESEARCH, "
               "JOINT_RESEARCH");
  proposal_.clear_channels();
  ExpectFails("required_channels",
              "the proposal plans no channels; the programme requires one of "
              "CONTRACT_RESEARCH, JOINT_RESEARCH");
}

TEST_F(EligibilityTest, Duration) {
  proposal_.set_duration_months(48);
  ExpectFails("max_duration_months", "duration 48 months exceeds 36");
  proposal_.set_duration_months(0);
  ExpectFails("max_duration_months",
              "proposal gives no duration; the programme allows at most 36 "
              "months");
  proposal_.set_duration_months(36);
  EXPECT_TRUE(Check("max_duration_months").passed());
}

TEST_F(EligibilityTest, RulesLeftEmptyGiveNoChecks) {
  v1::ProgrammeRules open;
  open.set_id("open");
  open.set_name("Open");
  open.set_research_programme(true);
  open.add_conflict_organizations("org:u");
  open.set_large_budget_usd(1);
  university_.set_kind(v1::ORGANIZATION_KIND_FIRM);  // would fail a rule
  proposal_.clear_trl();
  const auto checks = CheckEligibility(open, proposal_, university_, firm_);
  EXPECT_TRUE(checks.empty());
  EXPECT_TRUE(Eligible(checks));
}

TEST(LargeBudgetThresholdTest, ExplicitThenQuarterOfMaxThenNone) {
  v1::ProgrammeRules rules;
  EXPECT_EQ(LargeBudgetThreshold(rules), 0);
  rules.set_max_budget_usd(500000);
  EXPECT_EQ(LargeBudgetThreshold(rules), 125000);
  rules.set_large_budget_usd(200000);
  EXPECT_EQ(LargeBudgetThreshold(rules), 200000);
}

}  // namespace
}  // namespace helixmatch
