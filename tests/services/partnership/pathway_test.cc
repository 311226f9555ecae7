// PlanPathway and its pieces (services/partnership/engagement_ladder.h).
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/partnership/engagement_ladder.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::vector<int> Rungs(const v1::Pathway& pathway) {
  std::vector<int> rungs;
  for (const auto& step : pathway.steps()) rungs.push_back(step.rung());
  return rungs;
}

std::vector<v1::Channel> Channels(const v1::PathwayStep& step) {
  std::vector<v1::Channel> out;
  for (int c : step.channels()) out.push_back(static_cast<v1::Channel>(c));
  return out;
}

std::vector<v1::BarrierCode> Lowers(const v1::PathwayStep& step) {
  std::vector<v1::BarrierCode> out;
  for (int c : step.lowers()) out.push_back(static_cast<v1::BarrierCode>(c));
  return out;
}

PathwayInput Aim(int covered, int target) {
  PathwayInput input;
  input.covered_rung = covered;
  input.target_rung = target;
  return input;
}

TEST(TargetRungOfTest, HighestRungOfTheChannels) {
  EXPECT_EQ(TargetRungOf({}), -1);
  EXPECT_EQ(TargetRungOf({v1::CHANNEL_UNSPECIFIED}), -1);
  EXPECT_EQ(TargetRungOf({static_cast<v1::Channel>(99)}), -1);
  EXPECT_EQ(TargetRungOf({v1::CHANNEL_EVENTS}), 0);
  EXPECT_EQ(TargetRungOf({v1::CHANNEL_INTERNSHIP, v1::CHANNEL_CONTRACT_RESEARCH,
                          v1::CHANNEL_TESTING}),
            4);
  EXPECT_EQ(TargetRungOf({v1::CHANNEL_UNSPECIFIED, v1::CHANNEL_JOINT_LAB,
                          static_cast<v1::Channel>(99)}),
            6);
}

TEST(BarriersLoweredAtTest, DocumentedMapping) {
  EXPECT_THAT(BarriersLoweredAt(0), ElementsAre(v1::BARRIER_CODE_TRUST,
                                                v1::BARRIER_CODE_UNAWARENESS));
  EXPECT_THAT(
      BarriersLoweredAt(1),
      ElementsAre(v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_ABSORPTIVE_CAPACITY,
                  v1::BARRIER_CODE_ORIENTATION));
  EXPECT_THAT(
      BarriersLoweredAt(2),
      ElementsAre(v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_ABSORPTIVE_CAPACITY,
                  v1::BARRIER_CODE_ORIENTATION));
  EXPECT_THAT(
      BarriersLoweredAt(3),
      ElementsAre(v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_RESEARCH_CAPACITY,
                  v1::BARRIER_CODE_RESOURCES, v1::BARRIER_CODE_ORIENTATION));
  EXPECT_THAT(BarriersLoweredAt(4),
              ElementsAre(v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_RESOURCES,
                          v1::BARRIER_CODE_ABSORPTIVE_CAPACITY,
                          v1::BARRIER_CODE_WEAK_DEMAND));
  EXPECT_THAT(
      BarriersLoweredAt(5),
      ElementsAre(v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_RESEARCH_CAPACITY,
                  v1::BARRIER_CODE_RESOURCES,
                  v1::BARRIER_CODE_ABSORPTIVE_CAPACITY));
  EXPECT_THAT(
      BarriersLoweredAt(6),
      ElementsAre(v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_RESEARCH_CAPACITY,
                  v1::BARRIER_CODE_RESOURCES, v1::BARRIER_CODE_WEAK_DEMAND));
  EXPECT_THAT(BarriersLoweredAt(-1), IsEmpty());
  EXPECT_THAT(BarriersLoweredAt(kTopRung + 1), IsEmpty());
}

// Breadth raises these; no rung lowers them by itself.
TEST(BarriersLoweredAtTest, NoRungLowersTransactionOrFixedBarriers) {
  for (int rung = 0; rung <= kTopRung; ++rung) {
    const auto lowers = BarriersLoweredAt(rung);
    EXPECT_TRUE(std::is_sorted(lowers.begin(), lowers.end())) << rung;
    for (v1::BarrierCode code :
         {v1::BARRIER_CODE_IP_CONTRACT, v1::BARRIER_CODE_ORG_SUPPORT,
          v1::BARRIER_CODE_DISTANCE, v1::BARRIER_CODE_FACULTY_TIME,
          v1::BARRIER_CODE_STATE_STEERING}) {
      EXPECT_EQ(std::count(lowers.begin(), lowers.end(), code), 0)
          << rung << " " << v1::BarrierCode_Name(code);
    }
  }
}

TEST(PlanPathwayTest, NoHistoryStartsAtMeetingsAndSkipsCurricula) {
  PathwayInput input;
  input.wanted = {v1::CHANNEL_CONTRACT_RESEARCH};
  const v1::Pathway pathway = PlanPathway(input);
  EXPECT_EQ(pathway.covered_rung(), -1);
  EXPECT_EQ(pathway.target_rung(), 4);
  EXPECT_THAT(Rungs(pathway), ElementsAre(0, 1, 3, 4));
  EXPECT_EQ(pathway.summary(),
            "No earlier interaction: 4 steps from L0 meetings to L4 contract "
            "research (L2 joint curricula skipped); transaction support from "
            "L3.");
  EXPECT_THAT(pathway.steps(2).rationale(),
              HasSubstr("L2 joint curricula are left out"));
  EXPECT_EQ(pathway.steps(0).rung_name(),
            "L0 meetings, advisory boards, events");
}

TEST(PlanPathwayTest, NoHistoryLowTargetStillStartsAtMeetings) {
  EXPECT_THAT(Rungs(PlanPathway(Aim(-1, 0))), ElementsAre(0));
  // An internship is not a first contact: L0 stays, as RecommendLadderStep
  // recommends it.
  const v1::Pathway pathway = PlanPathway(Aim(-1, 1));
  EXPECT_THAT(Rungs(pathway), ElementsAre(0, 1));
  EXPECT_EQ(pathway.summary(),
            "No earlier interaction: 2 steps from L0 meetings to L1 "
            "internships; no transaction support needed.");
}

TEST(PlanPathwayTest, CompletedContractResearchAimingAtJointResearch) {
  PathwayInput input = Aim(4, -1);
  input.target_channels = {v1::CHANNEL_JOINT_BID};
  const v1::Pathway pathway = PlanPathway(input);
  EXPECT_EQ(pathway.target_rung(), 5);
  EXPECT_THAT(Rungs(pathway), ElementsAre(5));
  EXPECT_THAT(Channels(pathway.steps(0)), ElementsAre(v1::CHANNEL_JOINT_BID));
  EXPECT_EQ(pathway.summary(),
            "Earlier ties cover L4 contract research: 1 step, L5 joint "
            "research; transaction support from L5.");

  EXPECT_THAT(Rungs(PlanPathway(Aim(4, 6))), ElementsAre(5, 6));
}

TEST(PlanPathwayTest, CoveredTargetHasNoSteps) {
  for (int covered = 0; covered <= kTopRung; ++covered) {
    for (int target = 0; target <= covered; ++target) {
      const v1::Pathway pathway = PlanPathway(Aim(covered, target));
      EXPECT_THAT(pathway.steps(), IsEmpty()) << covered << " " << target;
      EXPECT_EQ(pathway.covered_rung(), covered);
      EXPECT_EQ(pathway.target_rung(), target);
      EXPECT_THAT(pathway.summary(), HasSubstr("already reaches the target"));
      EXPECT_THAT(pathway.summary(), HasSubstr("do it directly"));
    }
  }
  EXPECT_EQ(PlanPathway(Aim(4, 3)).summary(),
            "Earlier ties cover L4 contract research, which already reaches "
            "the target L3 consultancy: do it directly.");
}

TEST(PlanPathwayTest, TopRungCoveredWithoutTarget) {
  const v1::Pathway pathway = PlanPathway(Aim(kTopRung, -1));
  EXPECT_THAT(pathway.steps(), IsEmpty());
  EXPECT_EQ(pathway.target_rung(), kTopRung);
  EXPECT_THAT(pathway.summary(), HasSubstr("the top rung"));
}

TEST(PlanPathwayTest, TargetIsGivenElsePlannedElseWantedElseNext) {
  PathwayInput input = Aim(0, 3);
  input.target_channels = {v1::CHANNEL_JOINT_RESEARCH};
  input.wanted = {v1::CHANNEL_LICENSING};
  EXPECT_EQ(PlanPathway(input).target_rung(), 3);
  input.target_rung = -1;
  EXPECT_EQ(PlanPathway(input).target_rung(), 5);
  input.target_channels.clear();
  EXPECT_EQ(PlanPathway(input).target_rung(), 6);
  input.wanted.clear();
  input.offered = {v1::CHANNEL_JOINT_LAB};  // not a target: only an offer
  const v1::Pathway pathway = PlanPathway(input);
  EXPECT_EQ(pathway.target_rung(), 1);
  EXPECT_THAT(Rungs(pathway), ElementsAre(1));
  EXPECT_THAT(pathway.summary(), HasSubstr("no target rung is given"));
}

TEST(PlanPathwayTest, OutOfRangeRungsAreClamped) {
  const v1::Pathway low = PlanPathway(Aim(-7, 99));
  EXPECT_EQ(low.covered_rung(), -1);
  EXPECT_EQ(low.target_rung(), kTopRung);
  EXPECT_EQ(Rungs(low).front(), 0);
  EXPECT_EQ(Rungs(low).back(), kTopRung);
  const v1::Pathway high = PlanPathway(Aim(12, 2));
  EXPECT_EQ(high.covered_rung(), kTopRung);
  EXPECT_THAT(high.steps(), IsEmpty());
}

TEST(PlanPathwayTest, TransactionSupportFromConsultancyUpward) {
  for (int covered = -1; covered <= kTopRung; ++covered) {
    for (int target = 0; target <= kTopRung; ++target) {
      const v1::Pathway pathway = PlanPathway(Aim(covered, target));
      for (const auto& step : pathway.steps()) {
        EXPECT_EQ(step.transaction_support(), step.rung() >= 3) << step.rung();
        const auto names_transaction =
            step.transaction_support() ? HasSubstr("IP_CONTRACT, ORG_SUPPORT")
                                       : HasSubstr("TTO");
        if (step.transaction_support()) {
          EXPECT_THAT(step.rationale(), names_transaction);
        } else {
          EXPECT_THAT(step.rationale(), Not(names_transaction));
        }
      }
      const bool any = target >= 3 && target > covered;
      EXPECT_EQ(pathway.summary().find("transaction support from") !=
                    std::string::npos,
                any)
          << pathway.summary();
    }
  }
  EXPECT_THAT(PlanPathway(Aim(3, 5)).summary(),
              HasSubstr("transaction support from L4."));
}

TEST(PlanPathwayTest, TransferOfficeChangesTheNote) {
  PathwayInput input = Aim(2, 3);
  EXPECT_THAT(PlanPathway(input).steps(0).rationale(),
              HasSubstr("if it has them"));
  input.tto_or_templates = true;
  EXPECT_THAT(PlanPathway(input).steps(0).rationale(),
              HasSubstr("through the university's TTO"));
  input.tto_or_templates = false;
  EXPECT_THAT(PlanPathway(input).steps(0).rationale(),
              HasSubstr("no TTO or contract templates on record"));
}

TEST(PlanPathwayTest, ChannelsPreferWantedThenOfferedThenPlanned) {
  PathwayInput input = Aim(-1, 3);
  input.wanted = {v1::CHANNEL_CAPSTONE, v1::CHANNEL_CAPSTONE};
  input.offered = {v1::CHANNEL_INTERNSHIP, v1::CHANNEL_EVENTS,
                   v1::CHANNEL_STAFF_TRAINING};
  input.target_channels = {v1::CHANNEL_ADVISORY_BOARD, v1::CHANNEL_TESTING,
                           v1::CHANNEL_JOINT_CURRICULUM};
  const v1::Pathway pathway = PlanPathway(input);
  ASSERT_THAT(Rungs(pathway), ElementsAre(0, 1, 2, 3));
  // L0: nothing wanted there, so the offer wins over the plan.
  EXPECT_THAT(Channels(pathway.steps(0)), ElementsAre(v1::CHANNEL_EVENTS));
  // L1: the firm's wish wins over the offer, once.
  EXPECT_THAT(Channels(pathway.steps(1)), ElementsAre(v1::CHANNEL_CAPSTONE));
  EXPECT_THAT(Channels(pathway.steps(2)),
              ElementsAre(v1::CHANNEL_STAFF_TRAINING));
  // L3: only the plan names a channel.
  EXPECT_THAT(Channels(pathway.steps(3)), ElementsAre(v1::CHANNEL_TESTING));

  // Nobody names a channel of the rung: all of them.
  const v1::Pathway unnamed = PlanPathway(Aim(2, 3));
  EXPECT_THAT(Channels(unnamed.steps(0)),
              UnorderedElementsAre(v1::CHANNEL_CONSULTANCY, v1::CHANNEL_TESTING,
                                   v1::CHANNEL_EQUIPMENT_ACCESS));
}

TEST(PlanPathwayTest, CurriculaKeptWhenAskedForOrNeeded) {
  // Asked for by the firm or in the plan.
  PathwayInput wanted = Aim(-1, 4);
  wanted.wanted = {v1::CHANNEL_JOINT_CURRICULUM};
  EXPECT_THAT(Rungs(PlanPathway(wanted)), ElementsAre(0, 1, 2, 3, 4));
  PathwayInput planned = Aim(0, 5);
  planned.target_channels = {v1::CHANNEL_STAFF_TRAINING,
                             v1::CHANNEL_JOINT_RESEARCH};
  EXPECT_THAT(Rungs(PlanPathway(planned)), ElementsAre(1, 2, 3, 4, 5));
  // Offered only: still optional.
  PathwayInput offered = Aim(0, 4);
  offered.offered = {v1::CHANNEL_STAFF_TRAINING};
  EXPECT_THAT(Rungs(PlanPathway(offered)), ElementsAre(1, 3, 4));
  // A firm without R&D staff needs the training.
  PathwayInput no_rd = Aim(-1, 4);
  no_rd.firm_rd_staff = false;
  const v1::Pathway pathway = PlanPathway(no_rd);
  EXPECT_THAT(Rungs(pathway), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(pathway.steps(2).rationale(), HasSubstr("no R&D staff"));
  EXPECT_THAT(pathway.steps(4).rationale(), HasSubstr("take up the results"));
  EXPECT_THAT(pathway.summary(), Not(HasSubstr("skipped")));
  no_rd.firm_rd_staff = true;
  EXPECT_THAT(Rungs(PlanPathway(no_rd)), ElementsAre(0, 1, 3, 4));
  // Not a research path, or curricula are the first or the last step.
  EXPECT_THAT(Rungs(PlanPathway(Aim(-1, 3))), ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(Rungs(PlanPathway(Aim(1, 4))), ElementsAre(2, 3, 4));
  EXPECT_THAT(Rungs(PlanPathway(Aim(0, 2))), ElementsAre(1, 2));
}

TEST(PlanPathwayTest, EveryStepLowersSomething) {
  for (int covered = -1; covered <= kTopRung; ++covered) {
    for (int target = 0; target <= kTopRung; ++target) {
      const v1::Pathway pathway = PlanPathway(Aim(covered, target));
      for (const auto& step : pathway.steps()) {
        EXPECT_FALSE(step.lowers().empty()) << step.rung();
        EXPECT_EQ(Lowers(step), BarriersLoweredAt(step.rung()));
        EXPECT_EQ(step.rung_name(), RungName(step.rung()));
        EXPECT_FALSE(step.channels().empty());
        for (int c : step.channels()) {
          EXPECT_EQ(RungOf(static_cast<v1::Channel>(c)), step.rung());
        }
      }
    }
  }
}

TEST(PlanPathwayTest, ProgrammeOnlyHistoryAddsStateSteeringToTheFirstStep) {
  PathwayInput input = Aim(1, 4);
  input.programme_only_history = true;
  input.failed_tie = true;
  const v1::Pathway pathway = PlanPathway(input);
  ASSERT_THAT(Rungs(pathway), ElementsAre(2, 3, 4));
  EXPECT_THAT(
      Lowers(pathway.steps(0)),
      ElementsAre(v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_ABSORPTIVE_CAPACITY,
                  v1::BARRIER_CODE_ORIENTATION,
                  v1::BARRIER_CODE_STATE_STEERING));
  EXPECT_THAT(pathway.steps(0).rationale(), HasSubstr("made by programmes"));
  EXPECT_THAT(pathway.steps(0).rationale(), HasSubstr("tie between the two"));
  for (int i = 1; i < pathway.steps_size(); ++i) {
    EXPECT_EQ(Lowers(pathway.steps(i)),
              BarriersLoweredAt(pathway.steps(i).rung()));
    EXPECT_THAT(pathway.steps(i).rationale(), Not(HasSubstr("programmes")));
    EXPECT_THAT(pathway.steps(i).rationale(), Not(HasSubstr("failed")));
  }
}

// Each rationale is one plain sentence: capital first, one full stop.
TEST(PlanPathwayTest, RationalesAreOneSentence) {
  PathwayInput input = Aim(-1, kTopRung);
  input.programme_only_history = true;
  input.failed_tie = true;
  input.firm_rd_staff = false;
  input.tto_or_templates = false;
  const v1::Pathway pathway = PlanPathway(input);
  for (const auto& step : pathway.steps()) {
    const std::string& r = step.rationale();
    ASSERT_FALSE(r.empty());
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(r.front()))) << r;
    EXPECT_EQ(r.back(), '.') << r;
    EXPECT_EQ(std::count(r.begin(), r.end(), '.'), 1) << r;
  }
}

// The pathway and the single-step recommendation apply one ladder rule:
// the first step is the rung RecommendLadderStep recommends.
TEST(PlanPathwayTest, FirstStepIsTheRecommendedLadderStep) {
  const std::vector<std::vector<v1::Channel>> lists = {
      {},
      {v1::CHANNEL_JOINT_CURRICULUM},
      {v1::CHANNEL_INTERNSHIP, v1::CHANNEL_CONTRACT_RESEARCH},
      {v1::CHANNEL_LICENSING}};
  for (int covered = -1; covered <= kTopRung; ++covered) {
    for (int target = 0; target <= kTopRung; ++target) {
      for (const auto& wanted : lists) {
        for (const auto& offered : lists) {
          for (bool lacks_rd : {false, true}) {
            PathwayInput input = Aim(covered, target);
            input.wanted = wanted;
            input.offered = offered;
            if (lacks_rd) input.firm_rd_staff = false;
            const v1::Pathway pathway = PlanPathway(input);
            const v1::LadderStep step =
                RecommendLadderStep({covered, wanted, offered});
            if (target > covered) {
              ASSERT_FALSE(pathway.steps().empty());
              EXPECT_EQ(pathway.steps(0).rung(), step.recommended_rung())
                  << covered << " " << target;
              // Contiguous from there to the target, but for L2.
              const std::vector<int> rungs = Rungs(pathway);
              EXPECT_EQ(rungs.back(), target);
              for (int rung = covered + 1; rung <= target; ++rung) {
                if (rung != 2) {
                  EXPECT_EQ(std::count(rungs.begin(), rungs.end(), rung), 1);
                }
              }
              EXPECT_TRUE(std::is_sorted(rungs.begin(), rungs.end()));
            } else {
              EXPECT_THAT(pathway.steps(), IsEmpty());
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace helixmatch
