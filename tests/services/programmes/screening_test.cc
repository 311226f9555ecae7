// Screening as a plain module: ScreenProposal and ScreenProposals over a
// catalog built in memory (real vector indexes, synthetic word vectors),
// with one programme's rules read from a YAML file.
#include "services/programmes/screening.h"

#include <fstream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/profile_text.h"
#include "indexer/text_analyzer.h"
#include "services/programmes/readiness.h"
#include "services/programmes/topical_fit.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;
using testing::MakeCapability;
using testing::MakeNeed;
using testing::MakeOrganization;
using testing::MakeTie;

constexpr int kYear = 2025;

constexpr char kRules[] = R"(id: applied
name: Applied research (test)
research_kinds: [UNIVERSITY]
partner_kinds: [FIRM]
countries: [KZ]
trl: {min: 3, max: 7}
max_budget_usd: 500000
research_programme: true
conflict_organizations: [f_board]
large_budget_usd: 150000
)";

class ScreeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    { std::ofstream(dir_.path() + "/applied.yaml") << kRules; }
    auto registry = ProgrammeRegistry::Load(dir_.path() + "/applied.yaml");
    ASSERT_TRUE(registry.ok()) << registry.status();
    programmes_ = std::move(*registry);
    embedder_ = std::make_unique<GloveIdfEmbedder>(
        testing::SyntheticWordVectors(), IdfTable::Fit({}));
    const int d = embedder_->Dimension();
    catalog_ = std::make_unique<Catalog>(*VectorIndex::Create(d, 0),
                                         *VectorIndex::Create(d, 0));
    for (const char* id : {"u_mine", "u_twin", "u_empty"}) {
      catalog_->PutOrganization(
          MakeOrganization(id, v1::ORGANIZATION_KIND_UNIVERSITY));
    }
    for (const char* id : {"f_copper", "f_board"}) {
      catalog_->PutOrganization(
          MakeOrganization(id, v1::ORGANIZATION_KIND_FIRM));
    }
    for (const char* uni : {"u_mine", "u_twin"}) {
      PutCapability(MakeCapability(std::string(uni) + "_flotation", uni,
                                   "Copper ore flotation at the concentrator"));
      PutCapability(MakeCapability(std::string(uni) + "_grinding", uni,
                                   "Grinding and crushing of copper ore"));
    }
    PutNeed(MakeNeed("n_flotation", "f_copper",
                     "Flotation reagent for copper ore at the concentrator"));
    PutNeed(MakeNeed("n_wheat", "f_board", "Wheat crop irrigation"));
    // u_mine and f_copper worked together; u_twin never did.
    v1::Tie tie = MakeTie("t1", "u_mine", "f_copper", 2022,
                          v1::TIE_OUTCOME_COMPLETED, v1::CHANNEL_CONSULTANCY);
    tie.set_reference("consultancy on copper flotation reagents");
    catalog_->PutTie(tie);
  }

  void PutCapability(const v1::CapabilityProfile& c) {
    ASSERT_TRUE(
        catalog_
            ->PutCapability(c, embedder_->Embed(Tokenize(CapabilityText(c))))
            .ok());
  }
  void PutNeed(const v1::FirmNeed& n) {
    ASSERT_TRUE(
        catalog_->PutNeed(n, embedder_->Embed(Tokenize(NeedText(n)))).ok());
  }

  ScreeningContext Context() const {
    return {*catalog_, *embedder_, programmes_, weights_, kYear};
  }

  static v1::Proposal Proposal(const std::string& id,
                               const std::string& university) {
    v1::Proposal p;
    p.set_id(id);
    p.set_programme_id("applied");
    p.set_university_id(university);
    p.set_firm_id("f_copper");
    p.set_title("Copper flotation reagent optimisation at the concentrator");
    p.set_budget_usd(100000);
    p.add_channels(v1::CHANNEL_CONTRACT_RESEARCH);
    p.mutable_trl()->set_min(4);
    p.mutable_trl()->set_max(6);
    return p;
  }

  static bool HasWarning(const v1::ScreeningReport& r, v1::WarningCode code) {
    for (const auto& w : r.warnings()) {
      if (w.code() == code) return true;
    }
    return false;
  }

  testing::TempDir dir_;
  ProgrammeRegistry programmes_;
  std::unique_ptr<Embedder> embedder_;
  std::unique_ptr<Catalog> catalog_;
  RankingWeights weights_;
};

TEST_F(ScreeningTest, SoundProposalIsEligibleAndItsReadinessAddsUp) {
  auto report = ScreenProposal(Context(), Proposal("p1", "u_mine"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->eligible());
  for (const auto& rule : report->rules())
    EXPECT_TRUE(rule.passed()) << rule.rule();
  EXPECT_EQ(report->fit().firm_need().id(), "n_flotation");
  EXPECT_GE(report->fit().university_fit(), kWeakFit);
  EXPECT_EQ(report->fit().total_profiles(), 2);
  EXPECT_EQ(report->barriers_size(), 12);
  EXPECT_THAT(report->fit().evidence_terms(), ::testing::Contains("flotation"));
  EXPECT_FALSE(HasWarning(*report, v1::WARNING_CODE_WEAK_TOPICAL_FIT));
  // Eligible without conflicts: the score is the weighted sum of the
  // components, and the band follows it.
  const auto& r = report->readiness();
  double sum = 0;
  for (const auto& c : r.components()) sum += c.value() * c.weight();
  EXPECT_NEAR(r.score(), sum, 1e-9);
  EXPECT_EQ(r.band(), r.score() >= kReadyBand    ? "ready"
                      : r.score() >= kReviewBand ? "review with care"
                                                 : "not ready");
}

TEST_F(ScreeningTest, HistoryRaisesTrustAndShortensThePathway) {
  auto known = ScreenProposal(Context(), Proposal("p1", "u_mine"));
  auto stranger = ScreenProposal(Context(), Proposal("p2", "u_twin"));
  ASSERT_TRUE(known.ok() && stranger.ok());
  EXPECT_NEAR(known->fit().university_fit(), stranger->fit().university_fit(),
              1e-9);
  EXPECT_LT(known->pathway().steps_size(), stranger->pathway().steps_size());
  EXPECT_GT(known->readiness().score(), stranger->readiness().score());
  EXPECT_TRUE(HasWarning(*stranger, v1::WARNING_CODE_LADDER_JUMP));
  EXPECT_FALSE(HasWarning(*known, v1::WARNING_CODE_LADDER_JUMP));
  ASSERT_GT(known->similar_size(), 0);
  EXPECT_TRUE(known->similar(0).same_pair());
  EXPECT_EQ(known->trust_evidence_size(), 1);
}

TEST_F(ScreeningTest, BudgetOverTheLimitFailsOneRuleAndCapsReadiness) {
  v1::Proposal p = Proposal("p1", "u_mine");
  p.set_budget_usd(780000);
  auto report = ScreenProposal(Context(), p);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->eligible());
  int failed = 0;
  for (const auto& rule : report->rules()) {
    if (rule.passed()) continue;
    ++failed;
    EXPECT_EQ(rule.rule(), "max_budget_usd");
    EXPECT_THAT(rule.detail(), HasSubstr("780000"));
  }
  EXPECT_EQ(failed, 1);
  EXPECT_LE(report->readiness().score(), kIneligibleCap);
  EXPECT_EQ(report->readiness().band(), "not ready");
  // The pair has history: no warning about a large first budget.
  EXPECT_FALSE(
      HasWarning(*report, v1::WARNING_CODE_NO_PRIOR_INTERACTION_LARGE_BUDGET));
}

TEST_F(ScreeningTest, BoardMemberIsAConflictThatCapsReadiness) {
  v1::Proposal p = Proposal("p1", "u_mine");
  p.set_firm_id("f_board");
  auto report = ScreenProposal(Context(), p);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->conflicts_size(), 1);
  EXPECT_EQ(report->conflicts(0).kind(), "board_member");
  EXPECT_LE(report->readiness().score(), kConflictCap);
}

TEST_F(ScreeningTest, UniversityWithoutProfilesStillGetsEveryBarrier) {
  auto report = ScreenProposal(Context(), Proposal("p1", "u_empty"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->barriers_size(), 12);
  EXPECT_EQ(report->fit().total_profiles(), 0);
  EXPECT_EQ(report->fit().university_fit(), 0);
  EXPECT_TRUE(HasWarning(*report, v1::WARNING_CODE_THIN_UNIVERSITY_CAPACITY));
  EXPECT_TRUE(HasWarning(*report, v1::WARNING_CODE_WEAK_TOPICAL_FIT));
}

TEST_F(ScreeningTest, BadProposalsNameTheField) {
  v1::Proposal p = Proposal("p1", "u_mine");
  p.set_need_id("n_wheat");  // a need of another firm
  auto report = ScreenProposal(Context(), p);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("proposal.need_id"));

  p = Proposal("p1", "u_mine");
  p.set_programme_id("unknown");
  report = ScreenProposal(Context(), p);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(report.status().message(), HasSubstr("loaded: applied"));

  p = Proposal("p1", "u_nobody");
  report = ScreenProposal(Context(), p);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(report.status().message(), HasSubstr("proposal.university_id"));

  p = Proposal("p1", "u_mine");
  p.set_title("");
  EXPECT_EQ(ScreenProposal(Context(), p).status().code(),
            absl::StatusCode::kInvalidArgument);

  const ProgrammeRegistry none;
  const ScreeningContext without{*catalog_, *embedder_, none, weights_, kYear};
  EXPECT_EQ(ScreenProposal(without, Proposal("p1", "u_mine")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ScreeningTest, BatchRanksFlagsTheSamePairAndReportsBadOnes) {
  std::vector<v1::Proposal> batch = {Proposal("a", "u_twin"),
                                     Proposal("b", "u_mine"),
                                     Proposal("c", "u_mine")};
  v1::Proposal over = Proposal("d", "u_empty");
  over.set_budget_usd(900000);
  batch.push_back(over);
  batch.push_back(Proposal("a", "u_mine"));  // duplicate id
  auto response = ScreenProposals(Context(), batch);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->rejected_size(), 1);
  EXPECT_EQ(response->rejected(0).position(), 4);
  EXPECT_THAT(response->rejected(0).message(), HasSubstr("duplicate id 'a'"));
  ASSERT_EQ(response->reports_size(), 4);
  for (int i = 0; i < response->reports_size(); ++i) {
    const auto& r = response->reports(i);
    EXPECT_EQ(r.rank(), i + 1);
    const bool same_pair = r.proposal_id() == "b" || r.proposal_id() == "c";
    bool flagged = false;
    for (const auto& c : r.conflicts()) {
      flagged |= c.kind() == "same_pair_in_batch";
    }
    EXPECT_EQ(flagged, same_pair) << r.proposal_id();
    if (same_pair) {
      EXPECT_LE(r.readiness().score(), kConflictCap);
    }
  }
  // Eligible first: the ineligible one is last.
  EXPECT_EQ(response->reports(3).proposal_id(), "d");
  EXPECT_FALSE(response->reports(3).eligible());

  EXPECT_EQ(ScreenProposals(Context(), {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace helixmatch
