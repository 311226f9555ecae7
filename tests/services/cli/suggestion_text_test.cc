// Tests of services/cli/suggestion_text: the exact text the client prints
// for a suggestion, a pathway and a screening summary (scripts and the
// demo read it).
#include "services/cli/suggestion_text.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace helixmatch {
namespace {

v1::Suggestion OneSuggestion() {
  v1::Suggestion s;
  v1::Organization* org = s.mutable_organization();
  org->set_id("org:u");
  org->set_name("Uni");
  org->set_city("Almaty");
  org->set_region("Almaty Region");
  org->set_country("KZ");
  s.set_score(0.5);
  v1::ScoreBreakdown* b = s.mutable_breakdown();
  b->set_topical_fit(0.6);
  b->set_dense(0.7);
  b->set_lexical(0.4);
  b->set_trust(0.1);
  b->set_proximity(0.2);
  b->set_capacity(0.3);
  b->set_benefit_alignment(0.9);
  s.add_evidence_terms("copper");
  s.add_evidence_terms("flotation");
  s.set_matching_profiles(2);
  s.set_total_profiles(3);
  v1::MatchedProfile* p = s.add_profiles();
  p->set_id("cap:1");
  p->set_title("Lab");
  p->set_score(0.55);
  v1::BarrierAssessment* a = s.add_barriers();
  a->set_code(v1::BARRIER_CODE_TRUST);
  a->set_severity(v1::SEVERITY_HIGH);
  a->set_confidence(0.8);
  a->set_summary("no ties");
  a->set_mitigation("meet first");
  v1::Evidence* e = a->add_evidence();
  e->set_signal("ties");
  e->set_value("0");
  s.mutable_ladder()->set_rationale("start at L0");
  return s;
}

TEST(FormatSuggestionTest, RankedSuggestion) {
  EXPECT_EQ(FormatSuggestion(OneSuggestion(), 1),
            "1. Uni (Almaty, Almaty Region, KZ)  [org:u]   score 0.500\n"
            "   fit 0.60 (dense 0.70, lexical 0.40: copper, flotation)\n"
            "   depth 2 of 3 profiles match; trust 0.10, proximity 0.20, "
            "capacity 0.30, benefit alignment 0.90\n"
            "   - Lab  [cap:1] 0.55\n"
            "   TRUST               high    conf 0.8  no ties [ties=0]\n"
            "                        -> meet first\n"
            "   ladder: start at L0\n");
}

TEST(FormatSuggestionTest, RankZeroOmitsTheNumberAndUnknownsAreNamed) {
  v1::Suggestion s = OneSuggestion();
  s.clear_evidence_terms();
  s.mutable_breakdown()->add_unknown_features("trust");
  s.mutable_barriers(0)->set_severity(v1::SEVERITY_LOW);
  s.mutable_barriers(0)->clear_evidence();
  EXPECT_EQ(FormatSuggestion(s, 0),
            "Uni (Almaty, Almaty Region, KZ)  [org:u]   score 0.500\n"
            "   fit 0.60 (dense 0.70, lexical 0.40: no shared terms)\n"
            "   depth 2 of 3 profiles match; trust 0.10, proximity 0.20, "
            "capacity 0.30, benefit alignment 0.90 (unknown: trust)\n"
            "   - Lab  [cap:1] 0.55\n"
            "   TRUST               low     conf 0.8  no ties\n"
            "   ladder: start at L0\n");
}

TEST(FormatSuggestionTest, MissingPlacePartsLeaveNoEmptySeparators) {
  v1::Suggestion s = OneSuggestion();
  s.mutable_organization()->clear_region();
  EXPECT_THAT(FormatSuggestion(s, 1),
              ::testing::StartsWith("1. Uni (Almaty, KZ)  [org:u]"));
  s.mutable_organization()->set_city("Astana");
  s.mutable_organization()->set_region("Astana");
  EXPECT_THAT(FormatSuggestion(s, 1),
              ::testing::StartsWith("1. Uni (Astana, KZ)  [org:u]"));
  s.mutable_organization()->clear_city();
  s.mutable_organization()->clear_region();
  s.mutable_organization()->clear_country();
  EXPECT_THAT(FormatSuggestion(s, 1),
              ::testing::StartsWith("1. Uni  [org:u]   score 0.500\n"));
}

TEST(FormatSuggestionTest, LearnedRankerSaysWhatMovedTheScoreByGroup) {
  v1::Suggestion s = OneSuggestion();
  s.mutable_breakdown()->add_unknown_features("call_family_profiles");
  s.mutable_breakdown()->set_bias(-0.5);
  const auto add = [&](const char* feature, const char* group, double v) {
    auto* c = s.mutable_breakdown()->add_contributions();
    c->set_feature(feature);
    c->set_group(group);
    c->set_value(v);
  };
  add("topical_fit", "fit", 0.25);
  add("lexical_rank", "fit", 0.15);
  add("tie_share", "trust", 0.6);
  add("same_country", "proximity", -0.1);
  add("capacity", "capacity", 0.001);
  const std::string text = FormatSuggestion(s, 1);
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "   why (learned ranker, from a base of -0.50): "
                        "trust +0.60, fit +0.40, proximity -0.10\n"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("unknown")));
}

TEST(FormatPathwayTest, SummaryThenOneLinePerStep) {
  v1::Pathway p;
  p.set_summary("two steps");
  v1::PathwayStep* step = p.add_steps();
  step->set_rung_name("L0 meetings");
  step->add_channels(v1::CHANNEL_MEETINGS);
  step->add_lowers(v1::BARRIER_CODE_TRUST);
  step->add_lowers(v1::BARRIER_CODE_UNAWARENESS);
  step->set_rationale("meet first");
  step = p.add_steps();
  step->set_rung_name("L3 contract research");
  step->add_channels(v1::CHANNEL_CONTRACT_RESEARCH);
  step->set_transaction_support(true);
  step->set_rationale("then a contract");
  EXPECT_EQ(FormatPathway(p),
            "   two steps\n"
            "   L0 meetings: MEETINGS; lowers TRUST, UNAWARENESS\n"
            "      meet first\n"
            "   L3 contract research: CONTRACT_RESEARCH; lowers ; needs "
            "transaction support\n"
            "      then a contract\n");
}

TEST(FormatScreeningSummaryTest, FailedRulesConflictsAndCountedWarnings) {
  v1::ScreeningReport r;
  r.set_rank(3);
  r.set_proposal_id("prop:x");
  r.set_eligible(false);
  r.mutable_readiness()->set_score(0.25);
  r.mutable_readiness()->set_band("not ready");
  v1::RuleCheck* check = r.add_rules();
  check->set_rule("max_budget_usd");
  check->set_passed(false);
  r.add_rules()->set_rule("trl");  // not passed either
  r.add_rules()->set_passed(true);
  r.add_conflicts();
  r.add_warnings()->set_code(
      v1::WARNING_CODE_NO_PRIOR_INTERACTION_LARGE_BUDGET);
  r.add_warnings()->set_code(v1::WARNING_CODE_HIGH_BARRIER);
  r.add_warnings()->set_code(v1::WARNING_CODE_HIGH_BARRIER);
  EXPECT_EQ(FormatScreeningSummary(r),
            " 3. prop:x                       INELIGIBLE       readiness 0.25 "
            "(not ready)  failed: max_budget_usd, trl  conflicts: 1  "
            "warnings: no_prior_interaction_large_budget, high_barrier x2");
}

}  // namespace
}  // namespace helixmatch
