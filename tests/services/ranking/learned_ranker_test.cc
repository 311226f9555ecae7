// The learned ranker: training is deterministic, models load or fail with
// the file and the reason named, the model orders by what it learned, and
// its contributions add up to its scores (also through the engine).
#include "services/ranking/learned_ranker.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace ::helixmatch::testing;  // NOLINT: the fixture's helpers

constexpr size_t kTrust = 8;    // column of "trust"
constexpr size_t kLexical = 2;  // column of "lexical"
constexpr size_t kCall = 15;    // column of "call_family_per_10k"

// Queries of 20 candidates each: the relevant ones are those with a high
// trust, plus noise features; some values missing.
RankingTrainingSet SyntheticSet(int queries, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> unit(0, 1);
  RankingTrainingSet set;
  for (int q = 0; q < queries; ++q) {
    set.group_sizes.push_back(20);
    for (int i = 0; i < 20; ++i) {
      std::vector<float> row(kRankingFeatureCount);
      for (auto& v : row) v = unit(rng);
      if (i % 7 == 0) row[kCall] = std::nanf("");
      set.labels.push_back(row[kTrust] > 0.8f ? 1.0f : 0.0f);
      set.rows.insert(set.rows.end(), row.begin(), row.end());
    }
  }
  return set;
}

// The model's score as its breakdown explains it: bias plus every
// feature's contribution.
double ContributionSum(const v1::ScoreBreakdown& b) {
  double sum = b.bias();
  for (const auto& c : b.contributions()) sum += c.value();
  return sum;
}

RankingTrainingParams Params() {
  RankingTrainingParams p;
  p.max_depth = 2;
  p.rounds = 20;
  p.identity = "synthetic-test-v1";
  return p;
}

std::string TrainedJson() {
  auto json = TrainRankingModel(SyntheticSet(60, 7), Params());
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : "";
}

class ModelFile {
 public:
  explicit ModelFile(const std::string& contents)
      : path_(std::filesystem::temp_directory_path() /
              ("helixmatch-model-" + std::to_string(::getpid()) + "-" +
               std::to_string(counter_++) + ".json")) {
    std::ofstream(path_) << contents;
  }
  ~ModelFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(LearnedRankerTest, TrainingIsDeterministic) {
  const RankingTrainingSet set = SyntheticSet(60, 7);
  auto a = TrainRankingModel(set, Params());
  auto b = TrainRankingModel(set, Params());
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(*a == *b);
  // Another setting gives another model (the check above is not vacuous).
  RankingTrainingParams other = Params();
  other.eta = 0.3;
  auto c = TrainRankingModel(set, other);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(*a != *c);
}

TEST(LearnedRankerTest, TrainingRejectsInconsistentSets) {
  RankingTrainingSet set = SyntheticSet(2, 1);
  set.group_sizes.back() = 3;
  auto json = TrainRankingModel(set, Params());
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(json.status().message(), HasSubstr("do not agree"));
  RankingTrainingParams unnamed = Params();
  unnamed.identity.clear();
  EXPECT_EQ(TrainRankingModel(SyntheticSet(2, 1), unnamed).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LearnedRankerTest, LoadsItsModelAndOrdersByWhatItLearned) {
  const ModelFile file(TrainedJson());
  auto ranker = LearnedRanker::LoadFile(file.path());
  ASSERT_TRUE(ranker.ok()) << ranker.status();
  EXPECT_EQ((*ranker)->identity(), "synthetic-test-v1");
  // Two candidates alike but for trust: the trusted one first, whatever
  // the noise features say.
  std::vector<float> rows(2 * kRankingFeatureCount, 0.5f);
  rows[kTrust] = 0.1f;
  rows[kLexical] = 0.9f;
  rows[kRankingFeatureCount + kTrust] = 0.95f;
  rows[kRankingFeatureCount + kLexical] = 0.1f;
  auto scores = (*ranker)->Score(rows);
  ASSERT_TRUE(scores.ok()) << scores.status();
  ASSERT_EQ(scores->size(), 2u);
  EXPECT_GT((*scores)[1], (*scores)[0]);
}

TEST(LearnedRankerTest, ContributionsAddUpToTheScore) {
  auto ranker = LearnedRanker::LoadJson(TrainedJson(), "trained");
  ASSERT_TRUE(ranker.ok()) << ranker.status();
  const RankingTrainingSet probe = SyntheticSet(3, 99);
  auto scores = (*ranker)->Score(probe.rows);
  auto contributions = (*ranker)->Contributions(probe.rows);
  ASSERT_TRUE(scores.ok());
  ASSERT_TRUE(contributions.ok());
  constexpr size_t kWidth = kRankingFeatureCount + 1;
  ASSERT_EQ(contributions->size(), scores->size() * kWidth);
  bool trust_moves = false;
  for (size_t r = 0; r < scores->size(); ++r) {
    double sum = 0;
    for (size_t f = 0; f < kWidth; ++f) sum += (*contributions)[r * kWidth + f];
    EXPECT_NEAR(sum, (*scores)[r], 1e-4) << "row " << r;
    trust_moves |= std::abs((*contributions)[r * kWidth + kTrust]) > 1e-3;
  }
  EXPECT_TRUE(trust_moves);
}

TEST(LearnedRankerTest, BadFilesAreNamedWithWhatIsWrong) {
  auto missing = LearnedRanker::LoadFile("/nonexistent/model.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("'/nonexistent/model.json': cannot open"));

  const ModelFile garbage("this is not a model");
  auto not_json = LearnedRanker::LoadFile(garbage.path());
  EXPECT_EQ(not_json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(not_json.status().message(), HasSubstr(garbage.path()));
  EXPECT_THAT(not_json.status().message(),
              HasSubstr("not an XGBoost JSON model"));

  const std::string good = TrainedJson();
  const ModelFile truncated(good.substr(0, good.size() / 2));
  auto cut = LearnedRanker::LoadFile(truncated.path());
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(cut.status().message(),
              HasSubstr("not a readable XGBoost JSON model"));

  const ModelFile anonymous(
      absl::StrReplaceAll(good, {{"\"helixmatch_model\"", "\"other\""}}));
  auto no_identity = LearnedRanker::LoadFile(anonymous.path());
  EXPECT_EQ(no_identity.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_identity.status().message(),
              HasSubstr("no 'helixmatch_model' attribute"));

  const ModelFile other_features(
      absl::StrReplaceAll(good, {{"topical_fit,dense", "fit,dense"}}));
  auto stale = LearnedRanker::LoadFile(other_features.path());
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(stale.status().message(), HasSubstr("retrain"));
}

TEST(LearnedRankerTest, FlagsNameTheDefaultNoneOrAFile) {
  auto none = LearnedRanker::FromFlag("none");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
  auto built_in = LearnedRanker::FromFlag("default");
  ASSERT_TRUE(built_in.ok()) << built_in.status();
  EXPECT_THAT((*built_in)->identity(), HasSubstr("lambdamart"));
  EXPECT_EQ(LearnedRanker::FromFlag("/nonexistent.json").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(LearnedRankerTest, FeatureRowMarksUnknownsMissing) {
  v1::ScoreBreakdown b;
  b.set_trust(0.5);
  b.set_call_family_profiles(3);
  b.add_unknown_features("proximity");
  b.add_unknown_features("tie_share");
  std::array<float, kRankingFeatureCount> row;
  RankingFeatureRow(b, 2, 6, /*catalog_profiles=*/40000, row);
  const auto& names = RankingFeatureNames();
  const auto at = [&](std::string_view name) {
    return row[static_cast<size_t>(std::find(names.begin(), names.end(), name) -
                                   names.begin())];
  };
  EXPECT_FLOAT_EQ(at("trust"), 0.5f);
  EXPECT_TRUE(std::isnan(at("proximity")));
  EXPECT_TRUE(std::isnan(at("tie_share")));
  EXPECT_TRUE(std::isnan(at("lexical_rank")));  // 0: ranked alone
  // Counts per 10,000 live profiles of the catalog; shares as they are.
  EXPECT_FLOAT_EQ(at("call_family_per_10k"), 0.75f);
  EXPECT_FLOAT_EQ(at("call_family_share"), 0.5f);
  EXPECT_FLOAT_EQ(at("matching_per_10k"), 0.5f);
  // An empty catalog counts as one profile, not a division by zero.
  RankingFeatureRow(b, 2, 6, /*catalog_profiles=*/0, row);
  EXPECT_FLOAT_EQ(at("matching_per_10k"), 20000.0f);
  EXPECT_EQ(FeatureGroup("tie_share"), "trust");
  EXPECT_EQ(FeatureGroup("call_family_share"), "call experience");
  EXPECT_EQ(FeatureGroup("matching_per_10k"), "depth");
  EXPECT_EQ(FeatureGroup("firm_partners_per_10k"), "capacity");
}

// Through the engine: the response names the model, every suggestion
// carries contributions that add up to its score, and the order follows
// the scores.
class LearnedRankingTest : public MatchingEngineTest {
 protected:
  void OpenWith(std::shared_ptr<const LearnedRanker> ranker) {
    engine_.reset();
    EngineOptions options = Options();
    options.ranker = std::move(ranker);
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
};

TEST_F(LearnedRankingTest, SuggestionsCarryContributionsThatAddUp) {
  LoadCorpus();
  auto ranker = LearnedRanker::FromFlag("default");
  ASSERT_TRUE(ranker.ok()) << ranker.status();
  const std::string identity = (*ranker)->identity();
  OpenWith(std::move(*ranker));
  v1::FirmNeed need = MakeNeed("need_call", "f_mining",
                               "Flotation cells at a copper concentrator");
  need.mutable_funding_call()->set_programme("SC5");
  need.mutable_funding_call()->set_topic("SC5-10-2019");
  Put(need);
  // Without a funding call the weighted sum ranks (the fallback).
  const auto fallback = Recommend(ForNeed("need_mining", 5));
  ASSERT_GE(fallback.suggestions_size(), 1);
  EXPECT_EQ(fallback.suggestions(0).breakdown().contributions_size(), 0);
  // ... and the answer says so: the weights ranked, not the model.
  EXPECT_THAT(fallback.model(),
              HasSubstr("; ranking cordis-2017to2018-v1 (" + identity +
                        " ranks queries that name a funding call)"));

  // f_mining has no earlier university tie yet: the model ranks its query
  // that names a call all the same (on the validation year it ranked such
  // firms above the weighted sum), with contributions that add up.
  const auto untied = Recommend(ForNeed("need_call", 5));
  EXPECT_THAT(untied.model(), HasSubstr("; ranking " + identity));
  EXPECT_THAT(untied.model(), Not(HasSubstr("cordis-2017to2018-v1")));
  ASSERT_GE(untied.suggestions_size(), 1);
  const v1::ScoreBreakdown& first = untied.suggestions(0).breakdown();
  ASSERT_EQ(first.contributions_size(), kRankingFeatureCount);
  EXPECT_NEAR(ContributionSum(first), untied.suggestions(0).score(), 1e-4);
  // With a tie, tie share is known and the model still ranks.
  Put(MakeTie("t_oil", "u_oil", "f_mining", 2020));
  const auto response = Recommend(ForNeed("need_call", 5));
  EXPECT_THAT(response.model(), HasSubstr("; ranking " + identity));
  ASSERT_GE(response.suggestions_size(), 2);
  for (int i = 0; i < response.suggestions_size(); ++i) {
    const v1::Suggestion& s = response.suggestions(i);
    ASSERT_EQ(s.breakdown().contributions_size(), kRankingFeatureCount);
    EXPECT_NEAR(ContributionSum(s.breakdown()), s.score(), 1e-4)
        << s.organization().id();
    EXPECT_GT(s.barriers_size(), 0);  // explanations as before
    if (i > 0) {
      EXPECT_LE(s.score(), response.suggestions(i - 1).score());
    }
  }
  // Explain scores the pair with the same model.
  v1::ExplainRequest explain;
  explain.set_need_id("need_call");
  explain.set_capability_id("cap_mining_1");
  auto explained = engine_->Explain(explain);
  ASSERT_TRUE(explained.ok()) << explained.status();
  EXPECT_EQ(explained->suggestion().breakdown().contributions_size(),
            kRankingFeatureCount);
  // Ranking adds the pair features to the candidates it keeps only: the
  // model and the breakdown still see what Explain computes for the pair.
  const v1::Suggestion* mining = FindSuggestion(response, "u_mining");
  ASSERT_NE(mining, nullptr);
  const v1::ScoreBreakdown& ranked = mining->breakdown();
  const v1::ScoreBreakdown& alone = explained->suggestion().breakdown();
  EXPECT_EQ(ranked.call_family_profiles(), alone.call_family_profiles());
  EXPECT_EQ(ranked.programme_profiles(), alone.programme_profiles());
  EXPECT_EQ(ranked.firm_partners(), alone.firm_partners());
  EXPECT_EQ(ranked.tie_share(), alone.tie_share());
  EXPECT_EQ(ranked.same_country(), alone.same_country());
  EXPECT_EQ(ranked.country_affinity(), alone.country_affinity());
  const auto unknown = [](const v1::ScoreBreakdown& b) {
    return std::vector<std::string>(b.unknown_features().begin(),
                                    b.unknown_features().end());
  };
  EXPECT_EQ(unknown(ranked), unknown(alone));
  EXPECT_THAT(unknown(ranked), Not(Contains("call_family_profiles")));
}

TEST_F(LearnedRankingTest, WeightedSumHasNoContributions) {
  LoadCorpus();
  const auto response = Recommend(ForNeed("need_mining", 5));
  ASSERT_GE(response.suggestions_size(), 1);
  EXPECT_THAT(response.model(), HasSubstr("; ranking cordis-2017to2018-v1"));
  EXPECT_EQ(response.suggestions(0).breakdown().contributions_size(), 0);
}

}  // namespace
}  // namespace helixmatch
