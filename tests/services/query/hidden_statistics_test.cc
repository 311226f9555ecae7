// Hidden records change nothing a viewer that may not see them gets
// (docs/security.md): not the suggestions, not a score, not which words a
// text query knows. Over the engine with the synthetic corpus.
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using namespace ::helixmatch::testing;  // NOLINT: the fixture's helpers

// (organization, score, profile ids) of every suggestion, in order.
std::vector<std::string> Answer(const v1::RecommendResponse& r) {
  std::vector<std::string> out;
  for (const auto& s : r.suggestions()) {
    std::string line = s.organization().id() + " " + std::to_string(s.score());
    for (const auto& p : s.profiles()) line += " " + p.id();
    for (const auto& t : s.evidence_terms()) line += " " + t;
    out.push_back(line);
  }
  return out;
}

class HiddenStatisticsTest : public MatchingEngineTest {
 protected:
  std::vector<std::string> Ask(const Viewer& viewer,
                               v1::RecommendRequest request) {
    request.set_profiles_per_organization(10);
    auto r = engine_->Recommend(request, viewer);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? Answer(*r) : std::vector<std::string>{};
  }

  // Needs of a firm that has no other profile (its score may count its
  // hidden needs; a firm with only hidden needs is never suggested).
  void AddHiddenNeeds() {
    for (auto [id, visibility] :
         {std::pair{"need_hidden_private", v1::VISIBILITY_PRIVATE},
          std::pair{"need_hidden_programme", v1::VISIBILITY_PROGRAMME_ONLY}}) {
      v1::FirmNeed need = MakeNeed(id, "f_secret",
                                   "Copper flotation reagent concentrator "
                                   "grinding smelter tailings");
      need.set_visibility(visibility);
      Put(need);
    }
  }
};

TEST_F(HiddenStatisticsTest, HiddenNeedsChangeNoAnswerOfOthers) {
  LoadCorpus();
  Put(Firm("f_secret", "KZ", "Karaganda", "mining"));
  const Viewer university = Viewer::Organization("u_mining");
  const auto by_text = ForText("copper flotation reagent concentrator",
                               v1::DIRECTION_CAPABILITY_TO_NEEDS, 20);
  const auto by_capability = ForCapability("cap_mining_1", 20);
  const auto needs_to_caps =
      ForText("copper flotation smelter", v1::DIRECTION_NEED_TO_CAPABILITIES);
  const auto before_text = Ask(university, by_text);
  const auto before_capability = Ask(university, by_capability);
  const auto before_caps = Ask(university, needs_to_caps);
  const auto before_need =
      Ask(Viewer::Organization("f_mining"), ForNeed("need_mining", 20));
  AddHiddenNeeds();
  EXPECT_EQ(Ask(university, by_text), before_text);
  EXPECT_EQ(Ask(university, by_capability), before_capability);
  EXPECT_EQ(Ask(university, needs_to_caps), before_caps);
  EXPECT_EQ(Ask(Viewer::Organization("f_mining"), ForNeed("need_mining", 20)),
            before_need);
  // A programme sees the programme-only need, so its answer may change;
  // the private one it never gets.
  const auto as_programme = Ask(Viewer::Programme("gov"), by_text);
  for (const auto& line : as_programme) {
    EXPECT_EQ(line.find("need_hidden_private"), std::string::npos) << line;
  }
}

TEST_F(HiddenStatisticsTest, WordsOnlyHiddenNeedsHoldAreUnknown) {
  LoadCorpus();
  v1::FirmNeed need = MakeNeed("need_secret", "f_oil", "Copper zorblaxite");
  need.set_visibility(v1::VISIBILITY_PROGRAMME_ONLY);
  Put(need);
  const auto request = ForText("zorblaxite", v1::DIRECTION_CAPABILITY_TO_NEEDS);
  const auto unknown = ForText("quxlerbium", v1::DIRECTION_CAPABILITY_TO_NEEDS);
  const auto as_university =
      engine_->Recommend(request, Viewer::Organization("u_mining"));
  const auto never_seen =
      engine_->Recommend(unknown, Viewer::Organization("u_mining"));
  EXPECT_EQ(as_university.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(as_university.status().message(), never_seen.status().message());
  EXPECT_TRUE(engine_->Recommend(request, Viewer::Programme("gov")).ok());
  // An operator naming no requester asks with the view of an organization
  // that owns nothing.
  EXPECT_EQ(engine_->Recommend(request, Viewer::Operator()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(HiddenStatisticsTest, OperatorAsksWithTheViewOfTheRequesterItNames) {
  LoadCorpus();
  Put(Firm("f_secret", "KZ", "Karaganda", "mining"));
  AddHiddenNeeds();
  auto request = ForText("copper flotation reagent concentrator",
                         v1::DIRECTION_CAPABILITY_TO_NEEDS, 20);
  request.set_requester_organization_id("u_mining");
  EXPECT_EQ(Ask(Viewer::Operator(), request),
            Ask(Viewer::Organization("u_mining"), request));
}

}  // namespace
}  // namespace helixmatch
