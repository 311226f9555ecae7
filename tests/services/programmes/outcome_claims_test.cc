// Claims and confirmations of outcomes (services/programmes/outcome_claims):
// what is stored when a party, the other party, a programme or an
// operator writes or confirms an outcome.
#include "services/programmes/outcome_claims.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/record_validation.h"
#include "indexer/records.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;

constexpr char kUniversity[] = "org:uni";
constexpr char kFirm[] = "org:firm";

v1::Outcome Signed() {
  v1::Outcome o;
  o.set_id("o1");
  o.set_offered_by(kUniversity);
  o.set_offered_to(kFirm);
  o.set_kind(v1::OUTCOME_KIND_CONTRACT_SIGNED);
  o.set_year(2025);
  o.set_note("pilot on one bank");
  return o;
}

const Viewer kUni = Viewer::Organization(kUniversity);
const Viewer kFirmViewer = Viewer::Organization(kFirm);

TEST(OutcomeClaimsTest, FirstWriteOfAPartyIsItsClaimWhateverItSaysItIs) {
  v1::Outcome forged = Signed();
  forged.set_recorded_by(kFirm);  // pretends the firm recorded it
  forged.set_confirmed_by(kFirm);
  auto stored = ResolveOutcomeWrite(nullptr, forged, kUni);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->recorded_by(), kUniversity);
  EXPECT_EQ(stored->confirmed_by(), "");
  EXPECT_FALSE(OutcomeConfirmed(*stored));
  EXPECT_FALSE(TieFromOutcome(*stored).has_value());
  EXPECT_TRUE(EngagementTie(*stored).has_value());
}

TEST(OutcomeClaimsTest, TheOtherPartyRecordingTheSameConfirmsIt) {
  const auto claim = ResolveOutcomeWrite(nullptr, Signed(), kUni);
  ASSERT_TRUE(claim.ok());
  auto confirmed = ResolveOutcomeWrite(&*claim, Signed(), kFirmViewer);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_EQ(confirmed->recorded_by(), kUniversity);
  EXPECT_EQ(confirmed->confirmed_by(), kFirm);
  EXPECT_TRUE(TieFromOutcome(*confirmed).has_value());
  // The recorder writing it again changes nothing.
  auto again = ResolveOutcomeWrite(&*claim, Signed(), kUni);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->confirmed_by(), "");
}

TEST(OutcomeClaimsTest, ADifferentVersionIsTheWritersClaimAgain) {
  const auto claim = ResolveOutcomeWrite(nullptr, Signed(), kUni);
  auto confirmed = ResolveOutcomeWrite(&*claim, Signed(), kFirmViewer);
  ASSERT_TRUE(confirmed.ok());
  v1::Outcome bigger = Signed();
  bigger.set_kind(v1::OUTCOME_KIND_PROJECT_COMPLETED);
  auto changed = ResolveOutcomeWrite(&*confirmed, bigger, kUni);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->recorded_by(), kUniversity);
  EXPECT_EQ(changed->confirmed_by(), "");
  EXPECT_FALSE(OutcomeConfirmed(*changed));
}

TEST(OutcomeClaimsTest, AnOrganizationThatIsNoPartyIsRefused) {
  const Viewer stranger = Viewer::Organization("org:stranger");
  const auto s = ResolveOutcomeWrite(nullptr, Signed(), stranger).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("belongs to other organizations"));
  // Nor may a party take over an id the stored outcome of others holds.
  v1::Outcome others = Signed();
  others.set_offered_by("org:a");
  others.set_offered_to("org:b");
  EXPECT_EQ(ResolveOutcomeWrite(&others, Signed(), kUni).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(OutcomeClaimsTest, ProgrammesAreRefusedOperatorsStoredAsGiven) {
  const Viewer programme = Viewer::Programme("org:prog");
  const auto s = ResolveOutcomeWrite(nullptr, Signed(), programme).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()), HasSubstr("autonomy guard"));
  auto as_given = ResolveOutcomeWrite(nullptr, Signed(), Viewer::Operator());
  ASSERT_TRUE(as_given.ok());
  EXPECT_EQ(as_given->recorded_by(), "");
  EXPECT_TRUE(OutcomeConfirmed(*as_given));
}

TEST(OutcomeClaimsTest, ConfirmByTheOtherPartyOrAnOperator) {
  const auto claim = ResolveOutcomeWrite(nullptr, Signed(), kUni);
  auto by_firm = ConfirmStoredOutcome(&*claim, "o1", kFirmViewer);
  ASSERT_TRUE(by_firm.ok()) << by_firm.status();
  EXPECT_EQ(by_firm->confirmed_by(), kFirm);
  auto by_operator = ConfirmStoredOutcome(&*claim, "o1", Viewer::Operator());
  ASSERT_TRUE(by_operator.ok());
  EXPECT_EQ(by_operator->confirmed_by(), kOperatorConfirmation);
  // Confirming a confirmed outcome returns it unchanged.
  auto twice = ConfirmStoredOutcome(&*by_firm, "o1", Viewer::Operator());
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->confirmed_by(), kFirm);
}

TEST(OutcomeClaimsTest, TheRecorderCannotConfirmItsOwnClaim) {
  const auto claim = ResolveOutcomeWrite(nullptr, Signed(), kUni);
  const auto s = ConfirmStoredOutcome(&*claim, "o1", kUni).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("the other party"));
}

TEST(OutcomeClaimsTest, HiddenOrMissingOutcomeIsNotFoundAlike) {
  const auto claim = ResolveOutcomeWrite(nullptr, Signed(), kUni);
  const auto hidden =
      ConfirmStoredOutcome(&*claim, "o1", Viewer::Organization("org:x"))
          .status();
  const auto missing =
      ConfirmStoredOutcome(nullptr, "o1", kFirmViewer).status();
  EXPECT_EQ(hidden.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden, missing);
  EXPECT_EQ(hidden.message(), "outcome 'o1' not found");
  // A programme sees no outcome, so it is answered alike too.
  EXPECT_EQ(
      ConfirmStoredOutcome(&*claim, "o1", Viewer::Programme("org:p")).status(),
      missing);
}

TEST(OutcomeClaimsTest, SameOutcomeIgnoresOnlyTheVouchers) {
  v1::Outcome a = Signed(), b = Signed();
  a.set_recorded_by(kUniversity);
  b.set_confirmed_by(kFirm);
  EXPECT_TRUE(SameOutcome(a, b));
  b.set_note("another note");
  EXPECT_FALSE(SameOutcome(a, b));
}

TEST(OutcomeClaimsTest, ValidationChecksTheVouchers) {
  v1::Outcome o = Signed();
  o.set_recorded_by("org:stranger");
  EXPECT_THAT(std::string(ValidateOutcome(o).message()),
              HasSubstr("outcome.recorded_by"));
  o.set_recorded_by("");
  o.set_confirmed_by(kFirm);
  EXPECT_THAT(std::string(ValidateOutcome(o).message()),
              HasSubstr("outcome.confirmed_by"));
  o.set_recorded_by(kUniversity);
  o.set_confirmed_by(kUniversity);  // the recorder confirming itself
  EXPECT_THAT(std::string(ValidateOutcome(o).message()),
              HasSubstr("outcome.confirmed_by"));
  o.set_confirmed_by(kOperatorConfirmation);
  EXPECT_TRUE(ValidateOutcome(o).ok());
  o.set_confirmed_by(kFirm);
  EXPECT_TRUE(ValidateOutcome(o).ok());
}

}  // namespace
}  // namespace helixmatch
