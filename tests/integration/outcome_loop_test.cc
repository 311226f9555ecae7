// The outcome loop and the autonomy guard end to end over gRPC
// (programme_fixture.h): an outcome one party records is a claim that
// moves nothing until the other party confirms it, programmes record
// nothing, and decline reasons are counted per offering organization.
#include <string>

#include "tests/integration/programme_fixture.h"

namespace helixmatch::testing {
namespace {

TEST_F(ProgrammeTest, SignedContractChangesRecommendAndExplain) {
  // need:demo-flotation (org:tokyrau-copper) and the Altai lab have no
  // shared history.
  const auto before = Explain("need:demo-flotation", "cap:altai-hydromet");
  const std::string altai = before.suggestion().organization().id();
  ASSERT_EQ(altai, "org:altai-mmu");
  EXPECT_EQ(before.suggestion().ladder().covered_rung(), -1);
  EXPECT_TRUE(before.suggestion().trust_evidence().empty());
  const auto trust_before =
      Barrier(before.suggestion().barriers(), v1::BARRIER_CODE_TRUST);
  const double score_before = ScoreOf("need:demo-flotation", altai);

  v1::RecordOutcomeRequest request;
  auto* o = request.mutable_outcome();
  o->set_id("outcome-altai-tokyrau-1");
  o->set_offered_by(altai);
  o->set_offered_to("org:tokyrau-copper");
  o->set_kind(v1::OUTCOME_KIND_CONTRACT_SIGNED);
  o->set_year(2025);
  o->set_need_id("need:demo-flotation");
  o->set_capability_id("cap:altai-hydromet");
  o->set_note("reagent regime trial on one flotation bank");
  v1::RecordOutcomeResponse recorded;
  const auto status =
      stub_->RecordOutcome(As(kAltai).get(), request, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(recorded.created());
  // One party alone only claims it: no tie, and nothing moves.
  EXPECT_FALSE(recorded.has_tie());
  EXPECT_EQ(recorded.outcome().recorded_by(), altai);
  EXPECT_EQ(recorded.outcome().confirmed_by(), "");
  const auto claimed = Explain("need:demo-flotation", "cap:altai-hydromet");
  EXPECT_EQ(claimed.suggestion().ladder().covered_rung(), -1);
  EXPECT_TRUE(claimed.suggestion().trust_evidence().empty());
  EXPECT_EQ(claimed.suggestion().breakdown().trust(),
            before.suggestion().breakdown().trust());
  EXPECT_EQ(ScoreOf("need:demo-flotation", altai), score_before);

  // The firm confirms it: now it counts.
  v1::ConfirmOutcomeRequest confirm;
  confirm.set_outcome_id("outcome-altai-tokyrau-1");
  v1::RecordOutcomeResponse confirmed;
  const auto confirm_status =
      stub_->ConfirmOutcome(As(kTokyrau).get(), confirm, &confirmed);
  ASSERT_TRUE(confirm_status.ok()) << confirm_status.error_message();
  EXPECT_EQ(confirmed.outcome().confirmed_by(), "org:tokyrau-copper");
  EXPECT_EQ(confirmed.tie().channel(), v1::CHANNEL_CONTRACT_RESEARCH);
  EXPECT_EQ(confirmed.tie().outcome(), v1::TIE_OUTCOME_ONGOING);

  const auto after = Explain("need:demo-flotation", "cap:altai-hydromet");
  EXPECT_EQ(after.suggestion().ladder().covered_rung(), 4);
  EXPECT_GT(after.suggestion().ladder().recommended_rung(),
            before.suggestion().ladder().recommended_rung());
  ASSERT_FALSE(after.suggestion().trust_evidence().empty());
  EXPECT_NE(after.suggestion().trust_evidence(0).find("contract signed"),
            std::string::npos)
      << after.suggestion().trust_evidence(0);
  const auto trust_after =
      Barrier(after.suggestion().barriers(), v1::BARRIER_CODE_TRUST);
  EXPECT_LT(trust_after.severity(), trust_before.severity());
  EXPECT_GT(after.suggestion().breakdown().trust(),
            before.suggestion().breakdown().trust());
  EXPECT_GT(ScoreOf("need:demo-flotation", altai), score_before);

  // The outcome and its tie are records like any other, which only the
  // two parties (and operators) see.
  v1::GetRequest get;
  get.set_kind(v1::RECORD_KIND_OUTCOME);
  get.set_id("outcome-altai-tokyrau-1");
  v1::Record stored;
  ASSERT_TRUE(stub_->Get(As(kAltai).get(), get, &stored).ok());
  EXPECT_EQ(stored.outcome().note(), o->note());
  EXPECT_EQ(stub_->Get(As(kProgramme).get(), get, &stored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Its tie can only go with the outcome.
  v1::DeleteRequest remove_tie;
  remove_tie.set_kind(v1::RECORD_KIND_TIE);
  remove_tie.set_id("outcome:outcome-altai-tokyrau-1");
  v1::DeleteResponse deleted;
  const auto refused = stub_->Delete(As(kOperator).get(), remove_tie, &deleted);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << refused.error_message();
}

TEST_F(ProgrammeTest, ProgrammeRoleIsRefusedWhenItRecordsAnOutcome) {
  v1::StatsResponse before;
  ASSERT_TRUE(stub_->Stats(As(kProgramme).get(), {}, &before).ok());
  v1::RecordOutcomeRequest request;
  auto* o = request.mutable_outcome();
  o->set_id("outcome-by-programme");
  o->set_offered_by("org:saryarka-tu");
  o->set_offered_to("org:saryarka-coal");
  o->set_kind(v1::OUTCOME_KIND_PROJECT_COMPLETED);
  o->set_year(2025);
  v1::RecordOutcomeResponse response;
  auto status = stub_->RecordOutcome(As(kProgramme).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("autonomy guard"), std::string::npos)
      << status.error_message();

  // Nor a tie, directly or in a stream.
  v1::UpsertRequest tie;
  *tie.mutable_record()->mutable_tie() = testing::MakeTie(
      "tie:by-programme", "org:saryarka-tu", "org:saryarka-coal", 2025);
  v1::UpsertResponse upserted;
  status = stub_->Upsert(As(kProgramme).get(), tie, &upserted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  {
    v1::IngestResponse ingested;
    auto context = As(kProgramme);
    auto writer = stub_->Ingest(context.get(), &ingested);
    v1::IngestRequest item;
    *item.mutable_record() = tie.record();
    ASSERT_TRUE(writer->Write(item));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(ingested.accepted(), 0);
    ASSERT_EQ(ingested.rejected_size(), 1);
    EXPECT_NE(ingested.rejected(0).message().find("autonomy guard"),
              std::string::npos);
  }

  // An organization records outcomes it is a party to, not others'.
  status = stub_->RecordOutcome(As(kAltai).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("org:altai-mmu"), std::string::npos);
  // Without a token, nothing.
  status = stub_->RecordOutcome(As("").get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  status = stub_->RecordOutcome(As("not-a-known-token-123").get(), request,
                                &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  v1::StatsResponse after;
  ASSERT_TRUE(stub_->Stats(As(kProgramme).get(), {}, &after).ok());
  EXPECT_EQ(after.outcomes(), before.outcomes());
  EXPECT_EQ(after.ties(), before.ties());

  // The party itself may record it.
  status = stub_->RecordOutcome(As(kSaryarka).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  // And the programme may read screening aggregates and reports.
  v1::DeclineReasonsRequest declines;
  declines.set_organization_id("org:saryarka-tu");
  v1::DeclineReasonsResponse reasons;
  EXPECT_TRUE(
      stub_->DeclineReasons(As(kProgramme).get(), declines, &reasons).ok());
  // An organization reads its own declines only, asks as itself only, and
  // does not see a programme-only need of another organization.
  EXPECT_EQ(
      stub_->DeclineReasons(As(kAltai).get(), declines, &reasons).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::RecommendRequest as_other;
  as_other.set_text("flotation reagents");
  as_other.set_direction(v1::DIRECTION_CAPABILITY_TO_NEEDS);
  as_other.set_requester_organization_id("org:saryarka-tu");
  as_other.set_k(3);
  v1::RecommendResponse suggestions;
  EXPECT_EQ(
      stub_->Recommend(As(kAltai).get(), as_other, &suggestions).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::GetRequest hidden;
  hidden.set_kind(v1::RECORD_KIND_NEED);
  hidden.set_id("need:buzachi-operators");  // programme-only
  v1::Record need;
  EXPECT_EQ(stub_->Get(As(kAltai).get(), hidden, &need).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(stub_->Get(As(kProgramme).get(), hidden, &need).ok());
  v1::BackupRequest backup;
  backup.set_folder(dir_->path() + "/backup-by-programme");
  v1::BackupResponse backed_up;
  EXPECT_EQ(
      stub_->Backup(As(kProgramme).get(), backup, &backed_up).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ProgrammeTest, DeclineReasonsAreCountedPerOfferingOrganization) {
  const auto record = [](const std::string& id, const std::string& to,
                         v1::OutcomeKind kind, v1::DeclineReason reason) {
    v1::RecordOutcomeRequest request;
    auto* o = request.mutable_outcome();
    o->set_id(id);
    o->set_offered_by("org:saryarka-tu");
    o->set_offered_to(to);
    o->set_kind(kind);
    o->set_decline_reason(reason);
    o->set_year(2025);
    v1::RecordOutcomeResponse response;
    const auto status =
        stub_->RecordOutcome(As(kSaryarka).get(), request, &response);
    EXPECT_TRUE(status.ok()) << id << ": " << status.error_message();
    EXPECT_FALSE(response.has_tie()) << id;
  };
  record("decl-1", "org:kentau-services", v1::OUTCOME_KIND_DECLINED,
         v1::DECLINE_REASON_NO_BUDGET);
  record("decl-2", "org:aksu-gold", v1::OUTCOME_KIND_DECLINED,
         v1::DECLINE_REASON_NO_BUDGET);
  record("decl-3", "org:saryarka-coal", v1::OUTCOME_KIND_DECLINED,
         v1::DECLINE_REASON_IP_TERMS);
  record("decl-4", "org:tokyrau-copper", v1::OUTCOME_KIND_NO_ANSWER,
         v1::DECLINE_REASON_UNSPECIFIED);

  v1::DeclineReasonsRequest request;
  request.set_organization_id("org:saryarka-tu");
  v1::DeclineReasonsResponse response;
  ASSERT_TRUE(
      stub_->DeclineReasons(As(kProgramme).get(), request, &response).ok());
  EXPECT_GE(response.declined(), 3);
  EXPECT_GE(response.no_answer(), 1);
  ASSERT_GE(response.reasons_size(), 2);
  EXPECT_EQ(response.reasons(0).reason(), v1::DECLINE_REASON_NO_BUDGET);
  EXPECT_EQ(response.reasons(0).count(), 2);
  // Who declined is the offering organization's to read, not the
  // programme's (those outcomes are theirs).
  EXPECT_EQ(response.reasons(0).declined_by_size(), 0);
  ASSERT_TRUE(
      stub_->DeclineReasons(As(kSaryarka).get(), request, &response).ok());
  EXPECT_EQ(response.reasons(0).declined_by_size(), 2);

  // A decline needs its reason, from the fixed list.
  v1::RecordOutcomeRequest bad;
  auto* o = bad.mutable_outcome();
  o->set_id("decl-bad");
  o->set_offered_by("org:saryarka-tu");
  o->set_offered_to("org:aksu-gold");
  o->set_kind(v1::OUTCOME_KIND_DECLINED);
  o->set_year(2025);
  v1::RecordOutcomeResponse ignored;
  auto status = stub_->RecordOutcome(As(kSaryarka).get(), bad, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "outcome.decline_reason: is required");
  o->set_decline_reason(static_cast<v1::DeclineReason>(77));
  status = stub_->RecordOutcome(As(kSaryarka).get(), bad, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("outcome.decline_reason"),
            std::string::npos);
  o->set_decline_reason(v1::DECLINE_REASON_TIMING);
  o->set_offered_to("org:nowhere");
  status = stub_->RecordOutcome(As(kSaryarka).get(), bad, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(),
            "outcome.offered_to: organization 'org:nowhere' not found");
}

}  // namespace
}  // namespace helixmatch::testing
