// A forged outcome cannot buy trust (docs/security.md, "a forged
// outcome"): a university that records engagement outcomes with a firm on
// its own moves nowhere in anyone's ranking; the outcomes show as claimed
// to the two parties only. Once the firm (or an operator) confirms them
// they count. Over gRPC, on the demo data with a private and a
// programme-only need (visibility_fixture.h).
#include <string>

#include "tests/integration/visibility_fixture.h"

namespace helixmatch::testing {
namespace {

constexpr char kNeed[] = "need:demo-flotation";  // of kOwnerFirm
constexpr char kUniversity[] = "org:altai-mmu";
constexpr char kCapability[] = "cap:altai-hydromet";

class ForgedOutcomeTest : public VisibilityFixture {
 protected:
  static v1::RecommendResponse Recommend(const Caller& caller,
                                         v1::RecommendRequest request) {
    request.set_k(100);
    v1::RecommendResponse response;
    const auto s = stub_->Recommend(As(caller).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  // (organization, score) of every suggestion, in rank order.
  static std::vector<std::pair<std::string, double>> Ranking(
      const v1::RecommendResponse& r) {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& s : r.suggestions()) {
      out.emplace_back(s.organization().id(), s.score());
    }
    return out;
  }

  // Every ranking the pair appears in, as each party and an operator ask.
  static std::vector<std::vector<std::pair<std::string, double>>>
  AllRankings() {
    v1::RecommendRequest by_need, by_capability, by_text;
    by_need.set_need_id(kNeed);
    by_capability.set_capability_id(kCapability);
    by_text.set_text("flotation reagent copper concentrator");
    by_text.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
    by_text.set_requester_organization_id(kOwnerFirm);
    std::vector<std::vector<std::pair<std::string, double>>> all;
    for (const Caller* c : {&kOwner, &kOperatorCaller}) {
      all.push_back(Ranking(Recommend(*c, by_need)));
      all.push_back(Ranking(Recommend(*c, by_text)));
    }
    for (const Caller* c : {&kAltai, &kOperatorCaller}) {
      all.push_back(Ranking(Recommend(*c, by_capability)));
    }
    return all;
  }

  static v1::Outcome Completed(int i) {
    v1::Outcome o;
    o.set_id(absl::StrCat("forged-", i));
    o.set_offered_by(kUniversity);
    o.set_offered_to(kOwnerFirm);
    o.set_kind(v1::OUTCOME_KIND_PROJECT_COMPLETED);
    o.set_year(2023 + i);
    o.set_need_id(kNeed);
    o.set_capability_id(kCapability);
    return o;
  }

  static v1::ExplainResponse Explain(const Caller& caller) {
    v1::ExplainRequest request;
    request.set_need_id(kNeed);
    request.set_capability_id(kCapability);
    v1::ExplainResponse response;
    const auto s = stub_->Explain(As(caller).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }
};

TEST_F(ForgedOutcomeTest, ClaimsMoveNoPairConfirmationsDo) {
  const auto before = AllRankings();
  const auto explained_before = Explain(kOwner);
  for (int i = 0; i < 3; ++i) {
    v1::RecordOutcomeRequest request;
    *request.mutable_outcome() = Completed(i);
    v1::RecordOutcomeResponse response;
    const auto s = stub_->RecordOutcome(As(kAltai).get(), request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_FALSE(response.has_tie());
    EXPECT_EQ(response.outcome().recorded_by(), kUniversity);
  }
  // Nothing moved, for anyone.
  EXPECT_EQ(AllRankings(), before);
  const auto claimed = Explain(kOwner);
  EXPECT_EQ(claimed.suggestion().score(),
            explained_before.suggestion().score());
  EXPECT_EQ(claimed.suggestion().ladder().covered_rung(),
            explained_before.suggestion().ladder().covered_rung());
  EXPECT_EQ(claimed.suggestion().trust_evidence_size(),
            explained_before.suggestion().trust_evidence_size());
  // The parties see the claims as claims; others see nothing of them.
  ASSERT_EQ(claimed.suggestion().claimed_outcomes_size(), 3);
  EXPECT_NE(claimed.suggestion().claimed_outcomes(0).find(
                "claimed by " + std::string(kUniversity)),
            std::string::npos)
      << claimed.suggestion().claimed_outcomes(0);
  EXPECT_EQ(Explain(kOtherOrganization).suggestion().claimed_outcomes_size(),
            0);
  EXPECT_EQ(Explain(kProgrammeCaller).suggestion().claimed_outcomes_size(), 0);

  // The firm confirms each: now the pair's trust counts.
  for (int i = 0; i < 3; ++i) {
    v1::ConfirmOutcomeRequest request;
    request.set_outcome_id(Completed(i).id());
    v1::RecordOutcomeResponse response;
    const auto s = stub_->ConfirmOutcome(As(kOwner).get(), request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(response.has_tie());
    EXPECT_EQ(response.outcome().confirmed_by(), kOwnerFirm);
  }
  const auto confirmed = Explain(kOwner);
  EXPECT_GT(confirmed.suggestion().score(),
            explained_before.suggestion().score());
  EXPECT_GT(confirmed.suggestion().breakdown().trust(),
            explained_before.suggestion().breakdown().trust());
  EXPECT_EQ(confirmed.suggestion().claimed_outcomes_size(), 0);
  EXPECT_NE(AllRankings(), before);
}

TEST_F(ForgedOutcomeTest, TheRecorderCannotConfirmNorWriteATie) {
  v1::RecordOutcomeRequest record;
  *record.mutable_outcome() = Completed(10);
  v1::RecordOutcomeResponse recorded;
  ASSERT_TRUE(stub_->RecordOutcome(As(kAltai).get(), record, &recorded).ok());
  v1::ConfirmOutcomeRequest confirm;
  confirm.set_outcome_id(Completed(10).id());
  v1::RecordOutcomeResponse response;
  auto s = stub_->ConfirmOutcome(As(kAltai).get(), confirm, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // Sending confirmed_by does not help either: the server sets it.
  v1::Outcome forged = Completed(11);
  forged.set_recorded_by(kOwnerFirm);
  forged.set_confirmed_by(kUniversity);
  *record.mutable_outcome() = forged;
  ASSERT_TRUE(stub_->RecordOutcome(As(kAltai).get(), record, &recorded).ok());
  EXPECT_EQ(recorded.outcome().recorded_by(), kUniversity);
  EXPECT_EQ(recorded.outcome().confirmed_by(), "");
  EXPECT_FALSE(recorded.has_tie());
  // A tie straight away is refused: ties are trust evidence.
  v1::UpsertRequest tie;
  *tie.mutable_record()->mutable_tie() =
      MakeTie("tie:forged", kUniversity, kOwnerFirm, 2024);
  v1::UpsertResponse upserted;
  s = stub_->Upsert(As(kAltai).get(), tie, &upserted);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("a tie is trust evidence"),
            std::string::npos);
}

TEST_F(ForgedOutcomeTest, ConfirmOutcomeBadInput) {
  v1::ConfirmOutcomeRequest request;
  v1::RecordOutcomeResponse response;
  auto s = stub_->ConfirmOutcome(As(kOwner).get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("outcome_id"), std::string::npos);
  request.set_outcome_id("bad id/with slash");
  s = stub_->ConfirmOutcome(As(kOwner).get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_outcome_id("no-such-outcome");
  s = stub_->ConfirmOutcome(As(kOwner).get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  // Someone else's outcome answers exactly like a missing one.
  request.set_outcome_id(kDecline);
  const auto hidden =
      stub_->ConfirmOutcome(As(kOtherOrganization).get(), request, &response);
  request.set_outcome_id("no-such-outcome");
  const auto missing =
      stub_->ConfirmOutcome(As(kOtherOrganization).get(), request, &response);
  ExpectAnswersLikeMissing(hidden, kDecline, missing, "no-such-outcome");
  // A programme confirms nothing (it sees no outcome).
  request.set_outcome_id(kDecline);
  s = stub_->ConfirmOutcome(As(kProgrammeCaller).get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  // Unauthenticated.
  grpc::ClientContext anonymous;
  s = stub_->ConfirmOutcome(&anonymous, request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace helixmatch::testing
