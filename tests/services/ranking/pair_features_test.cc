// The call-aware and tie-graph features through Recommend: a university's
// experience with the query's call family and programme, the firm's tie
// share, years since the pair's latest tie, firm partners and country
// affinity, the BM25 rank; unknown (not zero) without a call or firm.
#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using ::testing::Contains;
using ::testing::Not;
using namespace ::helixmatch::testing;  // NOLINT: the fixture's helpers

std::vector<std::string> Unknown(const v1::Suggestion& s) {
  return {s.breakdown().unknown_features().begin(),
          s.breakdown().unknown_features().end()};
}

TEST_F(MatchingEngineTest, CallAndTieFeaturesOfAPair) {
  LoadCorpus();
  v1::CapabilityProfile cap = MakeCapability("cap_mining_call", "u_mining",
                                             "Copper flotation tailings reuse");
  cap.mutable_funding_call()->set_programme("SC5");
  cap.mutable_funding_call()->set_topic("SC5-10-2016");
  Put(cap);
  Put(MakeTie("t_mining_1", "u_mining", "f_mining", 2021));
  Put(MakeTie("t_mining_2", "u_mining", "f_mining", 2023));
  Put(MakeTie("t_oil", "u_oil", "f_mining", 2020));

  v1::RecommendRequest request =
      ForText("Copper flotation at the concentrator",
              v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  request.set_requester_organization_id("f_mining");
  request.mutable_funding_call()->set_programme("SC5");
  request.mutable_funding_call()->set_topic("sc5-22-2019");
  const auto response = Recommend(request);
  const v1::Suggestion* mining = FindSuggestion(response, "u_mining");
  ASSERT_NE(mining, nullptr);
  const v1::ScoreBreakdown& b = mining->breakdown();
  EXPECT_EQ(b.call_family_profiles(), 1);
  EXPECT_EQ(b.programme_profiles(), 1);
  EXPECT_NEAR(b.tie_share(), 2.0 / 3.0, 1e-9);  // 2 of f_mining's 3
  EXPECT_EQ(b.years_since_tie(), 2025 - 2023);
  EXPECT_EQ(b.firm_partners(), 1);
  EXPECT_DOUBLE_EQ(b.country_affinity(), 1.0);  // its one firm is in KZ
  EXPECT_TRUE(b.same_country());
  EXPECT_GE(b.lexical_rank(), 1);
  EXPECT_THAT(Unknown(*mining), Not(Contains("call_family_profiles")));
  EXPECT_THAT(Unknown(*mining), Not(Contains("years_since_tie")));

  // A university never tied to the firm: no years since, share 0.
  const v1::Suggestion* agri = FindSuggestion(response, "u_agri");
  if (agri != nullptr) {
    EXPECT_EQ(agri->breakdown().tie_share(), 0.0);
    EXPECT_THAT(Unknown(*agri), Contains("years_since_tie"));
    EXPECT_EQ(agri->breakdown().call_family_profiles(), 0);
  }
  // Ranks are 1-based and follow the best single profile's BM25.
  for (const auto& x : response.suggestions()) {
    EXPECT_GE(x.breakdown().best_lexical(), x.breakdown().lexical());
    for (const auto& y : response.suggestions()) {
      if (x.breakdown().best_lexical() > y.breakdown().best_lexical()) {
        EXPECT_LT(x.breakdown().lexical_rank(), y.breakdown().lexical_rank());
      }
    }
  }
}

TEST_F(MatchingEngineTest, WithoutCallOrFirmThoseFeaturesAreUnknown) {
  LoadCorpus();
  const auto response =
      Recommend(ForText("Copper flotation at the concentrator",
                        v1::DIRECTION_NEED_TO_CAPABILITIES, 5));
  ASSERT_GE(response.suggestions_size(), 1);
  const auto unknown = Unknown(response.suggestions(0));
  for (const char* name : {"call_family_profiles", "programme_profiles",
                           "tie_share", "same_country", "country_affinity"}) {
    EXPECT_THAT(unknown, Contains(name));
  }
}

TEST_F(MatchingEngineTest, OverlongFundingCallIsRefusedByName) {
  LoadCorpus();
  v1::RecommendRequest request =
      ForText("Copper flotation", v1::DIRECTION_NEED_TO_CAPABILITIES, 5);
  request.mutable_funding_call()->set_topic(std::string(200, 'A'));
  auto response = engine_->Recommend(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(response.status().message()),
              ::testing::HasSubstr("funding_call.topic"));
}

}  // namespace
}  // namespace helixmatch
