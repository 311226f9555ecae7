// MatchApi::ListProfiles: who may list whose profiles, needs hidden by
// their visibility, limits and bad requests. A real engine on synthetic
// word vectors with one firm (a public, a programme-only and a private
// need) and one university.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "services/engine/matching_engine.h"
#include "services/server/match_api.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using testing::Rec;

const Principal kOperator{Role::kOperator, "", ""};
const Principal kFirm{Role::kOrganization, "org:firm", ""};
const Principal kUniversity{Role::kOrganization, "org:uni", ""};
const Principal kProgramme{Role::kProgramme, "org:programme", ""};

class ListProfilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path() + "/db";
    options.word_vectors = testing::SyntheticWordVectors();
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_ = std::move(*engine);
    api_ = std::make_unique<MatchApi>(engine_.get(), MatchApiOptions());
    v1::FirmNeed open =
        testing::MakeNeed("need:b-open", "org:firm", "copper flotation");
    v1::FirmNeed programme_only =
        testing::MakeNeed("need:c-programme", "org:firm", "ore grinding");
    programme_only.set_visibility(v1::VISIBILITY_PROGRAMME_ONLY);
    v1::FirmNeed hidden =
        testing::MakeNeed("need:a-private", "org:firm", "mine drainage");
    hidden.set_visibility(v1::VISIBILITY_PRIVATE);
    for (const v1::Record& record :
         {Rec(testing::Firm("org:firm", "KZ", "Almaty", "mining")),
          Rec(testing::University("org:uni", "KZ", "Almaty", "mining")),
          Rec(testing::MakeCapability("cap:uni-flotation", "org:uni",
                                      "flotation laboratory")),
          Rec(open), Rec(programme_only), Rec(hidden)}) {
      ASSERT_TRUE(engine_->Upsert(record).ok()) << record.DebugString();
    }
  }

  absl::StatusOr<v1::ListProfilesResponse> List(
      const Principal& caller, v1::RecordKind kind,
      const std::string& organization_id = "", int limit = 0) {
    v1::ListProfilesRequest request;
    request.set_kind(kind);
    request.set_organization_id(organization_id);
    request.set_limit(limit);
    return api_->ListProfiles(caller, request);
  }

  static std::vector<std::string> Ids(const v1::ListProfilesResponse& r) {
    std::vector<std::string> ids;
    for (const auto& p : r.profiles()) ids.push_back(p.id());
    return ids;
  }

  testing::TempDir dir_;
  std::unique_ptr<MatchingEngine> engine_;
  std::unique_ptr<MatchApi> api_;
};

TEST_F(ListProfilesTest, AnOrganizationListsAllOfItsOwnById) {
  auto own = List(kFirm, v1::RECORD_KIND_NEED);
  ASSERT_TRUE(own.ok()) << own.status().message();
  EXPECT_EQ(own->organization_id(), "org:firm");
  EXPECT_EQ(Ids(*own),
            (std::vector<std::string>{"need:a-private", "need:b-open",
                                      "need:c-programme"}));
  EXPECT_EQ(own->total(), 3);
  EXPECT_EQ(own->profiles(1).title(), "copper flotation");
  auto named = List(kFirm, v1::RECORD_KIND_NEED, "org:firm");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->total(), 3);

  auto capabilities = List(kUniversity, v1::RECORD_KIND_CAPABILITY);
  ASSERT_TRUE(capabilities.ok()) << capabilities.status().message();
  EXPECT_EQ(Ids(*capabilities),
            (std::vector<std::string>{"cap:uni-flotation"}));
  auto none = List(kUniversity, v1::RECORD_KIND_NEED);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->total(), 0);
}

TEST_F(ListProfilesTest, OthersSeeWhatGetWouldShowThem) {
  auto other = List(kUniversity, v1::RECORD_KIND_NEED, "org:firm");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(other.status().message(), "org:firm"));

  auto programme = List(kProgramme, v1::RECORD_KIND_NEED, "org:firm");
  ASSERT_TRUE(programme.ok()) << programme.status().message();
  EXPECT_EQ(Ids(*programme),
            (std::vector<std::string>{"need:b-open", "need:c-programme"}));
  EXPECT_EQ(programme->total(), 2);

  auto operator_view = List(kOperator, v1::RECORD_KIND_NEED, "org:firm");
  ASSERT_TRUE(operator_view.ok());
  EXPECT_EQ(operator_view->total(), 3);
}

TEST_F(ListProfilesTest, LimitKeepsTheFirstAndCountsAll) {
  auto first = List(kFirm, v1::RECORD_KIND_NEED, "", 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{"need:a-private"}));
  EXPECT_EQ(first->total(), 3);
  ASSERT_TRUE(List(kFirm, v1::RECORD_KIND_NEED, "", 1000).ok());
}

TEST_F(ListProfilesTest, ADeletedProfileIsGone) {
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_NEED, "need:b-open").ok());
  auto after = List(kFirm, v1::RECORD_KIND_NEED);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Ids(*after),
            (std::vector<std::string>{"need:a-private", "need:c-programme"}));
}

TEST_F(ListProfilesTest, BadRequestsNameTheField) {
  const auto expect = [](const absl::StatusOr<v1::ListProfilesResponse>& r,
                         absl::StatusCode code, const std::string& text) {
    EXPECT_EQ(r.status().code(), code) << r.status().message();
    EXPECT_TRUE(absl::StrContains(r.status().message(), text))
        << r.status().message();
  };
  expect(List(kOperator, v1::RECORD_KIND_NEED),
         absl::StatusCode::kInvalidArgument,
         "organization_id: is required for the operator role");
  expect(List(kFirm, v1::RECORD_KIND_TIE), absl::StatusCode::kInvalidArgument,
         "kind: must be RECORD_KIND_CAPABILITY or RECORD_KIND_NEED");
  expect(List(kFirm, v1::RECORD_KIND_UNSPECIFIED),
         absl::StatusCode::kInvalidArgument, "kind:");
  expect(List(kFirm, static_cast<v1::RecordKind>(99)),
         absl::StatusCode::kInvalidArgument, "kind:");
  expect(List(kFirm, v1::RECORD_KIND_NEED, "", -1),
         absl::StatusCode::kInvalidArgument, "limit: -1 is outside 0..1000");
  expect(List(kFirm, v1::RECORD_KIND_NEED, "", 1001),
         absl::StatusCode::kInvalidArgument, "limit: 1001 is outside 0..1000");
  expect(List(kOperator, v1::RECORD_KIND_NEED, "org:nope"),
         absl::StatusCode::kNotFound,
         "organization_id: organization 'org:nope' not found");
  // The programme's own organization holds no record here.
  expect(List(kProgramme, v1::RECORD_KIND_NEED), absl::StatusCode::kNotFound,
         "org:programme");
}

}  // namespace
}  // namespace helixmatch
