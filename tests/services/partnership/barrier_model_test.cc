#include "services/partnership/barrier_model.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/partnership/engagement_ladder.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;
using testing::MakeCapability;
using testing::MakeNeed;
using testing::MakeOrganization;
using testing::MakeTie;

constexpr int kYear = 2025;

const v1::Evidence* FindEvidence(const v1::BarrierAssessment& a,
                                 const std::string& signal) {
  for (const auto& e : a.evidence()) {
    if (e.signal() == signal) return &e;
  }
  return nullptr;
}

class BarrierModelTest : public ::testing::Test {
 protected:
  BarrierModelTest()
      : university_(MakeOrganization("u", v1::ORGANIZATION_KIND_UNIVERSITY,
                                     "KZ", "Karaganda")),
        firm_(MakeOrganization("f", v1::ORGANIZATION_KIND_FIRM, "KZ",
                               "Karaganda")),
        capability_(MakeCapability("c", "u", "copper flotation")),
        need_(MakeNeed("n", "f", "flotation cells")) {}

  void AddTie(int year, v1::TieOutcome outcome,
              v1::TieOrigin origin = v1::TIE_ORIGIN_SELF_INITIATED,
              v1::Channel channel = v1::CHANNEL_INTERNSHIP) {
    v1::Tie t = MakeTie("t" + std::to_string(ties_.size()), "u", "f", year,
                        outcome, channel);
    t.set_origin(origin);
    ties_.push_back(std::move(t));
  }

  PairHistory History() const {
    std::vector<const v1::Tie*> ties;
    for (const auto& t : ties_) ties.push_back(&t);
    return SummarizeTies(std::move(ties));
  }

  BarrierInput Input() const {
    BarrierInput in;
    in.university = &university_;
    in.firm = &firm_;
    in.capability = &capability_;
    in.need = &need_;
    in.history = History();
    in.reference_year = kYear;
    return in;
  }

  v1::BarrierAssessment Assess(v1::BarrierCode code) const {
    return AssessFrom(Input(), code);
  }

  static v1::BarrierAssessment AssessFrom(const BarrierInput& in,
                                          v1::BarrierCode code) {
    const auto all = AssessBarriers(in);
    EXPECT_EQ(all.size(), 12u);
    for (const auto& a : all) {
      if (a.code() == code) return a;
    }
    ADD_FAILURE() << "no assessment for " << BarrierName(code);
    return {};
  }

  v1::Organization university_;
  v1::Organization firm_;
  v1::CapabilityProfile capability_;
  v1::FirmNeed need_;
  std::deque<v1::Tie> ties_;
};

TEST_F(BarrierModelTest, AllTwelveCodesInCodeOrderWithMitigation) {
  const auto all = AssessBarriers(Input());
  ASSERT_EQ(all.size(), 12u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].code(), static_cast<v1::BarrierCode>(i + 1));
    EXPECT_FALSE(all[i].mitigation().empty()) << i;
    EXPECT_FALSE(all[i].summary().empty()) << i;
    EXPECT_NE(all[i].severity(), v1::SEVERITY_UNSPECIFIED) << i;
    EXPECT_GE(all[i].confidence(), 0.0);
    EXPECT_LE(all[i].confidence(), 1.0);
  }
}

TEST_F(BarrierModelTest, LevelsFollowBarriersDoc) {
  const std::vector<v1::BarrierLevel> expected = {
      v1::BARRIER_LEVEL_PAIR,           v1::BARRIER_LEVEL_PAIR,
      v1::BARRIER_LEVEL_ORGANIZATIONAL, v1::BARRIER_LEVEL_ORGANIZATIONAL,
      v1::BARRIER_LEVEL_ORGANIZATIONAL, v1::BARRIER_LEVEL_INDIVIDUAL,
      v1::BARRIER_LEVEL_ORGANIZATIONAL, v1::BARRIER_LEVEL_PAIR,
      v1::BARRIER_LEVEL_PAIR,           v1::BARRIER_LEVEL_PAIR,
      v1::BARRIER_LEVEL_SYSTEMIC,       v1::BARRIER_LEVEL_SYSTEMIC};
  const auto all = AssessBarriers(Input());
  ASSERT_EQ(all.size(), expected.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].level(), expected[i]) << BarrierName(all[i].code());
  }
}

TEST_F(BarrierModelTest, EveryCodeInOrderEvenWithNullInput) {
  const auto all = AssessBarriers(BarrierInput{});
  ASSERT_EQ(all.size(), 12u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].code(), static_cast<v1::BarrierCode>(i + 1));
    EXPECT_FALSE(all[i].mitigation().empty());
  }
}

TEST_F(BarrierModelTest, OrganizationSideCodesUnknownWithoutSignals) {
  const auto all = AssessBarriers(Input());
  for (v1::BarrierCode code :
       {v1::BARRIER_CODE_RESEARCH_CAPACITY, v1::BARRIER_CODE_RESOURCES,
        v1::BARRIER_CODE_ORG_SUPPORT, v1::BARRIER_CODE_FACULTY_TIME,
        v1::BARRIER_CODE_ABSORPTIVE_CAPACITY, v1::BARRIER_CODE_WEAK_DEMAND}) {
    const auto& a = all[code - 1];
    ASSERT_EQ(a.code(), code);
    EXPECT_EQ(a.severity(), v1::SEVERITY_UNKNOWN) << BarrierName(code);
    EXPECT_EQ(a.confidence(), 0.0) << BarrierName(code);
    EXPECT_TRUE(a.evidence().empty()) << BarrierName(code);
  }
}

TEST_F(BarrierModelTest, UnknownAskerLeavesPairCodesUnknown) {
  BarrierInput in = Input();
  in.firm = nullptr;
  in.need = nullptr;
  for (v1::BarrierCode code :
       {v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_UNAWARENESS,
        v1::BARRIER_CODE_DISTANCE, v1::BARRIER_CODE_ORIENTATION,
        v1::BARRIER_CODE_IP_CONTRACT}) {
    const auto a = AssessFrom(in, code);
    EXPECT_EQ(a.severity(), v1::SEVERITY_UNKNOWN) << BarrierName(code);
    EXPECT_EQ(a.confidence(), 0.0) << BarrierName(code);
  }
}

TEST_F(BarrierModelTest, TrustHighWithoutTies) {
  const auto a = Assess(v1::BARRIER_CODE_TRUST);
  EXPECT_EQ(a.severity(), v1::SEVERITY_HIGH);
  EXPECT_GT(a.confidence(), 0.0);
  EXPECT_THAT(a.summary(), HasSubstr("no earlier interaction"));
}

TEST_F(BarrierModelTest, TrustLowWithTwoRecentCompletedTies) {
  AddTie(kYear - 1, v1::TIE_OUTCOME_COMPLETED);
  AddTie(kYear - 3, v1::TIE_OUTCOME_COMPLETED);
  const auto a = Assess(v1::BARRIER_CODE_TRUST);
  EXPECT_EQ(a.severity(), v1::SEVERITY_LOW);
  int earlier = 0;
  for (const auto& e : a.evidence()) {
    if (e.signal() == "earlier_tie") {
      ++earlier;
      EXPECT_EQ(e.side(), v1::EVIDENCE_SIDE_PAIR);
    }
  }
  EXPECT_EQ(earlier, 2);
  const auto* joint = FindEvidence(a, "joint_ties");
  ASSERT_NE(joint, nullptr);
  EXPECT_EQ(joint->value(), "2");
  ties_.clear();
  EXPECT_GT(a.confidence(), Assess(v1::BARRIER_CODE_TRUST).confidence());
}

TEST_F(BarrierModelTest, TrustHighWithOnlyFailedTies) {
  AddTie(kYear - 1, v1::TIE_OUTCOME_FAILED);
  AddTie(kYear - 2, v1::TIE_OUTCOME_FAILED);
  const auto a = Assess(v1::BARRIER_CODE_TRUST);
  EXPECT_EQ(a.severity(), v1::SEVERITY_HIGH);
  EXPECT_THAT(a.summary(), HasSubstr("none completed"));
}

TEST_F(BarrierModelTest, TrustMediumWithOneCompletedOrOldTies) {
  AddTie(kYear - 1, v1::TIE_OUTCOME_COMPLETED);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_TRUST).severity(), v1::SEVERITY_MEDIUM);
  ties_.clear();
  AddTie(kYear - 10, v1::TIE_OUTCOME_COMPLETED);
  AddTie(kYear - 12, v1::TIE_OUTCOME_COMPLETED);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_TRUST).severity(), v1::SEVERITY_MEDIUM);
}

TEST_F(BarrierModelTest, TrustEvidenceListsAtMostFiveTies) {
  for (int i = 0; i < 7; ++i) AddTie(kYear - i, v1::TIE_OUTCOME_COMPLETED);
  const auto a = Assess(v1::BARRIER_CODE_TRUST);
  EXPECT_EQ(a.severity(), v1::SEVERITY_LOW);
  int earlier = 0;
  for (const auto& e : a.evidence()) earlier += e.signal() == "earlier_tie";
  EXPECT_EQ(earlier, 5);
}

TEST_F(BarrierModelTest, UnawarenessFollowsTiesAndSharedPartners) {
  BarrierInput in = Input();
  in.shared_partners = 0;
  EXPECT_EQ(AssessFrom(in, v1::BARRIER_CODE_UNAWARENESS).severity(),
            v1::SEVERITY_HIGH);
  in.shared_partners = 2;
  const auto shared = AssessFrom(in, v1::BARRIER_CODE_UNAWARENESS);
  EXPECT_EQ(shared.severity(), v1::SEVERITY_MEDIUM);
  EXPECT_THAT(shared.summary(), HasSubstr("2 shared partner"));
  EXPECT_DOUBLE_EQ(shared.confidence(), 1.0);
  AddTie(kYear - 1, v1::TIE_OUTCOME_COMPLETED);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_UNAWARENESS).severity(), v1::SEVERITY_NONE);
}

TEST_F(BarrierModelTest, DistanceSameCityIsNone) {
  const auto a = Assess(v1::BARRIER_CODE_DISTANCE);
  EXPECT_EQ(a.severity(), v1::SEVERITY_NONE);
  EXPECT_DOUBLE_EQ(a.confidence(), 1.0);
  EXPECT_THAT(a.summary(), HasSubstr("Karaganda"));
}

TEST_F(BarrierModelTest, DistanceSameRegionLowSameCountryMedium) {
  university_.set_region("Karaganda Region");
  firm_.set_region("Karaganda Region");
  firm_.set_city("Temirtau");
  EXPECT_EQ(Assess(v1::BARRIER_CODE_DISTANCE).severity(), v1::SEVERITY_LOW);
  firm_.set_region("Pavlodar Region");
  EXPECT_EQ(Assess(v1::BARRIER_CODE_DISTANCE).severity(), v1::SEVERITY_MEDIUM);
}

TEST_F(BarrierModelTest, DistanceOtherCountryIsHighAndNamesBoth) {
  firm_.set_country("UZ");
  firm_.set_city("Tashkent");
  const auto a = Assess(v1::BARRIER_CODE_DISTANCE);
  EXPECT_EQ(a.severity(), v1::SEVERITY_HIGH);
  const auto* location = FindEvidence(a, "location");
  ASSERT_NE(location, nullptr);
  EXPECT_THAT(location->value(), HasSubstr("KZ"));
  EXPECT_THAT(location->value(), HasSubstr("UZ"));
  EXPECT_EQ(location->side(), v1::EVIDENCE_SIDE_PAIR);
}

TEST_F(BarrierModelTest, DistanceMissingCityLowersConfidence) {
  firm_.set_city("");
  const auto a = Assess(v1::BARRIER_CODE_DISTANCE);
  EXPECT_EQ(a.severity(), v1::SEVERITY_MEDIUM);
  EXPECT_LT(a.confidence(), 1.0);
  EXPECT_GT(a.confidence(), 0.0);
}

TEST_F(BarrierModelTest, DistanceKilometresFromCoordinates) {
  university_.set_latitude(43.24);  // Almaty
  university_.set_longitude(76.89);
  firm_.set_latitude(51.17);  // Astana
  firm_.set_longitude(71.45);
  const auto a = Assess(v1::BARRIER_CODE_DISTANCE);
  const auto* km = FindEvidence(a, "distance_km");
  ASSERT_NE(km, nullptr);
  const int value = std::atoi(km->value().c_str());
  EXPECT_GT(value, 900);
  EXPECT_LT(value, 1050);
}

TEST_F(BarrierModelTest, OrientationTrlGap) {
  capability_.mutable_trl()->set_min(3);
  capability_.mutable_trl()->set_max(5);
  need_.mutable_trl_wanted()->set_min(4);
  need_.mutable_trl_wanted()->set_max(7);
  const auto zero = Assess(v1::BARRIER_CODE_ORIENTATION);
  EXPECT_EQ(zero.severity(), v1::SEVERITY_NONE);
  const auto* gap = FindEvidence(zero, "trl_gap");
  ASSERT_NE(gap, nullptr);
  EXPECT_THAT(gap->value(), ::testing::StartsWith("0"));
  EXPECT_DOUBLE_EQ(zero.confidence(), 0.5);

  capability_.mutable_trl()->set_min(1);
  capability_.mutable_trl()->set_max(2);
  need_.mutable_trl_wanted()->set_min(6);
  need_.mutable_trl_wanted()->set_max(8);
  const auto four = Assess(v1::BARRIER_CODE_ORIENTATION);
  EXPECT_EQ(four.severity(), v1::SEVERITY_HIGH);
  EXPECT_THAT(FindEvidence(four, "trl_gap")->value(),
              ::testing::StartsWith("4"));

  need_.mutable_trl_wanted()->set_min(3);
  need_.mutable_trl_wanted()->set_max(4);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_ORIENTATION).severity(), v1::SEVERITY_LOW);
  need_.mutable_trl_wanted()->set_min(5);
  need_.mutable_trl_wanted()->set_max(5);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_ORIENTATION).severity(),
            v1::SEVERITY_MEDIUM);
}

TEST_F(BarrierModelTest, OrientationGapIsSymmetric) {
  capability_.mutable_trl()->set_min(7);
  capability_.mutable_trl()->set_max(9);
  need_.mutable_trl_wanted()->set_min(1);
  need_.mutable_trl_wanted()->set_max(2);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_ORIENTATION).severity(), v1::SEVERITY_HIGH);
}

TEST_F(BarrierModelTest, OrientationUnknownWithoutTrlOrHorizon) {
  const auto a = Assess(v1::BARRIER_CODE_ORIENTATION);
  EXPECT_EQ(a.severity(), v1::SEVERITY_UNKNOWN);
  EXPECT_EQ(a.confidence(), 0.0);
}

TEST_F(BarrierModelTest, OrientationTakesTheWorstSignal) {
  capability_.mutable_trl()->set_min(3);
  capability_.mutable_trl()->set_max(5);
  need_.mutable_trl_wanted()->set_min(4);
  need_.mutable_trl_wanted()->set_max(5);
  need_.set_time_horizon(v1::TIME_HORIZON_UNDER_6_MONTHS);
  const auto a = Assess(v1::BARRIER_CODE_ORIENTATION);
  EXPECT_EQ(a.severity(), v1::SEVERITY_MEDIUM);
  EXPECT_DOUBLE_EQ(a.confidence(), 1.0);
}

TEST_F(BarrierModelTest, AbsorptiveCapacityKnownZeroIsNotUnknown) {
  const auto absent = Assess(v1::BARRIER_CODE_ABSORPTIVE_CAPACITY);
  EXPECT_EQ(absent.severity(), v1::SEVERITY_UNKNOWN);
  EXPECT_EQ(absent.confidence(), 0.0);
  EXPECT_EQ(FindEvidence(absent, "rd_staff"), nullptr);

  firm_.mutable_signals()->set_rd_staff(0);
  const auto zero = Assess(v1::BARRIER_CODE_ABSORPTIVE_CAPACITY);
  EXPECT_EQ(zero.severity(), v1::SEVERITY_HIGH);
  EXPECT_DOUBLE_EQ(zero.confidence(), 0.25);
  const auto* e = FindEvidence(zero, "rd_staff");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->value(), "0");
  EXPECT_EQ(e->side(), v1::EVIDENCE_SIDE_FIRM);

  firm_.mutable_signals()->set_rd_staff(12);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_ABSORPTIVE_CAPACITY).severity(),
            v1::SEVERITY_NONE);
}

TEST_F(BarrierModelTest, AbsorptiveCapacityUsesEarlierUniversityTies) {
  BarrierInput in = Input();
  in.firm_university_ties = 0;
  const auto none = AssessFrom(in, v1::BARRIER_CODE_ABSORPTIVE_CAPACITY);
  EXPECT_EQ(none.severity(), v1::SEVERITY_MEDIUM);
  in.firm_university_ties = 4;
  EXPECT_EQ(AssessFrom(in, v1::BARRIER_CODE_ABSORPTIVE_CAPACITY).severity(),
            v1::SEVERITY_NONE);
}

TEST_F(BarrierModelTest, ResourcesKnownZeroIsHighAbsentIsUnknown) {
  EXPECT_EQ(Assess(v1::BARRIER_CODE_RESOURCES).severity(),
            v1::SEVERITY_UNKNOWN);
  firm_.mutable_signals()->set_rd_staff(0);
  const auto zero = Assess(v1::BARRIER_CODE_RESOURCES);
  EXPECT_EQ(zero.severity(), v1::SEVERITY_HIGH);
  EXPECT_GT(zero.confidence(), 0.0);
  const auto* e = FindEvidence(zero, "firm_rd_staff");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->value(), "0");

  firm_.mutable_signals()->clear_rd_staff();
  university_.mutable_signals()->set_rd_spend_usd(0);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_RESOURCES).severity(), v1::SEVERITY_HIGH);
  university_.mutable_signals()->set_rd_spend_usd(2e6);
  firm_.mutable_signals()->set_rd_spend_usd(1e6);
  const auto rich = Assess(v1::BARRIER_CODE_RESOURCES);
  EXPECT_EQ(rich.severity(), v1::SEVERITY_NONE);
  EXPECT_DOUBLE_EQ(rich.confidence(), 0.5);
  EXPECT_NE(FindEvidence(rich, "university_rd_budget_usd"), nullptr);
  EXPECT_NE(FindEvidence(rich, "firm_rd_spend_usd"), nullptr);
}

TEST_F(BarrierModelTest, OrgSupportRespondsToTto) {
  EXPECT_EQ(Assess(v1::BARRIER_CODE_ORG_SUPPORT).severity(),
            v1::SEVERITY_UNKNOWN);
  university_.mutable_signals()->set_tto_present(false);
  const auto no_tto = Assess(v1::BARRIER_CODE_ORG_SUPPORT);
  EXPECT_EQ(no_tto.severity(), v1::SEVERITY_HIGH);
  const auto* e = FindEvidence(no_tto, "tto_present");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->value(), "no");
  EXPECT_EQ(e->side(), v1::EVIDENCE_SIDE_UNIVERSITY);

  university_.mutable_signals()->set_tto_present(true);
  university_.mutable_signals()->set_tto_staff(5);
  const auto staffed = Assess(v1::BARRIER_CODE_ORG_SUPPORT);
  EXPECT_EQ(staffed.severity(), v1::SEVERITY_LOW);
  EXPECT_EQ(FindEvidence(staffed, "tto_present")->value(), "yes, 5 staff");

  university_.mutable_signals()->set_tto_staff(1);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_ORG_SUPPORT).severity(),
            v1::SEVERITY_MEDIUM);
}

TEST_F(BarrierModelTest, OrgSupportTemplatesAndTurnaround) {
  university_.mutable_signals()->set_contract_templates(true);
  university_.mutable_signals()->set_contract_turnaround_days(20);
  const auto fast = Assess(v1::BARRIER_CODE_ORG_SUPPORT);
  EXPECT_EQ(fast.severity(), v1::SEVERITY_NONE);
  EXPECT_NEAR(fast.confidence(), 2.0 / 3.0, 1e-12);
  university_.mutable_signals()->set_contract_templates(false);
  university_.mutable_signals()->set_contract_turnaround_days(365);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_ORG_SUPPORT).severity(), v1::SEVERITY_HIGH);
}

TEST_F(BarrierModelTest, ResearchCapacityFromPublicationsAndDepth) {
  university_.mutable_signals()->set_publications_per_year(200);
  university_.mutable_signals()->set_researchers(100);
  const auto strong = Assess(v1::BARRIER_CODE_RESEARCH_CAPACITY);
  EXPECT_EQ(strong.severity(), v1::SEVERITY_NONE);
  EXPECT_NE(FindEvidence(strong, "publications_per_researcher"), nullptr);

  university_.mutable_signals()->set_publications_per_year(5);
  university_.mutable_signals()->set_active_projects(0);
  const auto weak = Assess(v1::BARRIER_CODE_RESEARCH_CAPACITY);
  EXPECT_EQ(weak.severity(), v1::SEVERITY_HIGH);
  EXPECT_DOUBLE_EQ(weak.confidence(), 0.5);

  BarrierInput in = Input();
  in.university = nullptr;
  in.matching_profiles = 4;
  in.total_profiles = 9;
  const auto depth = AssessFrom(in, v1::BARRIER_CODE_RESEARCH_CAPACITY);
  EXPECT_EQ(depth.severity(), v1::SEVERITY_NONE);
  ASSERT_NE(FindEvidence(depth, "topic_depth"), nullptr);
  EXPECT_THAT(FindEvidence(depth, "topic_depth")->value(), HasSubstr("4 of 9"));
}

TEST_F(BarrierModelTest, FacultyTimeFromTeachingLoad) {
  university_.mutable_signals()->set_teaching_hours_per_fte(800);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_FACULTY_TIME).severity(),
            v1::SEVERITY_HIGH);
  university_.mutable_signals()->set_teaching_hours_per_fte(100);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_FACULTY_TIME).severity(),
            v1::SEVERITY_NONE);
}

TEST_F(BarrierModelTest, IpContractRestrictivePolicyIsHigh) {
  university_.mutable_signals()->set_ip_policy(v1::IP_POLICY_RESTRICTIVE);
  const auto a = Assess(v1::BARRIER_CODE_IP_CONTRACT);
  EXPECT_EQ(a.severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(FindEvidence(a, "ip_policy")->value(), "IP_POLICY_RESTRICTIVE");
  university_.mutable_signals()->set_ip_policy(v1::IP_POLICY_FLEXIBLE);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_IP_CONTRACT).severity(), v1::SEVERITY_NONE);
}

TEST_F(BarrierModelTest, IpContractGrowsWithPlannedBreadth) {
  BarrierInput in = Input();
  in.recommended_rung = 0;
  EXPECT_EQ(AssessFrom(in, v1::BARRIER_CODE_IP_CONTRACT).severity(),
            v1::SEVERITY_NONE);
  in.recommended_rung = 4;
  EXPECT_EQ(AssessFrom(in, v1::BARRIER_CODE_IP_CONTRACT).severity(),
            v1::SEVERITY_MEDIUM);
}

TEST_F(BarrierModelTest, StateSteeringHighWhenAllTiesComeFromProgrammes) {
  AddTie(kYear - 1, v1::TIE_OUTCOME_COMPLETED, v1::TIE_ORIGIN_PROGRAMME);
  AddTie(kYear - 2, v1::TIE_OUTCOME_COMPLETED, v1::TIE_ORIGIN_PROGRAMME);
  const auto a = Assess(v1::BARRIER_CODE_STATE_STEERING);
  EXPECT_EQ(a.severity(), v1::SEVERITY_HIGH);
  const auto* e = FindEvidence(a, "programme_share_of_ties");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->value(), "2 of 2");
}

TEST_F(BarrierModelTest, StateSteeringNoneForSelfInitiatedTies) {
  AddTie(kYear - 1, v1::TIE_OUTCOME_COMPLETED);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_STATE_STEERING).severity(),
            v1::SEVERITY_NONE);
  AddTie(kYear - 2, v1::TIE_OUTCOME_COMPLETED, v1::TIE_ORIGIN_PROGRAMME);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_STATE_STEERING).severity(),
            v1::SEVERITY_MEDIUM);
}

TEST_F(BarrierModelTest, StateSteeringComplianceOnlyNeedIsHigh) {
  need_.add_benefits_sought(v1::BENEFIT_COMPLIANCE);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_STATE_STEERING).severity(),
            v1::SEVERITY_HIGH);
  need_.add_benefits_sought(v1::BENEFIT_RESEARCH);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_STATE_STEERING).severity(),
            v1::SEVERITY_NONE);
}

TEST_F(BarrierModelTest, WeakDemandFromObligationAndRegion) {
  firm_.mutable_signals()->set_rd_obligation(true);
  EXPECT_EQ(Assess(v1::BARRIER_CODE_WEAK_DEMAND).severity(), v1::SEVERITY_NONE);
  firm_.clear_signals();
  BarrierInput in = Input();
  in.regional_firms = 1;
  EXPECT_EQ(AssessFrom(in, v1::BARRIER_CODE_WEAK_DEMAND).severity(),
            v1::SEVERITY_UNKNOWN);
  university_.set_region("Karaganda Region");
  in = Input();
  in.regional_firms = 1;
  const auto a = AssessFrom(in, v1::BARRIER_CODE_WEAK_DEMAND);
  EXPECT_EQ(a.severity(), v1::SEVERITY_MEDIUM);
  EXPECT_THAT(FindEvidence(a, "firms_in_university_region")->value(),
              HasSubstr("Karaganda Region"));
}

TEST_F(BarrierModelTest, EvidenceRecordedForEverySignalGiven) {
  auto* u = university_.mutable_signals();
  u->set_researchers(50);
  u->set_publications_per_year(40);
  u->set_active_projects(6);
  u->set_patents(2);
  u->set_rd_spend_usd(3e5);
  u->set_shared_equipment(true);
  u->set_tto_present(true);
  u->set_contract_templates(true);
  u->set_contract_turnaround_days(45);
  u->set_teaching_hours_per_fte(450);
  u->set_ip_policy(v1::IP_POLICY_STANDARD);
  u->set_licences_granted(1);
  u->set_autonomy_constraints(true);
  auto* f = firm_.mutable_signals();
  f->set_rd_staff(4);
  f->set_rd_spend_usd(6e4);
  f->set_phd_staff(1);
  f->set_graduate_share(0.3);
  f->set_rd_obligation(false);
  const auto all = AssessBarriers(Input());
  const std::vector<std::pair<v1::BarrierCode, std::string>> expected = {
      {v1::BARRIER_CODE_RESEARCH_CAPACITY, "publications_per_researcher"},
      {v1::BARRIER_CODE_RESEARCH_CAPACITY, "active_projects"},
      {v1::BARRIER_CODE_RESEARCH_CAPACITY, "patents"},
      {v1::BARRIER_CODE_RESOURCES, "university_rd_budget_usd"},
      {v1::BARRIER_CODE_RESOURCES, "equipment_open_to_partners"},
      {v1::BARRIER_CODE_RESOURCES, "firm_rd_spend_usd"},
      {v1::BARRIER_CODE_RESOURCES, "firm_rd_staff"},
      {v1::BARRIER_CODE_ORG_SUPPORT, "tto_present"},
      {v1::BARRIER_CODE_ORG_SUPPORT, "contract_templates"},
      {v1::BARRIER_CODE_ORG_SUPPORT, "contract_turnaround_days"},
      {v1::BARRIER_CODE_FACULTY_TIME, "teaching_hours_per_fte"},
      {v1::BARRIER_CODE_FACULTY_TIME, "active_projects_per_researcher"},
      {v1::BARRIER_CODE_ABSORPTIVE_CAPACITY, "rd_staff"},
      {v1::BARRIER_CODE_ABSORPTIVE_CAPACITY, "phd_staff"},
      {v1::BARRIER_CODE_ABSORPTIVE_CAPACITY, "graduate_share"},
      {v1::BARRIER_CODE_IP_CONTRACT, "ip_policy"},
      {v1::BARRIER_CODE_IP_CONTRACT, "licences_granted"},
      {v1::BARRIER_CODE_STATE_STEERING, "autonomy_constraints"},
      {v1::BARRIER_CODE_WEAK_DEMAND, "firm_rd_obligation"},
  };
  for (const auto& [code, signal] : expected) {
    const auto& a = all[code - 1];
    const auto* e = FindEvidence(a, signal);
    ASSERT_NE(e, nullptr) << BarrierName(code) << " " << signal;
    EXPECT_FALSE(e->value().empty()) << signal;
    EXPECT_NE(a.severity(), v1::SEVERITY_UNKNOWN) << signal;
    EXPECT_GT(a.confidence(), 0.0) << signal;
  }
  EXPECT_EQ(FindEvidence(all[v1::BARRIER_CODE_RESOURCES - 1], "firm_rd_staff")
                ->value(),
            "4");
  EXPECT_EQ(FindEvidence(all[v1::BARRIER_CODE_ORG_SUPPORT - 1],
                         "contract_turnaround_days")
                ->value(),
            "45");
  EXPECT_EQ(
      FindEvidence(all[v1::BARRIER_CODE_WEAK_DEMAND - 1], "firm_rd_obligation")
          ->value(),
      "no");
}

TEST_F(BarrierModelTest, TrustNotLowWhenNoOutcomeIsKnown) {
  AddTie(kYear - 1, v1::TIE_OUTCOME_UNSPECIFIED);
  AddTie(kYear - 2, v1::TIE_OUTCOME_UNSPECIFIED);
  const auto a = Assess(v1::BARRIER_CODE_TRUST);
  EXPECT_NE(a.severity(), v1::SEVERITY_LOW);
  EXPECT_NE(a.severity(), v1::SEVERITY_UNKNOWN);
  EXPECT_THAT(a.summary(), HasSubstr("none completed"));
  EXPECT_EQ(FindEvidence(a, "joint_ties")->value(), "2");
}

TEST(BarrierNamesTest, NamesWithoutPrefix) {
  EXPECT_EQ(BarrierName(v1::BARRIER_CODE_TRUST), "TRUST");
  EXPECT_EQ(BarrierName(v1::BARRIER_CODE_ABSORPTIVE_CAPACITY),
            "ABSORPTIVE_CAPACITY");
  EXPECT_EQ(BarrierName(v1::BARRIER_CODE_WEAK_DEMAND), "WEAK_DEMAND");
  EXPECT_EQ(SeverityName(v1::SEVERITY_UNKNOWN), "unknown");
  EXPECT_EQ(SeverityName(v1::SEVERITY_NONE), "none");
  EXPECT_EQ(SeverityName(v1::SEVERITY_LOW), "low");
  EXPECT_EQ(SeverityName(v1::SEVERITY_MEDIUM), "medium");
  EXPECT_EQ(SeverityName(v1::SEVERITY_HIGH), "high");
}

}  // namespace
}  // namespace helixmatch

namespace helixmatch {
namespace {

// Regression: the summary counted failed ties only, and ties of unknown
// outcome were rated like failed ones.
TEST_F(BarrierModelTest, TrustWithTiesOfUnknownOutcome) {
  AddTie(kYear - 1, v1::TIE_OUTCOME_UNSPECIFIED);
  AddTie(kYear - 2, v1::TIE_OUTCOME_UNSPECIFIED);
  const auto a = Assess(v1::BARRIER_CODE_TRUST);
  EXPECT_EQ(a.severity(), v1::SEVERITY_MEDIUM);
  EXPECT_THAT(a.summary(), HasSubstr("2 earlier interaction(s)"));
  EXPECT_THAT(a.summary(), HasSubstr("2 of unknown outcome"));
}

}  // namespace
}  // namespace helixmatch
