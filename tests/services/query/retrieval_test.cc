// Which profiles a query may return: filters, widening, the requester,
// visibility; free text in both directions.
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

TEST_F(MatchingEngineTest, FreeTextQueriesInBothDirections) {
  LoadCorpus();
  const auto to_caps = Recommend(ForText(
      "copper flotation concentrator", v1::DIRECTION_NEED_TO_CAPABILITIES, 3));
  ASSERT_GE(to_caps.suggestions_size(), 1);
  EXPECT_EQ(to_caps.suggestions(0).organization().id(), "u_mining");
  for (const auto& s : to_caps.suggestions()) {
    EXPECT_EQ(s.organization().kind(), v1::ORGANIZATION_KIND_UNIVERSITY);
  }

  const auto to_needs = Recommend(
      ForText("oil pipeline corrosion", v1::DIRECTION_CAPABILITY_TO_NEEDS, 3));
  ASSERT_GE(to_needs.suggestions_size(), 1);
  EXPECT_EQ(to_needs.suggestions(0).organization().id(), "f_oil");
  EXPECT_EQ(to_needs.suggestions(0).profiles(0).id(), "need_oil");

  const auto dense_only = Recommend(
      ForText("smelter mineral", v1::DIRECTION_NEED_TO_CAPABILITIES, 3));
  ASSERT_GE(dense_only.suggestions_size(), 1);
  EXPECT_EQ(dense_only.suggestions(0).organization().id(), "u_mining");
}

TEST_F(MatchingEngineTest, CountryFilterOnlyReturnsThatCountry) {
  LoadCorpus();
  v1::RecommendRequest request = ForNeed("need_mining", 10);
  request.mutable_filter()->add_countries("UZ");
  const auto uz = Recommend(request);
  EXPECT_EQ(OrgIds(uz), std::vector<std::string>({"u_health"}));

  request.mutable_filter()->clear_countries();
  request.mutable_filter()->add_countries("KZ");
  const auto kz = Recommend(request);
  EXPECT_EQ(kz.suggestions_size(), 5);
  for (const auto& s : kz.suggestions()) {
    EXPECT_EQ(s.organization().country(), "KZ");
  }
}

TEST_F(MatchingEngineTest, FilterLeavingExactlyKOrganizationsReturnsAllK) {
  LoadCorpus();
  v1::RecommendRequest request = ForNeed("need_mining", 3);
  request.mutable_filter()->add_sectors("oil-gas");
  request.mutable_filter()->add_sectors("agriculture");
  request.mutable_filter()->add_sectors("health");
  const auto response = Recommend(request);
  std::vector<std::string> ids = OrgIds(response);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, std::vector<std::string>({"u_agri", "u_health", "u_oil"}));
}

TEST_F(MatchingEngineTest, KindRegionAndTrlFilters) {
  LoadCorpus();
  v1::RecommendRequest regions =
      ForText("copper flotation", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  regions.mutable_filter()->add_regions("Atyrau Region");
  EXPECT_EQ(OrgIds(Recommend(regions)), std::vector<std::string>({"u_oil"}));

  v1::RecommendRequest trl =
      ForText("copper ore", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  trl.set_profiles_per_organization(10);
  trl.mutable_filter()->set_trl(5);
  const auto with_trl = Recommend(trl);
  EXPECT_EQ(ProfileIds(with_trl), std::set<std::string>({"cap_mining_1"}));
  trl.mutable_filter()->set_trl(8);
  EXPECT_EQ(Recommend(trl).suggestions_size(), 0);

  v1::RecommendRequest kinds =
      ForText("copper ore", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  kinds.mutable_filter()->add_kinds(v1::ORGANIZATION_KIND_FIRM);
  EXPECT_EQ(Recommend(kinds).suggestions_size(), 0);
}

TEST_F(MatchingEngineTest, WidensThePoolUntilKOrganizationsAreFound) {
  google::protobuf::RepeatedPtrField<v1::Record> batch;
  *batch.Add() = Rec(University("u_big", "KZ", "Karaganda", "mining"));
  for (int i = 0; i < 250; ++i) {
    *batch.Add() = Rec(MakeCapability("big_" + std::to_string(i), "u_big",
                                      "Copper flotation concentrator ore"));
  }
  const std::vector<std::pair<std::string, std::string>> others = {
      {"u_oil", "oil pipeline"},       {"u_agri", "wheat crop"},
      {"u_it", "cloud software"},      {"u_energy", "solar grid"},
      {"u_health", "hospital clinic"}, {"u_edu", "students curriculum"}};
  for (const auto& [id, text] : others) {
    *batch.Add() = Rec(University(id, "KZ", "Almaty", "other"));
    *batch.Add() = Rec(MakeCapability("cap_" + id, id, text));
  }
  ASSERT_TRUE(engine_->BatchUpsert(batch).ok());
  const auto response = Recommend(
      ForText("copper flotation", v1::DIRECTION_NEED_TO_CAPABILITIES, 5));
  ASSERT_EQ(response.suggestions_size(), 5);
  EXPECT_EQ(response.suggestions(0).organization().id(), "u_big");
  EXPECT_GT(response.candidates_considered(), 200);
  const std::vector<std::string> ids = OrgIds(response);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 5u);
  EXPECT_EQ(response.suggestions(0).total_profiles(), 250);
  EXPECT_EQ(response.suggestions(0).profiles_size(), 3);
}

TEST_F(MatchingEngineTest, RequesterIsNeverSuggested) {
  LoadCorpus();
  Put(MakeCapability("cap_f_mining", "f_mining",
                     "Copper flotation at the concentrator"));
  const auto by_need = Recommend(ForNeed("need_mining", 20));
  EXPECT_EQ(FindSuggestion(by_need, "f_mining"), nullptr);
  EXPECT_EQ(ProfileIds(by_need).count("cap_f_mining"), 0u);
  EXPECT_NE(FindSuggestion(by_need, "u_mining"), nullptr);

  v1::RecommendRequest text = ForText("copper flotation concentrator",
                                      v1::DIRECTION_NEED_TO_CAPABILITIES, 20);
  text.set_requester_organization_id("u_mining");
  const auto by_text = Recommend(text);
  EXPECT_EQ(FindSuggestion(by_text, "u_mining"), nullptr);
  ASSERT_GE(by_text.suggestions_size(), 1);
  EXPECT_EQ(by_text.suggestions(0).organization().id(), "f_mining");

  const auto by_capability = Recommend(ForCapability("cap_f_mining", 20));
  EXPECT_EQ(FindSuggestion(by_capability, "f_mining"), nullptr);
}

TEST_F(MatchingEngineTest, PrivateNeedsAreNeverSuggested) {
  LoadCorpus();
  v1::RecommendRequest request = ForCapability("cap_mining_1", 20);
  request.set_profiles_per_organization(10);
  const auto response = Recommend(request);
  const std::set<std::string> ids = ProfileIds(response);
  EXPECT_EQ(ids.count("need_mining_private"), 0u);
  EXPECT_EQ(ids.count("need_mining"), 1u);
  ASSERT_GE(response.suggestions_size(), 1);
  EXPECT_EQ(response.suggestions(0).organization().id(), "f_mining");
  for (const auto& s : response.suggestions()) {
    EXPECT_EQ(s.organization().kind(), v1::ORGANIZATION_KIND_FIRM);
  }

  v1::RecommendRequest text = ForText("copper flotation reagent concentrator",
                                      v1::DIRECTION_CAPABILITY_TO_NEEDS, 20);
  text.set_profiles_per_organization(10);
  EXPECT_EQ(ProfileIds(Recommend(text)).count("need_mining_private"), 0u);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_NEED, "need_mining_private"),
            absl::StatusCode::kOk);
  EXPECT_TRUE(engine_->Recommend(ForNeed("need_mining_private")).ok());
}

TEST_F(MatchingEngineTest, ProgrammeOnlyNeedsOnlyForProgrammes) {
  LoadCorpus();
  v1::FirmNeed need =
      MakeNeed("need_programme", "f_oil", "Copper flotation concentrator");
  need.set_visibility(v1::VISIBILITY_PROGRAMME_ONLY);
  Put(need);
  Put(MakeOrganization("gov", v1::ORGANIZATION_KIND_GOVERNMENT_PROGRAMME));

  v1::RecommendRequest request = ForCapability("cap_mining_1", 20);
  request.set_profiles_per_organization(10);
  EXPECT_EQ(ProfileIds(Recommend(request)).count("need_programme"), 0u);

  v1::RecommendRequest programme = ForText(
      "copper flotation concentrator", v1::DIRECTION_CAPABILITY_TO_NEEDS, 20);
  programme.set_profiles_per_organization(10);
  programme.set_requester_organization_id("gov");
  const std::set<std::string> ids = ProfileIds(Recommend(programme));
  EXPECT_EQ(ids.count("need_programme"), 1u);
  EXPECT_EQ(ids.count("need_mining_private"), 0u);
}

}  // namespace
}  // namespace helixmatch
