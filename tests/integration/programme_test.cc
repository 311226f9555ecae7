// The programme side end to end over gRPC: pre-screening proposals
// against the demo programmes' rules, and pathways (programme_fixture.h;
// the outcome loop and the autonomy guard are outcome_loop_test.cc).
#include <fstream>
#include <string>

#include "services/programmes/screening.h"
#include "tests/integration/programme_fixture.h"

namespace helixmatch::testing {
namespace {

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
  ASSERT_TRUE(stub_->BatchUpsert(As(kOperator).get(), twins, &upserted).ok());

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
  EXPECT_TRUE(
      HasWarning(*without, v1::WARNING_CODE_NO_PRIOR_INTERACTION_LARGE_BUDGET));
  EXPECT_FALSE(HasWarning(*with_history,
                          v1::WARNING_CODE_NO_PRIOR_INTERACTION_LARGE_BUDGET));
  EXPECT_GT(with_history->readiness().score(), without->readiness().score());
  EXPECT_FALSE(with_history->trust_evidence().empty());
  EXPECT_TRUE(without->trust_evidence().empty());
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
  EXPECT_NE(r.status().message().find("kz-applied-research"), std::string::npos)
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

TEST_F(ProgrammeTest, OversizedBatchStopsAtTheFirstProposalOverTheLimit) {
  v1::ScreenProposalsResponse response;
  auto context = As(kProgramme);
  auto writer = stub_->ScreenProposals(context.get(), &response);
  v1::ScreenProposalRequest item;
  *item.mutable_proposal() = Proposal("prop:ar25-wheat-trials");
  // The server answers once the 501st arrives; later writes may then fail.
  for (int i = 0; i < kMaxBatchProposals + 50; ++i) {
    if (!writer->Write(item)) break;
  }
  writer->WritesDone();
  const auto status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "proposals: more than 500 were sent (the one at position 500 is "
            "over), the limit is 500");
  EXPECT_EQ(response.reports_size(), 0);
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
  options.word_vectors = SyntheticWordVectors();
  options.programmes_path = rules;
  auto engine = MatchingEngine::Open(options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(engine.status().message().find("bad.yaml:3:"), std::string::npos)
      << engine.status().message();
  EXPECT_NE(engine.status().message().find("max_budget_usd"), std::string::npos)
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
}  // namespace helixmatch::testing
