// Ranking over the fixture corpus: topics find their universities,
// suggestions are grouped and sorted, trust moves the order.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace ::helixmatch::testing;  // NOLINT: the fixture's helpers

TEST_F(MatchingEngineTest, MiningNeedRanksMiningUniversityFirst) {
  LoadCorpus();
  const auto response = Recommend(ForNeed("need_mining", 5));
  ASSERT_GE(response.suggestions_size(), 1);
  EXPECT_LE(response.suggestions_size(), 5);
  const v1::Suggestion& top = response.suggestions(0);
  EXPECT_EQ(top.organization().id(), "u_mining");
  ASSERT_GE(top.profiles_size(), 1);
  EXPECT_EQ(top.profiles(0).id(), "cap_mining_1");
  EXPECT_GT(top.breakdown().lexical(), 0.0);
  EXPECT_GT(top.breakdown().dense(), 0.5);
  EXPECT_THAT(std::vector<std::string>(top.evidence_terms().begin(),
                                       top.evidence_terms().end()),
              ::testing::Contains("flotation"));
  EXPECT_FALSE(top.organization().has_signals());
  EXPECT_EQ(response.model(), engine_->model_identity());
  EXPECT_GT(response.candidates_considered(), 0);
  for (int i = 1; i < response.suggestions_size(); ++i) {
    EXPECT_LT(response.suggestions(i).score(), top.score());
  }
  EXPECT_EQ(top.ladder().recommended_rung(), 0);
  EXPECT_EQ(top.ladder().next_rung(), 3);
  EXPECT_GT(top.breakdown().benefit_alignment(), 0.0);
}

TEST_F(MatchingEngineTest, SignalsReachBarriersAndFeaturesStayInRange) {
  LoadCorpus();
  v1::Organization university =
      University("u_mining", "KZ", "Karaganda", "mining");
  university.mutable_signals()->set_tto_present(false);
  university.mutable_signals()->set_researchers(20);
  university.mutable_signals()->set_publications_per_year(30);
  v1::Organization firm = Firm("f_mining", "KZ", "Karaganda", "mining");
  firm.mutable_signals()->set_rd_staff(0);
  Put(university);
  Put(firm);
  v1::CapabilityProfile cap = MakeCapability(
      "cap_mining_5", "u_mining", "Copper flotation reagent concentrator");
  cap.add_benefits_sought(v1::BENEFIT_RESEARCH);
  cap.add_benefits_sought(v1::BENEFIT_FUNDING);
  cap.add_channels_offered(v1::CHANNEL_TESTING);
  Put(cap);
  v1::FirmNeed need = MakeNeed("need_mining_2", "f_mining",
                               "Copper flotation reagent at the concentrator");
  need.add_benefits_sought(v1::BENEFIT_RESEARCH);
  need.add_benefits_sought(v1::BENEFIT_HUMAN_CAPITAL);
  need.add_channels_wanted(v1::CHANNEL_TESTING);
  need.add_channels_wanted(v1::CHANNEL_INTERNSHIP);
  Put(need);

  const auto response = Recommend(ForNeed("need_mining_2", 10));
  ASSERT_GE(response.suggestions_size(), 2);
  const v1::Suggestion& top = response.suggestions(0);
  ASSERT_EQ(top.organization().id(), "u_mining");
  EXPECT_EQ(top.profiles(0).id(), "cap_mining_5");
  EXPECT_FALSE(top.organization().has_signals());
  EXPECT_EQ(Barrier(top, v1::BARRIER_CODE_ORG_SUPPORT).severity(),
            v1::SEVERITY_HIGH);
  EXPECT_EQ(Barrier(top, v1::BARRIER_CODE_ABSORPTIVE_CAPACITY).severity(),
            v1::SEVERITY_HIGH);
  EXPECT_NE(Barrier(top, v1::BARRIER_CODE_RESEARCH_CAPACITY).severity(),
            v1::SEVERITY_UNKNOWN);
  EXPECT_DOUBLE_EQ(top.breakdown().capacity(), 1.0);
  EXPECT_NEAR(top.breakdown().benefit_alignment(), 0.6 * 0.5 + 0.4 / 3.0, 1e-9);
  const std::vector<std::string> unknown(
      top.breakdown().unknown_features().begin(),
      top.breakdown().unknown_features().end());
  EXPECT_THAT(unknown, ::testing::Not(::testing::Contains("capacity")));
  const v1::Suggestion* oil = FindSuggestion(response, "u_oil");
  ASSERT_NE(oil, nullptr);
  EXPECT_EQ(Barrier(*oil, v1::BARRIER_CODE_ORG_SUPPORT).severity(),
            v1::SEVERITY_UNKNOWN);
  EXPECT_THAT(
      std::vector<std::string>(oil->breakdown().unknown_features().begin(),
                               oil->breakdown().unknown_features().end()),
      ::testing::Contains("capacity"));

  for (const auto& s : response.suggestions()) {
    const v1::ScoreBreakdown& b = s.breakdown();
    for (double feature :
         {b.topical_fit(), b.dense(), b.lexical(), b.depth(), b.trust(),
          b.proximity(), b.capacity(), b.benefit_alignment()}) {
      EXPECT_GE(feature, 0.0) << s.organization().id();
      EXPECT_LE(feature, 1.0) << s.organization().id();
    }
  }
}

TEST_F(MatchingEngineTest, EachTopicFindsItsUniversity) {
  LoadCorpus();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"need_oil", "u_oil"},
      {"need_agri", "u_agri"},
      {"need_energy", "u_energy"}};
  for (const auto& [need, university] : expected) {
    const auto response = Recommend(ForNeed(need, 3));
    ASSERT_GE(response.suggestions_size(), 1) << need;
    EXPECT_EQ(response.suggestions(0).organization().id(), university) << need;
  }
}

TEST_F(MatchingEngineTest, SuggestionsAreGroupedAndSorted) {
  LoadCorpus();
  Put(MakeCapability("cap_mining_4", "u_mining", "Copper mine geomechanics"));
  for (int per_org : {0, 1, 2, 10}) {
    v1::RecommendRequest request =
        ForText("copper ore mining", v1::DIRECTION_NEED_TO_CAPABILITIES, 20);
    request.set_profiles_per_organization(per_org);
    const auto response = Recommend(request);
    ASSERT_GE(response.suggestions_size(), 2);
    std::set<std::string> seen;
    std::set<std::string> profiles;
    for (int i = 0; i < response.suggestions_size(); ++i) {
      const v1::Suggestion& s = response.suggestions(i);
      EXPECT_TRUE(seen.insert(s.organization().id()).second)
          << s.organization().id();
      if (i > 0) {
        EXPECT_LE(s.score(), response.suggestions(i - 1).score());
      }
      ASSERT_GE(s.profiles_size(), 1);
      EXPECT_LE(s.profiles_size(), per_org == 0 ? 3 : per_org);
      for (int j = 0; j < s.profiles_size(); ++j) {
        EXPECT_TRUE(profiles.insert(s.profiles(j).id()).second);
        if (j > 0) {
          EXPECT_LE(s.profiles(j).score(), s.profiles(j - 1).score());
        }
      }
      EXPECT_DOUBLE_EQ(s.breakdown().topical_fit(), s.profiles(0).score());
      EXPECT_GE(s.score(), s.breakdown().topical_fit());
      ASSERT_EQ(s.barriers_size(), 12);
      for (int b = 0; b < 12; ++b) {
        EXPECT_EQ(s.barriers(b).code(), static_cast<v1::BarrierCode>(b + 1));
        EXPECT_FALSE(s.barriers(b).mitigation().empty());
      }
      EXPECT_FALSE(s.ladder().rationale().empty());
    }
    const v1::Suggestion& mining = response.suggestions(0);
    EXPECT_EQ(mining.organization().id(), "u_mining");
    EXPECT_EQ(mining.total_profiles(), 4);
    EXPECT_EQ(mining.profiles_size(), per_org == 0 ? 3 : std::min(per_org, 4));
  }
}

class TrustSetupTest : public MatchingEngineTest {
 protected:
  void SetUp() override {
    MatchingEngineTest::SetUp();
    Put(Firm("f_x", "KZ", "Karaganda", "mining"));
    Put(University("u_a", "KZ", "Karaganda", "mining"));
    Put(University("u_b", "KZ", "Karaganda", "mining"));
    Put(MakeNeed("need_x", "f_x", "Copper flotation at the concentrator"));
    Put(MakeCapability("cap_a", "u_a", "Copper ore flotation"));
    Put(MakeCapability("cap_b", "u_b", "Copper ore flotation"));
  }
};

TEST_F(TrustSetupTest, CompletedTiesLowerTrustBarrier) {
  Put(MakeTie("t1", "u_a", "f_x", 2023));
  Put(MakeTie("t2", "f_x", "u_a", 2024));
  const auto response = Recommend(ForNeed("need_x"));
  const v1::Suggestion* a = FindSuggestion(response, "u_a");
  const v1::Suggestion* b = FindSuggestion(response, "u_b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Barrier(*a, v1::BARRIER_CODE_TRUST).severity(), v1::SEVERITY_LOW);
  EXPECT_EQ(Barrier(*b, v1::BARRIER_CODE_TRUST).severity(), v1::SEVERITY_HIGH);
  EXPECT_LT(Barrier(*a, v1::BARRIER_CODE_TRUST).severity(),
            Barrier(*b, v1::BARRIER_CODE_TRUST).severity());
  EXPECT_EQ(Barrier(*a, v1::BARRIER_CODE_UNAWARENESS).severity(),
            v1::SEVERITY_NONE);
  EXPECT_GT(a->breakdown().trust(), 0.0);
  EXPECT_DOUBLE_EQ(b->breakdown().trust(), 0.0);
  EXPECT_DOUBLE_EQ(a->breakdown().topical_fit(), b->breakdown().topical_fit());
  EXPECT_GT(a->score(), b->score());
  EXPECT_EQ(response.suggestions(0).organization().id(), "u_a");
  ASSERT_EQ(a->trust_evidence_size(), 2);
  EXPECT_THAT(a->trust_evidence(0), StartsWith("2024"));
  EXPECT_EQ(b->trust_evidence_size(), 0);
  EXPECT_EQ(a->ladder().covered_rung(), 1);
  EXPECT_GE(a->ladder().recommended_rung(), 2);
  EXPECT_EQ(b->ladder().covered_rung(), -1);
  EXPECT_EQ(b->ladder().recommended_rung(), 0);

  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_TIE, "t2").ok());
  const auto after = Recommend(ForNeed("need_x"));
  const v1::Suggestion* a2 = FindSuggestion(after, "u_a");
  ASSERT_NE(a2, nullptr);
  EXPECT_EQ(Barrier(*a2, v1::BARRIER_CODE_TRUST).severity(),
            v1::SEVERITY_MEDIUM);
  EXPECT_EQ(a2->trust_evidence_size(), 1);
  EXPECT_LT(a2->breakdown().trust(), a->breakdown().trust());
}

TEST_F(TrustSetupTest, SharedPartnerIsCounted) {
  Put(University("u_c", "KZ", "Almaty", "mining"));
  Put(MakeTie("t1", "u_c", "f_x", 2022));
  Put(MakeTie("t2", "u_c", "u_b", 2022));
  const auto response = Recommend(ForNeed("need_x"));
  const v1::Suggestion* a = FindSuggestion(response, "u_a");
  const v1::Suggestion* b = FindSuggestion(response, "u_b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Barrier(*a, v1::BARRIER_CODE_UNAWARENESS).severity(),
            v1::SEVERITY_HIGH);
  EXPECT_EQ(Barrier(*b, v1::BARRIER_CODE_UNAWARENESS).severity(),
            v1::SEVERITY_MEDIUM);
  EXPECT_THAT(Barrier(*b, v1::BARRIER_CODE_UNAWARENESS).summary(),
              HasSubstr("1 shared partner"));
}

TEST_F(TrustSetupTest, ProgrammeOnlyHistoryRaisesStateSteering) {
  v1::Tie tie = MakeTie("t1", "u_a", "f_x", 2024);
  tie.set_origin(v1::TIE_ORIGIN_PROGRAMME);
  Put(tie);
  const auto response = Recommend(ForNeed("need_x"));
  const v1::Suggestion* a = FindSuggestion(response, "u_a");
  const v1::Suggestion* b = FindSuggestion(response, "u_b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Barrier(*a, v1::BARRIER_CODE_STATE_STEERING).severity(),
            v1::SEVERITY_HIGH);
  EXPECT_EQ(Barrier(*b, v1::BARRIER_CODE_STATE_STEERING).severity(),
            v1::SEVERITY_UNKNOWN);
}

}  // namespace
// Shared partners are computed only while they can change the top k: the
// top k for each small k must be the prefix of the ranking that computed
// them for every candidate (k = 100 here, above the candidate count).
TEST_F(TrustSetupTest, TopKIsThePrefixOfTheFullRanking) {
  const std::vector<std::string> texts = {
      "Copper ore flotation", "Copper flotation reagents",
      "Flotation of copper and gold ores", "Ore concentrator flotation",
      "Copper smelting", "Mineral processing of copper ore"};
  for (int i = 0; i < 12; ++i) {
    const std::string u = "u_" + std::to_string(i);
    const std::string p = "p_" + std::to_string(i);
    Put(University(u, "KZ", i % 2 == 0 ? "Karaganda" : "Almaty", "mining"));
    Put(MakeCapability("cap_" + u, u, texts[i % texts.size()]));
    // The firm's partner p_i, tied to universities u_0 .. u_i: earlier
    // universities share more partners with the firm.
    Put(Firm(p, "KZ", "Almaty", "mining"));
    Put(MakeTie("t_f_" + p, "f_x", p, 2021));
    for (int j = 0; j <= i; ++j) {
      Put(MakeTie("t_" + p + "_" + std::to_string(j), p,
                  "u_" + std::to_string(j), 2021));
    }
  }
  const auto full = Recommend(ForNeed("need_x", 100));
  ASSERT_GE(full.suggestions_size(), 12);
  // The feature is in play: some candidate has shared partners.
  EXPECT_GT(full.suggestions(0).breakdown().network(), 0.0);
  for (int k = 1; k <= 8; ++k) {
    const auto top = Recommend(ForNeed("need_x", k));
    ASSERT_EQ(top.suggestions_size(), k);
    for (int i = 0; i < k; ++i) {
      EXPECT_EQ(top.suggestions(i).organization().id(),
                full.suggestions(i).organization().id())
          << "k=" << k << " rank " << i;
      EXPECT_DOUBLE_EQ(top.suggestions(i).score(), full.suggestions(i).score());
      EXPECT_DOUBLE_EQ(top.suggestions(i).breakdown().network(),
                       full.suggestions(i).breakdown().network());
    }
  }
}

}  // namespace helixmatch
