// The visibility rule on the programme side, over gRPC (docs/security.md,
// "Who sees what"): ScreenProposal and ScreenProposals (the firm's best
// need and an explicit need_id), PlanPathway and DeclineReasons, with a
// private and a programme-only need (visibility_fixture.h).
#include <string>

#include "tests/integration/visibility_fixture.h"

namespace helixmatch::testing {
namespace {

class VisibilityProgrammeTest : public VisibilityFixture {
 protected:
  // A proposal of org:saryarka-tu with the owner firm, close in topic to
  // both hidden needs, naming no need.
  static v1::Proposal Proposal() {
    v1::Proposal p;
    p.set_id("prop:dust");
    p.set_programme_id("kz-applied-research");
    p.set_university_id("org:saryarka-tu");
    p.set_firm_id(kOwnerFirm);
    p.set_title("Copper recovery from smelter flue dust by leaching");
    p.set_abstract(
        "The laboratory and the smelter will test a leaching route that "
        "recovers copper from the flue dust the smelter collects.");
    p.add_keywords("smelter dust");
    p.add_keywords("leaching");
    p.set_budget_usd(100000);
    p.set_cofunding_usd(40000);
    p.mutable_trl()->set_min(4);
    p.mutable_trl()->set_max(6);
    p.add_channels(v1::CHANNEL_CONTRACT_RESEARCH);
    p.set_duration_months(18);
    return p;
  }

  static grpc::Status Screen(const Caller& c, const v1::Proposal& p,
                             v1::ScreeningReport* report) {
    v1::ScreenProposalRequest request;
    *request.mutable_proposal() = p;
    return stub_->ScreenProposal(As(c).get(), request, report);
  }

  static v1::ScreenProposalsResponse ScreenBatch(
      const Caller& c, const std::vector<v1::Proposal>& proposals) {
    auto context = As(c);
    v1::ScreenProposalsResponse response;
    auto writer = stub_->ScreenProposals(context.get(), &response);
    for (const auto& p : proposals) {
      v1::ScreenProposalRequest request;
      *request.mutable_proposal() = p;
      EXPECT_TRUE(writer->Write(request));
    }
    writer->WritesDone();
    const auto s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }
};

TEST_F(VisibilityProgrammeTest, BestNeedIsChosenAmongNeedsTheReaderSees) {
  for (const Caller* c :
       {&kProgrammeCaller, &kOtherOrganization, &kOwner, &kOperatorCaller}) {
    SCOPED_TRACE(c->name);
    v1::ScreeningReport report;
    const auto s = Screen(*c, Proposal(), &report);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_FALSE(report.fit().firm_need().id().empty());
    const std::string shown = Text(report);
    if (c == &kProgrammeCaller || c == &kOtherOrganization) {
      ExpectNoTraceOf(shown, kPrivateNeed, kPrivateWord);
    }
    if (c == &kOtherOrganization) {
      ExpectNoTraceOf(shown, kProgrammeNeed, kProgrammeWord);
    }
  }
  // The hidden needs are the closest: those who see them get one.
  v1::ScreeningReport as_owner, as_programme;
  ASSERT_TRUE(Screen(kOwner, Proposal(), &as_owner).ok());
  ASSERT_TRUE(Screen(kProgrammeCaller, Proposal(), &as_programme).ok());
  EXPECT_THAT(std::vector<std::string>({kPrivateNeed, kProgrammeNeed}),
              ::testing::Contains(as_owner.fit().firm_need().id()));
  EXPECT_EQ(as_programme.fit().firm_need().id(), kProgrammeNeed);
}

TEST_F(VisibilityProgrammeTest, NamedHiddenNeedAnswersLikeAMissingOne) {
  const std::vector<std::pair<const Caller*, const char*>> blind = {
      {&kProgrammeCaller, kPrivateNeed},
      {&kOtherOrganization, kPrivateNeed},
      {&kOtherOrganization, kProgrammeNeed}};
  for (const auto& [c, id] : blind) {
    SCOPED_TRACE(absl::StrCat(id, " as ", c->name));
    v1::Proposal hidden = Proposal(), missing = Proposal();
    hidden.set_need_id(id);
    missing.set_need_id("need:no-such");
    v1::ScreeningReport report;
    const auto hidden_status = Screen(*c, hidden, &report);
    const auto missing_status = Screen(*c, missing, &report);
    ExpectAnswersLikeMissing(hidden_status, id, missing_status, "need:no-such");
    EXPECT_EQ(hidden_status.error_message(),
              absl::StrCat("proposal.need_id: need '", id, "' not found"));
    // In a batch, the rejection reads the same.
    hidden.set_id("prop:hidden");
    missing.set_id("prop:missing");
    const auto batch = ScreenBatch(*c, {hidden, missing});
    ASSERT_EQ(batch.rejected_size(), 2);
    EXPECT_EQ(batch.reports_size(), 0);
    std::string hidden_message, missing_message;
    for (const auto& r : batch.rejected()) {
      (r.id() == "prop:hidden" ? hidden_message : missing_message) =
          r.message();
    }
    EXPECT_EQ(absl::StrReplaceAll(hidden_message, {{id, "ID"}}),
              absl::StrReplaceAll(missing_message, {{"need:no-such", "ID"}}));
  }
  // The owner may name its private need.
  v1::Proposal own = Proposal();
  own.set_need_id(kPrivateNeed);
  v1::ScreeningReport report;
  ASSERT_TRUE(Screen(kOwner, own, &report).ok());
  EXPECT_EQ(report.fit().firm_need().id(), kPrivateNeed);
}

TEST_F(VisibilityProgrammeTest, NeedOfAnotherFirmDoesNotNameItsOwner) {
  v1::Proposal p = Proposal();
  p.set_firm_id("org:saryarka-coal");
  p.set_need_id("need:demo-flotation");  // a public need of kOwnerFirm
  v1::ScreeningReport report;
  const auto s = Screen(kProgrammeCaller, p, &report);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "proposal.need_id: need 'need:demo-flotation' is not a need of "
            "firm 'org:saryarka-coal'");
}

TEST_F(VisibilityProgrammeTest, PathwayAimsOnlyAtWishesTheReaderSees) {
  // The private need wants a joint lab (L6), the programme-only one joint
  // research (L5); the public needs at most contract research (L4).
  v1::PlanPathwayRequest request;
  request.set_university_id("org:saryarka-tu");
  request.set_firm_id(kOwnerFirm);
  request.set_target_rung(-1);  // no rung, no channels: the firm's wishes
  const auto target = [&](const Caller& c) {
    v1::Pathway pathway;
    const auto s = stub_->PlanPathway(As(c).get(), request, &pathway);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return pathway.target_rung();
  };
  EXPECT_EQ(target(kOwner), 6);
  EXPECT_EQ(target(kOperatorCaller), 6);
  EXPECT_EQ(target(kProgrammeCaller), 5);
  EXPECT_EQ(target(kOtherOrganization), 4);
}

TEST_F(VisibilityProgrammeTest, DeclineReasonsNameDeclinersToPartiesOnly) {
  v1::DeclineReasonsRequest request;
  request.set_organization_id("org:altai-mmu");
  v1::DeclineReasonsResponse as_altai, as_programme, as_operator;
  ASSERT_TRUE(stub_->DeclineReasons(As(kAltai).get(), request, &as_altai).ok());
  ASSERT_TRUE(
      stub_->DeclineReasons(As(kProgrammeCaller).get(), request, &as_programme)
          .ok());
  ASSERT_TRUE(
      stub_->DeclineReasons(As(kOperatorCaller).get(), request, &as_operator)
          .ok());
  EXPECT_NE(Text(as_altai).find(kOwnerFirm), std::string::npos);
  EXPECT_NE(Text(as_operator).find(kOwnerFirm), std::string::npos);
  // A programme gets the counts, not who declined.
  EXPECT_EQ(as_programme.declined(), as_altai.declined());
  ASSERT_GT(as_programme.reasons_size(), 0);
  EXPECT_EQ(as_programme.reasons(0).count(), as_altai.reasons(0).count());
  EXPECT_EQ(Text(as_programme).find(kOwnerFirm), std::string::npos);
  // Another organization reads only its own.
  v1::DeclineReasonsResponse refused;
  const auto s =
      stub_->DeclineReasons(As(kOtherOrganization).get(), request, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message().find(kOwnerFirm), std::string::npos);
}

}  // namespace
}  // namespace helixmatch::testing
