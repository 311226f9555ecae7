// Request validation of Recommend, through the engine.
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

TEST_F(MatchingEngineTest, TextWithOnlyUnknownWordsIsRejected) {
  LoadCorpus();
  auto response = engine_->Recommend(
      ForText("zzyzx quuxly", v1::DIRECTION_NEED_TO_CAPABILITIES));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(response.status().message()), HasSubstr("text"));

  auto blank =
      engine_->Recommend(ForText("   ", v1::DIRECTION_NEED_TO_CAPABILITIES));
  EXPECT_EQ(blank.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(blank.status().message()), StartsWith("text"));

  auto too_long =
      engine_->Recommend(ForText(std::string(kMaxQueryTextBytes + 1, 'a'),
                                 v1::DIRECTION_NEED_TO_CAPABILITIES));
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MatchingEngineTest, KOutOfRangeIsRejected) {
  LoadCorpus();
  for (int k : {0, -1, kMaxK + 1}) {
    auto response = engine_->Recommend(ForNeed("need_mining", k));
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument)
        << k;
    EXPECT_THAT(std::string(response.status().message()), StartsWith("k:"));
  }
  EXPECT_TRUE(engine_->Recommend(ForNeed("need_mining", kMaxK)).ok());
  EXPECT_TRUE(engine_->Recommend(ForNeed("need_mining", 1)).ok());
}

TEST_F(MatchingEngineTest, RequestValidation) {
  LoadCorpus();
  auto no_direction =
      engine_->Recommend(ForText("copper", v1::DIRECTION_UNSPECIFIED));
  EXPECT_EQ(no_direction.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_direction.status().message()),
              StartsWith("direction"));

  v1::RecommendRequest wrong_direction = ForNeed("need_mining");
  wrong_direction.set_direction(v1::DIRECTION_CAPABILITY_TO_NEEDS);
  EXPECT_EQ(engine_->Recommend(wrong_direction).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::RecommendRequest no_query;
  no_query.set_k(3);
  EXPECT_EQ(engine_->Recommend(no_query).status().code(),
            absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(engine_->Recommend(ForNeed("no_such_need")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Recommend(ForCapability("no_such_cap")).status().code(),
            absl::StatusCode::kNotFound);

  v1::RecommendRequest too_many_profiles = ForNeed("need_mining");
  too_many_profiles.set_profiles_per_organization(kMaxProfilesPerOrganization +
                                                  1);
  auto profiles = engine_->Recommend(too_many_profiles);
  EXPECT_EQ(profiles.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(profiles.status().message()),
              StartsWith("profiles_per_organization"));

  v1::RecommendRequest bad_country = ForNeed("need_mining");
  bad_country.mutable_filter()->add_countries("kz");
  auto country = engine_->Recommend(bad_country);
  EXPECT_EQ(country.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(country.status().message()),
              StartsWith("filter.countries[0]"));

  v1::RecommendRequest bad_trl = ForNeed("need_mining");
  bad_trl.mutable_filter()->set_trl(10);
  EXPECT_EQ(engine_->Recommend(bad_trl).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::RecommendRequest not_owner = ForNeed("need_mining");
  not_owner.set_requester_organization_id("f_oil");
  auto owner = engine_->Recommend(not_owner);
  EXPECT_EQ(owner.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(owner.status().message()),
              StartsWith("requester_organization_id"));
  not_owner.set_requester_organization_id("f_mining");
  EXPECT_TRUE(engine_->Recommend(not_owner).ok());
}

}  // namespace
}  // namespace helixmatch
