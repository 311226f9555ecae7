// Explained suggestions: every barrier, the pair's sides, Explain.
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

TEST_F(MatchingEngineTest, FreeTextWithoutRequesterHasUnknownPairBarriers) {
  LoadCorpus();
  const auto response = Recommend(
      ForText("copper flotation", v1::DIRECTION_NEED_TO_CAPABILITIES, 3));
  ASSERT_GE(response.suggestions_size(), 1);
  const v1::Suggestion& s = response.suggestions(0);
  EXPECT_EQ(Barrier(s, v1::BARRIER_CODE_TRUST).severity(),
            v1::SEVERITY_UNKNOWN);
  EXPECT_EQ(Barrier(s, v1::BARRIER_CODE_DISTANCE).severity(),
            v1::SEVERITY_UNKNOWN);
  EXPECT_THAT(std::vector<std::string>(s.breakdown().unknown_features().begin(),
                                       s.breakdown().unknown_features().end()),
              ::testing::IsSupersetOf({"trust", "proximity"}));
}

TEST_F(MatchingEngineTest, FreeTextWithRequesterUsesItsLocation) {
  LoadCorpus();
  v1::RecommendRequest request =
      ForText("copper flotation", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  request.set_requester_organization_id("f_mining");
  const auto response = Recommend(request);
  const v1::Suggestion* mining = FindSuggestion(response, "u_mining");
  ASSERT_NE(mining, nullptr);
  EXPECT_DOUBLE_EQ(mining->breakdown().proximity(), 1.0);
  EXPECT_EQ(Barrier(*mining, v1::BARRIER_CODE_DISTANCE).severity(),
            v1::SEVERITY_NONE);
  const v1::Suggestion* health = FindSuggestion(response, "u_health");
  ASSERT_NE(health, nullptr);
  EXPECT_DOUBLE_EQ(health->breakdown().proximity(), 0.0);
  EXPECT_EQ(Barrier(*health, v1::BARRIER_CODE_DISTANCE).severity(),
            v1::SEVERITY_HIGH);

  request.set_requester_organization_id("ghost");
  EXPECT_EQ(engine_->Recommend(request).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(MatchingEngineTest, EverySuggestionHasTwelveBarriers) {
  LoadCorpus();
  for (const auto& request :
       {ForNeed("need_mining", 20), ForCapability("cap_oil_1", 20),
        ForText("wheat", v1::DIRECTION_NEED_TO_CAPABILITIES, 20),
        ForText("wheat", v1::DIRECTION_CAPABILITY_TO_NEEDS, 20)}) {
    const auto response = Recommend(request);
    ASSERT_GT(response.suggestions_size(), 0) << request.ShortDebugString();
    for (const auto& s : response.suggestions()) {
      ASSERT_EQ(s.barriers_size(), 12);
      for (int b = 0; b < 12; ++b) {
        EXPECT_EQ(s.barriers(b).code(), static_cast<v1::BarrierCode>(b + 1));
        EXPECT_NE(s.barriers(b).severity(), v1::SEVERITY_UNSPECIFIED);
      }
    }
  }
}

TEST_F(MatchingEngineTest, ExplainPinsTheCapabilityFirstAndChecksIds) {
  LoadCorpus();
  v1::ExplainRequest request;
  request.set_need_id("need_mining");
  request.set_capability_id("cap_mining_3");
  auto response = engine_->Explain(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->need().id(), "need_mining");
  EXPECT_EQ(response->capability().id(), "cap_mining_3");
  const v1::Suggestion& s = response->suggestion();
  EXPECT_EQ(s.organization().id(), "u_mining");
  ASSERT_GE(s.profiles_size(), 2);
  EXPECT_EQ(s.profiles(0).id(), "cap_mining_3");
  EXPECT_EQ(s.profiles(1).id(), "cap_mining_1");
  for (int j = 2; j < s.profiles_size(); ++j) {
    EXPECT_LE(s.profiles(j).score(), s.profiles(j - 1).score());
  }
  EXPECT_EQ(s.total_profiles(), 3);
  EXPECT_EQ(s.barriers_size(), 12);
  EXPECT_FALSE(s.ladder().rationale().empty());
  EXPECT_EQ(Barrier(s, v1::BARRIER_CODE_DISTANCE).severity(),
            v1::SEVERITY_NONE);

  request.set_capability_id("cap_oil_1");
  auto unrelated = engine_->Explain(request);
  ASSERT_TRUE(unrelated.ok()) << unrelated.status();
  EXPECT_EQ(unrelated->suggestion().organization().id(), "u_oil");
  EXPECT_EQ(unrelated->suggestion().profiles(0).id(), "cap_oil_1");

  request.set_capability_id("nope");
  EXPECT_EQ(engine_->Explain(request).status().code(),
            absl::StatusCode::kNotFound);
  request.set_need_id("nope");
  request.set_capability_id("cap_mining_1");
  EXPECT_EQ(engine_->Explain(request).status().code(),
            absl::StatusCode::kNotFound);
  request.set_need_id("");
  EXPECT_EQ(engine_->Explain(request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace helixmatch
