// The programme side end to end over gRPC: pre-screening proposals
// against the demo programmes' rules, pathways, the outcome loop and the
// autonomy guard. The demo data is imported with the real GloVe vectors
// and served by a real server on port 0 with a tokens file, so every call
// carries a role.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/engine/matching_engine.h"
#include "services/server/match_service.h"
#include "services/server/principals.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::helixmatch::testing::DemoFile;
using ::helixmatch::testing::GloveFile;
using ::helixmatch::testing::TempDir;

constexpr char kOperator[] = "operator-token-0123456789";
constexpr char kProgramme[] = "programme-token-0123456789";
constexpr char kSaryarka[] = "saryarka-token-0123456789";
constexpr char kAltai[] = "altai-token-0123456789abc";
constexpr char kTokyrau[] = "tokyrau-token-0123456789ab";

class ProgrammeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto vectors = WordVectors::Load(GloveFile());
    ASSERT_TRUE(vectors.ok())
        << vectors.status().message()
        << " (scripts/test.sh runs scripts/fetch-word-vectors.sh first)";
    dir_ = new TempDir();
    auto imported = testing::ImportDemo(dir_->path(), *vectors);
    ASSERT_TRUE(imported.ok()) << imported.message();
    auto principals = PrincipalTable::Parse(
        absl::StrCat(kOperator, " operator\n", kProgramme,
                     " programme org:prog-applied-research\n", kSaryarka,
                     " organization org:saryarka-tu\n", kAltai,
                     " organization org:altai-mmu\n", kTokyrau,
                     " organization org:tokyrau-copper\n"),
        "test principals");
    ASSERT_TRUE(principals.ok()) << principals.status().message();
    principals_ = new ReloadablePrincipals(std::move(*principals));
    EngineOptions options;
    options.data_dir = dir_->path();
    options.word_vectors = *vectors;
    options.reference_year = 2025;
    options.programmes_path = DemoFile("programmes");
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_ = engine->release();
    MatchServerOptions server_options;
    server_options.api.principals = principals_;
    auto server = MatchServer::Start(engine_, "127.0.0.1:0",
                                     std::move(server_options));
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = server->release();
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials()));
    stub_ = v1::MatchService::NewStub(*channel_).release();
    proposals_ = new std::map<std::string, v1::Proposal>();
    std::ifstream in(DemoFile("proposals/2025-batch.jsonl"));
    std::string line;
    while (std::getline(in, line)) {
      v1::Proposal p;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &p).ok())
          << line;
      (*proposals_)[p.id()] = p;
    }
    ASSERT_GE(proposals_->size(), 10u);
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete channel_;
    delete server_;
    delete engine_;
    delete principals_;
    delete proposals_;
    delete dir_;
  }

  // A client context carrying `token` (none when empty).
  static std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) {
      context->AddMetadata("authorization", "Bearer " + token);
    }
    return context;
  }

  static const v1::Proposal& Proposal(const std::string& id) {
    return proposals_->at(id);
  }

  static absl::StatusOr<v1::ScreeningReport> Screen(const v1::Proposal& p,
                                                    const std::string& token) {
    v1::ScreenProposalRequest request;
    *request.mutable_proposal() = p;
    v1::ScreeningReport report;
    const auto status = stub_->ScreenProposal(As(token).get(), request, &report);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return report;
  }

  static const v1::BarrierAssessment& Barrier(
      const google::protobuf::RepeatedPtrField<v1::BarrierAssessment>& all,
      v1::BarrierCode code) {
    for (const auto& b : all) {
      if (b.code() == code) return b;
    }
    ADD_FAILURE() << "no assessment for " << v1::BarrierCode_Name(code);
    return all.Get(0);
  }

  static bool HasWarning(const v1::ScreeningReport& r, v1::WarningCode code) {
    for (const auto& w : r.warnings()) {
      if (w.code() == code) return true;
    }
    return false;
  }

  static v1::ExplainResponse Explain(const std::string& need,
                                     const std::string& capability) {
    v1::ExplainRequest request;
    request.set_need_id(need);
    request.set_capability_id(capability);
    v1::ExplainResponse response;
    const auto status = stub_->Explain(As(kOperator).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Score of `organization` among the suggestions for `need` (-1: absent).
  static double ScoreOf(const std::string& need,
                        const std::string& organization) {
    v1::RecommendRequest request;
    request.set_need_id(need);
    request.set_k(100);
    request.set_omit_explanations(true);
    v1::RecommendResponse response;
    const auto status =
        stub_->Recommend(As(kOperator).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const auto& s : response.suggestions()) {
      if (s.organization().id() == organization) return s.score();
    }
    return -1;
  }

  static TempDir* dir_;
  static ReloadablePrincipals* principals_;
  static MatchingEngine* engine_;
  static MatchServer* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  static v1::MatchService::Stub* stub_;
  static std::map<std::string, v1::Proposal>* proposals_;
};

TempDir* ProgrammeTest::dir_ = nullptr;
ReloadablePrincipals* ProgrammeTest::principals_ = nullptr;
MatchingEngine* ProgrammeTest::engine_ = nullptr;
MatchServer* ProgrammeTest::server_ = nullptr;
std::shared_ptr<grpc::Channel>* ProgrammeTest::channel_ = nullptr;
v1::MatchService::Stub* ProgrammeTest::stub_ = nullptr;
std::map<std::string, v1::Proposal>* ProgrammeTest::proposals_ = nullptr;

TEST_F(ProgrammeTest, IneligibleProposalNamesTheFailedRule) {
  auto report = Screen(Proposal("prop:ar25-phosphogypsum"), kProgramme);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_FALSE(report->eligible());
  int failed = 0;
  for (const auto& rule : report->rules()) {
    if (rule.passed()) continue;
    ++failed;
    EXPECT_EQ(rule.rule(), "max_budget_usd");
    EXPECT_NE(rule.detail().find("780000"), std::string::npos) << rule.detail();
    EXPECT_NE(rule.detail().find("500000"), std::string::npos) << rule.detail();
  }
  EXPECT_EQ(failed, 1);
  EXPECT_LE(report->readiness().score(), 0.25 + 1e-9);
  EXPECT_EQ(report->readiness().band(), "not ready");
  // Every barrier code is assessed, in code order.
  ASSERT_EQ(report->barriers_size(), 12);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(report->barriers(i).code(), i + 1);
}

TEST_F(ProgrammeTest, HistoryLowersTrustAndStartsHigherOnTheLadder) {
  // A twin of the university: the same record and flotation profile under
  // new ids, so the two proposals differ only in the pair's history
  // (saryarka-tu has four completed ties with the firm; the twin none).
  v1::GetRequest get;
  get.set_kind(v1::RECORD_KIND_ORGANIZATION);
  get.set_id("org:saryarka-tu");
  v1::Record org;
  ASSERT_TRUE(stub_->Get(As(kOperator).get(), get, &org).ok());
  get.set_kind(v1::RECORD_KIND_CAPABILITY);
  get.set_id("cap:demo-flotation-lab");
  v1::Record cap;
  ASSERT_TRUE(stub_->Get(As(kOperator).get(), get, &cap).ok());
  v1::BatchUpsertRequest twins;
  auto* twin_org = twins.add_records()->mutable_organization();
  *twin_org = org.organization();
  twin_org->set_id("org:twin-tu");
  auto* twin_cap = twins.add_records()->mutable_capability();
  *twin_cap = cap.capability();
  twin_cap->set_id("cap:twin-flotation-lab");
  twin_cap->set_organization_id("org:twin-tu");
  v1::BatchUpsertResponse upserted;
  ASSERT_TRUE(
      stub_->BatchUpsert(As(kOperator).get(), twins, &upserted).ok());

  v1::Proposal known = Proposal("prop:ar25-flotation-pdm");
  v1::Proposal stranger = known;
  stranger.set_id("prop:twin-flotation-pdm");
  stranger.set_university_id("org:twin-tu");
  auto with_history = Screen(known, kProgramme);
  auto without = Screen(stranger, kProgramme);
  ASSERT_TRUE(with_history.ok()) << with_history.status().message();
  ASSERT_TRUE(without.ok()) << without.status().message();

  const auto& trust_known =
      Barrier(with_history->barriers(), v1::BARRIER_CODE_TRUST);
  const auto& trust_stranger =
      Barrier(without->barriers(), v1::BARRIER_CODE_TRUST);
  EXPECT_LT(trust_known.severity(), trust_stranger.severity())
      << trust_known.summary() << " vs " << trust_stranger.summary();
  EXPECT_EQ(trust_stranger.severity(), v1::SEVERITY_HIGH);

  const auto& path_known = with_history->pathway();
  const auto& path_stranger = without->pathway();
  EXPECT_EQ(path_known.covered_rung(), 3);  // consultancy in 2023
  EXPECT_EQ(path_stranger.covered_rung(), -1);
  ASSERT_GT(path_known.steps_size(), 0);
  ASSERT_GT(path_stranger.steps_size(), 0);
  EXPECT_GT(path_known.steps(0).rung(), path_stranger.steps(0).rung());
  EXPECT_EQ(path_stranger.steps(0).rung(), 0);
  EXPECT_LT(path_known.steps_size(), path_stranger.steps_size());

  // Same text, same topical fit; the stranger pair is flagged and less
  // ready.
  EXPECT_NEAR(with_history->fit().university_fit(),
              without->fit().university_fit(), 1e-9);
  EXPECT_TRUE(HasWarning(*without,
                         v1::WARNING_CODE_NO_PRIOR_INTERACTION_LARGE_BUDGET));
  EXPECT_FALSE(HasWarning(*with_history,
                          v1::WARNING_CODE_NO_PRIOR_INTERACTION_LARGE_BUDGET));
  EXPECT_GT(with_history->readiness().score(), without->readiness().score());
  EXPECT_FALSE(with_history->trust_evidence().empty());
  EXPECT_TRUE(without->trust_evidence().empty());
}

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
  const auto refused =
      stub_->Delete(As(kOperator).get(), remove_tie, &deleted);
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
  EXPECT_EQ(stub_->Recommend(As(kAltai).get(), as_other, &suggestions)
                .error_code(),
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
  EXPECT_EQ(stub_->Backup(As(kProgramme).get(), backup, &backed_up)
                .error_code(),
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

TEST_F(ProgrammeTest, BadProposalsGetPreciseErrors) {
  v1::Proposal p = Proposal("prop:ar25-flotation-pdm");
  p.clear_title();
  auto r = Screen(p, kProgramme);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "proposal.title: is required");

  p = Proposal("prop:ar25-flotation-pdm");
  p.set_programme_id("kz-no-such-programme");
  r = Screen(p, kProgramme);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("proposal.programme_id"),
            std::string::npos);
  EXPECT_NE(r.status().message().find("kz-applied-research"),
            std::string::npos)
      << "lists the loaded programmes: " << r.status().message();

  p = Proposal("prop:ar25-flotation-pdm");
  p.set_firm_id("org:nobody");
  r = Screen(p, kProgramme);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "proposal.firm_id: organization 'org:nobody' not found");

  p = Proposal("prop:ar25-flotation-pdm");
  p.set_need_id("need:tobol-grain-varieties");
  r = Screen(p, kProgramme);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("proposal.need_id"), std::string::npos);

  p = Proposal("prop:ar25-flotation-pdm");
  p.set_budget_usd(std::nan(""));
  r = Screen(p, kProgramme);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("proposal.budget_usd"),
            std::string::npos);

  // In a batch, a bad proposal is reported by position; the rest are
  // screened and ranked.
  v1::ScreenProposalsResponse response;
  auto context = As(kProgramme);
  auto writer = stub_->ScreenProposals(context.get(), &response);
  v1::ScreenProposalRequest item;
  *item.mutable_proposal() = Proposal("prop:ar25-wheat-trials");
  ASSERT_TRUE(writer->Write(item));
  item.mutable_proposal()->set_id("prop:bad");
  item.mutable_proposal()->mutable_trl()->set_min(12);
  ASSERT_TRUE(writer->Write(item));
  *item.mutable_proposal() = Proposal("prop:ar25-phosphogypsum");
  ASSERT_TRUE(writer->Write(item));
  writer->WritesDone();
  const auto status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.rejected_size(), 1);
  EXPECT_EQ(response.rejected(0).position(), 1);
  EXPECT_EQ(response.rejected(0).id(), "prop:bad");
  EXPECT_EQ(response.rejected(0).message(),
            "proposal.trl.min: 12 is outside 1..9");
  ASSERT_EQ(response.reports_size(), 2);
  EXPECT_EQ(response.reports(0).proposal_id(), "prop:ar25-wheat-trials");
  EXPECT_EQ(response.reports(0).rank(), 1);
  EXPECT_EQ(response.reports(1).rank(), 2);
  EXPECT_FALSE(response.reports(1).eligible());
}

TEST_F(ProgrammeTest, DemoBatchIsRankedWithItsWarnings) {
  v1::ScreenProposalsResponse response;
  auto context = As(kProgramme);
  auto writer = stub_->ScreenProposals(context.get(), &response);
  for (const auto& [id, p] : *proposals_) {
    v1::ScreenProposalRequest item;
    *item.mutable_proposal() = p;
    ASSERT_TRUE(writer->Write(item));
  }
  writer->WritesDone();
  const auto status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.rejected_size(), 0);
  ASSERT_EQ(response.reports_size(), static_cast<int>(proposals_->size()));
  std::map<std::string, const v1::ScreeningReport*> by_id;
  bool seen_ineligible = false;
  double previous = 2;
  for (const auto& r : response.reports()) {
    by_id[r.proposal_id()] = &r;
    // Eligible first; within each group, most ready first.
    if (!r.eligible() && !seen_ineligible) previous = 2;
    EXPECT_FALSE(seen_ineligible && r.eligible()) << r.proposal_id();
    seen_ineligible = seen_ineligible || !r.eligible();
    EXPECT_LE(r.readiness().score(), previous) << r.proposal_id();
    previous = r.readiness().score();
  }
  EXPECT_TRUE(HasWarning(*by_id.at("prop:ar25-roof-fall-b"),
                         v1::WARNING_CODE_NO_PRIOR_INTERACTION_LARGE_BUDGET));
  EXPECT_TRUE(HasWarning(*by_id.at("prop:ar25-fintech-interns"),
                         v1::WARNING_CODE_HUMAN_CAPITAL_ONLY));
  EXPECT_TRUE(HasWarning(*by_id.at("prop:ar25-crusher-liners"),
                         v1::WARNING_CODE_FIRM_WITHOUT_RD_STAFF));
  EXPECT_TRUE(HasWarning(*by_id.at("prop:ar25-crusher-liners"),
                         v1::WARNING_CODE_EARLIER_FAILURE));
  EXPECT_TRUE(HasWarning(*by_id.at("prop:ar25-cement-fuels"),
                         v1::WARNING_CODE_WEAK_TOPICAL_FIT));
  EXPECT_TRUE(HasWarning(*by_id.at("prop:sp25-oilfield-operators"),
                         v1::WARNING_CODE_PROGRAMME_DRIVEN_HISTORY));
  const auto* conflicted = by_id.at("prop:ar25-low-inertia");
  ASSERT_EQ(conflicted->conflicts_size(), 1);
  EXPECT_EQ(conflicted->conflicts(0).kind(), "board_member");
  EXPECT_LE(conflicted->readiness().score(), 0.55 + 1e-9);
  // The sound proposal outranks its stranger twin.
  EXPECT_LT(by_id.at("prop:ar25-roof-fall")->rank(),
            by_id.at("prop:ar25-roof-fall-b")->rank());
  EXPECT_TRUE(by_id.at("prop:ar25-flotation-pdm")->warnings().empty());
}

TEST_F(ProgrammeTest, PathwayStartsAboveWhatThePairAlreadyCovers) {
  v1::PlanPathwayRequest request;
  request.set_university_id("org:saryarka-tu");
  request.set_firm_id("org:tokyrau-copper");
  request.set_target_rung(5);
  v1::Pathway known;
  ASSERT_TRUE(stub_->PlanPathway(As(kProgramme).get(), request, &known).ok());
  EXPECT_EQ(known.covered_rung(), 3);
  ASSERT_EQ(known.steps_size(), 2);
  EXPECT_EQ(known.steps(0).rung(), 4);
  EXPECT_EQ(known.steps(1).rung(), 5);
  EXPECT_TRUE(known.steps(0).transaction_support());

  request.set_university_id("org:geotech-institute");
  v1::Pathway stranger;
  ASSERT_TRUE(
      stub_->PlanPathway(As(kProgramme).get(), request, &stranger).ok());
  EXPECT_EQ(stranger.covered_rung(), -1);
  ASSERT_GT(stranger.steps_size(), 0);
  EXPECT_EQ(stranger.steps(0).rung(), 0);
  for (const auto& step : stranger.steps()) {
    EXPECT_GT(step.lowers_size(), 0) << step.rung_name();
  }

  request.set_target_rung(9);
  v1::Pathway ignored;
  const auto status =
      stub_->PlanPathway(As(kProgramme).get(), request, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "target_rung: 9 is outside -1..6");
}

TEST(ProgrammeRulesAtStartTest, BadRulesFileStopsTheEngineWithItsPosition) {
  TempDir dir;
  const std::string rules = dir.path() + "/bad.yaml";
  std::ofstream(rules) << "id: kz-test\nname: Test\nmax_budget_usd: -5\n";
  EngineOptions options;
  options.data_dir = dir.path() + "/data";
  options.word_vectors = testing::SyntheticWordVectors();
  options.programmes_path = rules;
  auto engine = MatchingEngine::Open(options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(engine.status().message().find("bad.yaml:3:"), std::string::npos)
      << engine.status().message();
  EXPECT_NE(engine.status().message().find("max_budget_usd"),
            std::string::npos)
      << engine.status().message();

  options.programmes_path = dir.path() + "/missing";
  engine = MatchingEngine::Open(options);
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kNotFound);

  // Without rules, screening is refused with the reason.
  options.programmes_path.clear();
  engine = MatchingEngine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  v1::Proposal p;
  p.set_id("prop:x");
  auto report = (*engine)->ScreenProposal(p);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(report.status().message().find("--programmes"), std::string::npos);
}

}  // namespace
}  // namespace helixmatch
