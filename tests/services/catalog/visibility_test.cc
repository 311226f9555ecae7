// The visibility rule cell by cell (docs/security.md, "Who sees what"):
// every record kind and need visibility against every kind of viewer.
// The gRPC tests (tests/integration/visibility_test.cc) show that each
// call applies it.
#include "services/catalog/visibility.h"

#include <string>

#include "gtest/gtest.h"
#include "indexer/records.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

constexpr char kFirm[] = "org:firm";
constexpr char kUniversity[] = "org:university";

const Viewer kOperator = Viewer::Operator();
const Viewer kOwner = Viewer::Organization(kFirm);
const Viewer kOther = Viewer::Organization("org:other");
const Viewer kProgramme = Viewer::Programme("org:programme");
const Viewer kNobody;  // the default viewer

v1::FirmNeed Need(v1::Visibility visibility) {
  v1::FirmNeed need = testing::MakeNeed("need:x", kFirm, "title");
  need.set_visibility(visibility);
  return need;
}

v1::Outcome Outcome() {
  v1::Outcome o;
  o.set_id("o1");
  o.set_offered_by(kUniversity);
  o.set_offered_to(kFirm);
  return o;
}

TEST(VisibilityRuleTest, DefaultViewerOwnsNothingAndSeesPublicOnly) {
  EXPECT_FALSE(kNobody.is_operator());
  EXPECT_EQ(SeenAudiences(kNobody), Audience::kEveryone);
  EXPECT_TRUE(MaySee(kNobody, Need(v1::VISIBILITY_PUBLIC)));
  EXPECT_FALSE(MaySee(kNobody, Need(v1::VISIBILITY_PROGRAMME_ONLY)));
  EXPECT_FALSE(MaySee(kNobody, Need(v1::VISIBILITY_PRIVATE)));
  EXPECT_FALSE(MaySee(kNobody, Outcome()));
}

TEST(VisibilityRuleTest, PublicAndUnspecifiedNeedsAreSeenByEveryone) {
  for (auto v : {v1::VISIBILITY_PUBLIC, v1::VISIBILITY_UNSPECIFIED}) {
    for (const Viewer& viewer : {kOperator, kOwner, kOther, kProgramme}) {
      EXPECT_TRUE(MaySee(viewer, Need(v)));
      EXPECT_TRUE(MaySuggest(viewer, Need(v)));
    }
    EXPECT_EQ(AudienceOf(Need(v)), Audience::kEveryone);
  }
}

TEST(VisibilityRuleTest, ProgrammeOnlyNeedIsSeenByOwnerProgrammesAndOperators) {
  const auto need = Need(v1::VISIBILITY_PROGRAMME_ONLY);
  EXPECT_EQ(AudienceOf(need), Audience::kProgrammes);
  EXPECT_TRUE(MaySee(kOperator, need));
  EXPECT_TRUE(MaySee(kOwner, need));
  EXPECT_TRUE(MaySee(kProgramme, need));
  EXPECT_FALSE(MaySee(kOther, need));
  EXPECT_TRUE(MaySuggest(kProgramme, need));
  EXPECT_FALSE(MaySuggest(kOther, need));
}

TEST(VisibilityRuleTest,
     PrivateNeedIsSeenByOwnerAndOperatorsAndSuggestedToNoOne) {
  const auto need = Need(v1::VISIBILITY_PRIVATE);
  EXPECT_EQ(AudienceOf(need), Audience::kOwner);
  EXPECT_TRUE(MaySee(kOperator, need));
  EXPECT_TRUE(MaySee(kOwner, need));
  EXPECT_FALSE(MaySee(kProgramme, need));
  EXPECT_FALSE(MaySee(kOther, need));
  for (const Viewer& viewer : {kOperator, kOwner, kOther, kProgramme}) {
    EXPECT_FALSE(MaySuggest(viewer, need));
  }
}

TEST(VisibilityRuleTest, NobodyActsForAnEmptyIdAndOperatorsForNone) {
  EXPECT_FALSE(Viewer::Operator().Is(""));
  EXPECT_FALSE(Viewer::Operator().Is(kFirm));
  EXPECT_FALSE(Viewer::Organization("").Is(""));
  EXPECT_TRUE(kOwner.Is(kFirm));
  EXPECT_FALSE(kOwner.Is("org:firm2"));
}

TEST(VisibilityRuleTest, OutcomeIsSeenByItsTwoPartiesAndOperators) {
  EXPECT_TRUE(MaySee(kOperator, Outcome()));
  EXPECT_TRUE(MaySee(kOwner, Outcome()));
  EXPECT_TRUE(MaySee(Viewer::Organization(kUniversity), Outcome()));
  EXPECT_FALSE(MaySee(kOther, Outcome()));
  EXPECT_FALSE(MaySee(kProgramme, Outcome()));
}

TEST(VisibilityRuleTest, ImportedTieIsPublicOutcomeTieOnlyForItsParties) {
  v1::Tie imported = testing::MakeTie("tie:1", kUniversity, kFirm, 2020);
  v1::Tie from_outcome = imported;
  from_outcome.set_id(OutcomeTieId("o1"));
  for (const Viewer& viewer : {kOperator, kOwner, kOther, kProgramme}) {
    EXPECT_TRUE(MaySee(viewer, imported));
  }
  EXPECT_TRUE(MaySee(kOperator, from_outcome));
  EXPECT_TRUE(MaySee(kOwner, from_outcome));
  EXPECT_FALSE(MaySee(kOther, from_outcome));
  EXPECT_FALSE(MaySee(kProgramme, from_outcome));
}

TEST(VisibilityRuleTest, RecordDispatchesOnItsKind) {
  v1::Record org, cap, need, outcome, empty;
  *org.mutable_organization() =
      testing::MakeOrganization(kFirm, v1::ORGANIZATION_KIND_FIRM);
  *cap.mutable_capability() =
      testing::MakeCapability("cap:1", kUniversity, "t");
  *need.mutable_need() = Need(v1::VISIBILITY_PRIVATE);
  *outcome.mutable_outcome() = Outcome();
  for (const Viewer& viewer : {kOperator, kOwner, kOther, kProgramme}) {
    EXPECT_TRUE(MaySee(viewer, org));
    EXPECT_TRUE(MaySee(viewer, cap));
    EXPECT_FALSE(MaySee(viewer, empty));
  }
  EXPECT_TRUE(MaySee(kOwner, need));
  EXPECT_FALSE(MaySee(kProgramme, need));
  EXPECT_FALSE(MaySee(kOther, outcome));
}

TEST(VisibilityRuleTest, SeenAudiencesWidenFromOrganizationsToOperators) {
  EXPECT_EQ(SeenAudiences(kOther), Audience::kEveryone);
  EXPECT_EQ(SeenAudiences(kProgramme), Audience::kProgrammes);
  EXPECT_EQ(SeenAudiences(kOperator), Audience::kOwner);
  EXPECT_TRUE(AudienceAllows(Audience::kOwner, Audience::kEveryone, true));
  EXPECT_FALSE(
      AudienceAllows(Audience::kProgrammes, Audience::kEveryone, false));
}

}  // namespace
}  // namespace helixmatch
