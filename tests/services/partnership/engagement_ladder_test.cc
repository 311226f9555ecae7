#include "services/partnership/engagement_ladder.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<v1::Channel> Channels(
    const google::protobuf::RepeatedField<int>& list) {
  std::vector<v1::Channel> out;
  for (int c : list) out.push_back(static_cast<v1::Channel>(c));
  return out;
}

TEST(RungOfTest, EveryChannelSitsOnItsDocumentedRung) {
  const std::vector<std::pair<v1::Channel, int>> expected = {
      {v1::CHANNEL_UNSPECIFIED, -1},      {v1::CHANNEL_MEETINGS, 0},
      {v1::CHANNEL_ADVISORY_BOARD, 0},    {v1::CHANNEL_EVENTS, 0},
      {v1::CHANNEL_INTERNSHIP, 1},        {v1::CHANNEL_CAPSTONE, 1},
      {v1::CHANNEL_GUEST_LECTURE, 1},     {v1::CHANNEL_JOINT_CURRICULUM, 2},
      {v1::CHANNEL_STAFF_TRAINING, 2},    {v1::CHANNEL_CONSULTANCY, 3},
      {v1::CHANNEL_TESTING, 3},           {v1::CHANNEL_EQUIPMENT_ACCESS, 3},
      {v1::CHANNEL_CONTRACT_RESEARCH, 4}, {v1::CHANNEL_JOINT_RESEARCH, 5},
      {v1::CHANNEL_JOINT_BID, 5},         {v1::CHANNEL_COSUPERVISED_PHD, 5},
      {v1::CHANNEL_LICENSING, 6},         {v1::CHANNEL_SPIN_OFF, 6},
      {v1::CHANNEL_JOINT_LAB, 6},
  };
  ASSERT_EQ(expected.size(), static_cast<size_t>(v1::Channel_MAX + 1));
  for (const auto& [channel, rung] : expected) {
    EXPECT_EQ(RungOf(channel), rung) << v1::Channel_Name(channel);
  }
}

TEST(RungOfTest, UnknownEnumValueHasNoRung) {
  EXPECT_EQ(RungOf(static_cast<v1::Channel>(99)), -1);
}

TEST(ChannelsOfRungTest, ListsTheChannelsOfEachRung) {
  EXPECT_THAT(
      ChannelsOfRung(0),
      UnorderedElementsAre(v1::CHANNEL_MEETINGS, v1::CHANNEL_ADVISORY_BOARD,
                           v1::CHANNEL_EVENTS));
  EXPECT_THAT(ChannelsOfRung(1),
              UnorderedElementsAre(v1::CHANNEL_INTERNSHIP, v1::CHANNEL_CAPSTONE,
                                   v1::CHANNEL_GUEST_LECTURE));
  EXPECT_THAT(ChannelsOfRung(2),
              UnorderedElementsAre(v1::CHANNEL_JOINT_CURRICULUM,
                                   v1::CHANNEL_STAFF_TRAINING));
  EXPECT_THAT(ChannelsOfRung(3),
              UnorderedElementsAre(v1::CHANNEL_CONSULTANCY, v1::CHANNEL_TESTING,
                                   v1::CHANNEL_EQUIPMENT_ACCESS));
  EXPECT_THAT(ChannelsOfRung(4), ElementsAre(v1::CHANNEL_CONTRACT_RESEARCH));
  EXPECT_THAT(
      ChannelsOfRung(5),
      UnorderedElementsAre(v1::CHANNEL_JOINT_RESEARCH, v1::CHANNEL_JOINT_BID,
                           v1::CHANNEL_COSUPERVISED_PHD));
  EXPECT_THAT(ChannelsOfRung(6),
              UnorderedElementsAre(v1::CHANNEL_LICENSING, v1::CHANNEL_SPIN_OFF,
                                   v1::CHANNEL_JOINT_LAB));
  EXPECT_THAT(ChannelsOfRung(kTopRung + 1), IsEmpty());
}

TEST(ChannelsOfRungTest, RungsPartitionTheKnownChannels) {
  std::multiset<int> seen;
  for (int rung = 0; rung <= kTopRung; ++rung) {
    for (v1::Channel c : ChannelsOfRung(rung)) {
      EXPECT_EQ(RungOf(c), rung);
      seen.insert(c);
    }
  }
  for (int c = v1::CHANNEL_MEETINGS; c <= v1::Channel_MAX; ++c) {
    EXPECT_EQ(seen.count(c), 1u) << c;
  }
  EXPECT_EQ(seen.count(v1::CHANNEL_UNSPECIFIED), 0u);
}

TEST(RungNameTest, NamesRungsAndRejectsOthers) {
  EXPECT_EQ(RungName(0), "L0 meetings, advisory boards, events");
  EXPECT_EQ(RungName(3), "L3 consultancy, testing, equipment access");
  EXPECT_EQ(RungName(6), "L6 licensing, spin-offs, joint labs");
  EXPECT_EQ(RungName(-1), "none");
  EXPECT_EQ(RungName(7), "none");
}

TEST(RecommendLadderStepTest, NoTiesNothingWantedStartsAtTheBottom) {
  const v1::LadderStep step = RecommendLadderStep({});
  EXPECT_EQ(step.covered_rung(), -1);
  EXPECT_EQ(step.recommended_rung(), 0);
  EXPECT_EQ(step.next_rung(), 1);
  EXPECT_THAT(
      Channels(step.recommended_channels()),
      UnorderedElementsAre(v1::CHANNEL_MEETINGS, v1::CHANNEL_ADVISORY_BOARD,
                           v1::CHANNEL_EVENTS));
  EXPECT_THAT(Channels(step.next_channels()),
              UnorderedElementsAre(v1::CHANNEL_INTERNSHIP, v1::CHANNEL_CAPSTONE,
                                   v1::CHANNEL_GUEST_LECTURE));
  EXPECT_FALSE(step.transaction_support());
  EXPECT_THAT(step.rationale(), HasSubstr("no earlier interaction"));
}

TEST(RecommendLadderStepTest, CoveredRungIsNotRecommendedAgain) {
  LadderInput input;
  input.covered_rung = 1;
  const v1::LadderStep step = RecommendLadderStep(input);
  EXPECT_EQ(step.covered_rung(), 1);
  EXPECT_GE(step.recommended_rung(), 2);
  EXPECT_EQ(step.recommended_rung(), 2);
  EXPECT_EQ(step.next_rung(), 3);
  EXPECT_FALSE(step.transaction_support());
  EXPECT_THAT(step.rationale(), HasSubstr("earlier ties cover L1"));
  EXPECT_THAT(step.rationale(), HasSubstr("start at L2"));
}

TEST(RecommendLadderStepTest, WantedHighRungDoesNotSkipTheLowestUncovered) {
  LadderInput input;
  input.covered_rung = -1;
  input.wanted = {v1::CHANNEL_CONTRACT_RESEARCH};
  const v1::LadderStep step = RecommendLadderStep(input);
  EXPECT_EQ(step.recommended_rung(), 0);
  EXPECT_LE(step.recommended_rung(), 1);
  EXPECT_THAT(
      Channels(step.recommended_channels()),
      UnorderedElementsAre(v1::CHANNEL_MEETINGS, v1::CHANNEL_ADVISORY_BOARD,
                           v1::CHANNEL_EVENTS));
  EXPECT_EQ(step.next_rung(), 4);
  EXPECT_THAT(Channels(step.next_channels()),
              ElementsAre(v1::CHANNEL_CONTRACT_RESEARCH));
  EXPECT_TRUE(step.transaction_support());
  EXPECT_THAT(step.rationale(), HasSubstr("what the firm asks for"));
}

TEST(RecommendLadderStepTest, PathForwardIsTheLowestWantedRungAbove) {
  LadderInput input;
  input.covered_rung = 2;
  input.wanted = {v1::CHANNEL_LICENSING, v1::CHANNEL_CONTRACT_RESEARCH,
                  v1::CHANNEL_TESTING};
  const v1::LadderStep step = RecommendLadderStep(input);
  EXPECT_EQ(step.recommended_rung(), 3);
  EXPECT_THAT(Channels(step.recommended_channels()),
              ElementsAre(v1::CHANNEL_TESTING));
  EXPECT_EQ(step.next_rung(), 4);
  EXPECT_THAT(Channels(step.next_channels()),
              ElementsAre(v1::CHANNEL_CONTRACT_RESEARCH));
  EXPECT_TRUE(step.transaction_support());
}

TEST(RecommendLadderStepTest, WantedChannelsBelowCoverageAreIgnored) {
  LadderInput input;
  input.covered_rung = 3;
  input.wanted = {v1::CHANNEL_INTERNSHIP};
  const v1::LadderStep step = RecommendLadderStep(input);
  EXPECT_EQ(step.recommended_rung(), 4);
  EXPECT_THAT(Channels(step.recommended_channels()),
              ElementsAre(v1::CHANNEL_CONTRACT_RESEARCH));
  EXPECT_EQ(step.next_rung(), 5);
  EXPECT_THAT(step.rationale(), HasSubstr("the next rung"));
}

TEST(RecommendLadderStepTest, WantedTakesPrecedenceOverOffered) {
  LadderInput input;
  input.wanted = {v1::CHANNEL_GUEST_LECTURE};
  input.offered = {v1::CHANNEL_MEETINGS, v1::CHANNEL_CAPSTONE,
                   v1::CHANNEL_STAFF_TRAINING};
  const v1::LadderStep step = RecommendLadderStep(input);
  EXPECT_EQ(step.recommended_rung(), 0);
  EXPECT_EQ(step.next_rung(), 1);
  EXPECT_THAT(Channels(step.next_channels()),
              ElementsAre(v1::CHANNEL_GUEST_LECTURE));
  EXPECT_THAT(step.rationale(), HasSubstr("what the firm asks for"));
}

TEST(RecommendLadderStepTest, OfferedUsedWhenNothingIsWanted) {
  LadderInput input;
  input.covered_rung = 0;
  input.offered = {v1::CHANNEL_CAPSTONE, v1::CHANNEL_JOINT_LAB,
                   v1::CHANNEL_CONSULTANCY};
  const v1::LadderStep step = RecommendLadderStep(input);
  EXPECT_EQ(step.recommended_rung(), 1);
  EXPECT_THAT(Channels(step.recommended_channels()),
              ElementsAre(v1::CHANNEL_CAPSTONE));
  EXPECT_EQ(step.next_rung(), 3);
  EXPECT_THAT(Channels(step.next_channels()),
              ElementsAre(v1::CHANNEL_CONSULTANCY));
  EXPECT_FALSE(step.transaction_support());
  EXPECT_THAT(step.rationale(), HasSubstr("what the lab offers"));
}

TEST(RecommendLadderStepTest, OfferedIgnoredWhenWantedReachesHigher) {
  LadderInput input;
  input.covered_rung = 1;
  input.wanted = {v1::CHANNEL_JOINT_BID};
  input.offered = {v1::CHANNEL_TESTING};
  const v1::LadderStep step = RecommendLadderStep(input);
  EXPECT_EQ(step.recommended_rung(), 2);
  EXPECT_EQ(step.next_rung(), 5);
  EXPECT_TRUE(step.transaction_support());
}

TEST(RecommendLadderStepTest, RecommendedChannelsAreDeduplicated) {
  LadderInput input;
  input.covered_rung = 0;
  input.wanted = {v1::CHANNEL_INTERNSHIP, v1::CHANNEL_INTERNSHIP,
                  v1::CHANNEL_CAPSTONE, v1::CHANNEL_TESTING,
                  v1::CHANNEL_TESTING};
  const v1::LadderStep step = RecommendLadderStep(input);
  EXPECT_EQ(step.recommended_rung(), 1);
  EXPECT_THAT(Channels(step.recommended_channels()),
              ElementsAre(v1::CHANNEL_INTERNSHIP, v1::CHANNEL_CAPSTONE));
  EXPECT_EQ(step.next_rung(), 3);
  EXPECT_THAT(Channels(step.next_channels()), ElementsAre(v1::CHANNEL_TESTING));
  EXPECT_FALSE(step.transaction_support());
}

TEST(RecommendLadderStepTest, TransactionSupportFromRungThreeUpward) {
  for (int covered = -1; covered <= kTopRung; ++covered) {
    LadderInput input;
    input.covered_rung = covered;
    const v1::LadderStep step = RecommendLadderStep(input);
    const int expected = std::min(covered + 1, kTopRung);
    EXPECT_EQ(step.recommended_rung(), expected) << covered;
    EXPECT_EQ(step.transaction_support(), expected >= 3) << covered;
    EXPECT_FALSE(step.rationale().empty());
    if (step.transaction_support()) {
      EXPECT_THAT(step.rationale(), HasSubstr("TTO"));
    } else {
      EXPECT_THAT(step.rationale(), ::testing::Not(HasSubstr("TTO")));
    }
  }
}

TEST(RecommendLadderStepTest, TopRungHasNoNextStep) {
  for (int covered : {5, 6}) {
    LadderInput input;
    input.covered_rung = covered;
    const v1::LadderStep step = RecommendLadderStep(input);
    EXPECT_EQ(step.recommended_rung(), kTopRung);
    EXPECT_EQ(step.next_rung(), -1);
    EXPECT_THAT(step.next_channels(), IsEmpty());
    EXPECT_THAT(
        Channels(step.recommended_channels()),
        UnorderedElementsAre(v1::CHANNEL_LICENSING, v1::CHANNEL_SPIN_OFF,
                             v1::CHANNEL_JOINT_LAB));
    EXPECT_FALSE(step.rationale().empty());
    EXPECT_THAT(step.rationale(), ::testing::Not(HasSubstr(", then")));
  }
}

TEST(RecommendLadderStepTest, AlwaysRecommendsTheLowestUncoveredRung) {
  for (int covered = -1; covered <= kTopRung; ++covered) {
    for (int c = v1::CHANNEL_MEETINGS; c <= v1::Channel_MAX; ++c) {
      for (bool as_wanted : {true, false}) {
        LadderInput input;
        input.covered_rung = covered;
        (as_wanted ? input.wanted : input.offered)
            .push_back(static_cast<v1::Channel>(c));
        const v1::LadderStep step = RecommendLadderStep(input);
        const int lowest = std::min(covered + 1, kTopRung);
        EXPECT_EQ(step.recommended_rung(), lowest);
        if (lowest == kTopRung) {
          EXPECT_EQ(step.next_rung(), -1);
        } else {
          EXPECT_GT(step.next_rung(), lowest);
          const int rung = RungOf(static_cast<v1::Channel>(c));
          EXPECT_EQ(step.next_rung(), rung > lowest ? rung : lowest + 1);
        }
        EXPECT_EQ(step.transaction_support(),
                  step.recommended_rung() >= 3 || step.next_rung() >= 4);
        EXPECT_FALSE(step.recommended_channels().empty());
        EXPECT_FALSE(step.rationale().empty());
      }
    }
  }
}

}  // namespace
}  // namespace helixmatch

namespace helixmatch {
namespace {

// Regression: the next channels came from the wanted list even when the
// next rung came from what the lab offers.
TEST(RecommendLadderStepRegressionTest, NextChannelsComeFromTheSourceList) {
  LadderInput input;
  input.covered_rung = 0;
  input.wanted = {v1::CHANNEL_INTERNSHIP};
  input.offered = {v1::CHANNEL_INTERNSHIP, v1::CHANNEL_TESTING};
  const auto step = RecommendLadderStep(input);
  EXPECT_EQ(step.recommended_rung(), 1);
  EXPECT_EQ(step.next_rung(), 3);
  ASSERT_EQ(step.next_channels_size(), 1);
  EXPECT_EQ(step.next_channels(0), v1::CHANNEL_TESTING);
}

}  // namespace
}  // namespace helixmatch
