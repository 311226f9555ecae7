// Our evaluation of the learned ranker's trees against XGBoost's own: the
// same scores (predict) and the same per-feature contributions
// (pred_contribs, exact tree SHAP) for the shipped default model and for
// deeper trees fitted here, on rows with missing values; and models we do
// not read are refused with the tree and field named.
#include "services/ranking/tree_ensemble.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/ranking/default_ranking_model.h"
#include "services/ranking/learned_ranker.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;

constexpr int kColumns = kRankingFeatureCount;

// Rows of kColumns values on several scales (the model's features range
// from shares to counts), one value in five missing.
std::vector<float> Rows(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> unit(0, 1);
  std::vector<float> rows(static_cast<size_t>(n) * kColumns);
  for (size_t i = 0; i < rows.size(); ++i) {
    const float scale = std::pow(10.0f, static_cast<float>(i % 4) - 1);
    rows[i] = unit(rng) < 0.2f ? std::numeric_limits<float>::quiet_NaN()
                               : unit(rng) * scale * 3;
  }
  return rows;
}

// XGBoost's outputs for `rows`: type 0 (margin) or 2 (contributions).
std::vector<float> XgboostPredict(const std::string& json,
                                  const std::vector<float>& rows, int type) {
  BoosterHandle booster = nullptr;
  DMatrixHandle matrix = nullptr;
  EXPECT_EQ(XGBoosterCreate(nullptr, 0, &booster), 0);
  EXPECT_EQ(XGBoosterLoadModelFromBuffer(booster, json.data(), json.size()), 0);
  const bst_ulong n = rows.size() / kColumns;
  EXPECT_EQ(
      XGDMatrixCreateFromMat(rows.data(), n, kColumns,
                             std::numeric_limits<float>::quiet_NaN(), &matrix),
      0);
  const std::string config =
      "{\"type\": " + std::to_string(type) +
      ", \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
      "\"strict_shape\": false}";
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* result = nullptr;
  EXPECT_EQ(XGBoosterPredictFromDMatrix(booster, matrix, config.c_str(), &shape,
                                        &dims, &result),
            0);
  const size_t width = type == 0 ? 1 : kColumns + 1;
  std::vector<float> out(result, result + n * width);
  XGDMatrixFree(matrix);
  XGBoosterFree(booster);
  return out;
}

void ExpectSameAsXgboost(const std::string& json, uint32_t seed) {
  auto trees = TreeEnsemble::FromXgboostJson(json, kColumns);
  ASSERT_TRUE(trees.ok()) << trees.status();
  const std::vector<float> rows = Rows(300, seed);
  const std::vector<float> margins = XgboostPredict(json, rows, 0);
  const std::vector<float> contributions = XgboostPredict(json, rows, 2);
  constexpr size_t kWidth = kColumns + 1;
  std::vector<float> ours(kWidth);
  double largest = 0;
  for (size_t r = 0; r < margins.size(); ++r) {
    const std::span<const float> row(rows.data() + r * kColumns, kColumns);
    EXPECT_FLOAT_EQ(trees->Score(row), margins[r]) << "row " << r;
    trees->Contributions(row, ours);
    for (size_t f = 0; f < kWidth; ++f) {
      const float theirs = contributions[r * kWidth + f];
      EXPECT_NEAR(ours[f], theirs, 1e-4 + 1e-4 * std::abs(theirs))
          << "row " << r << " column " << f;
      largest = std::max(largest, static_cast<double>(std::abs(theirs)));
    }
  }
  EXPECT_GT(largest, 0.01) << "rows that move no feature test nothing";
}

TEST(TreeEnsembleTest, TheDefaultModelScoresAndExplainsAsXgboostDoes) {
  ExpectSameAsXgboost(std::string(kDefaultRankingModelJson), 5);
}

TEST(TreeEnsembleTest, DeeperTreesScoreAndExplainAsXgboostDoes) {
  // Depth 6, so that paths split on one feature more than once.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> unit(0, 1);
  RankingTrainingSet set;
  set.rows = Rows(2000, 17);
  for (int q = 0; q < 100; ++q) set.group_sizes.push_back(20);
  for (int i = 0; i < 2000; ++i) {
    const float a = set.rows[static_cast<size_t>(i) * kColumns + 3];
    const float b = set.rows[static_cast<size_t>(i) * kColumns + 8];
    set.labels.push_back((a > 0.5f && !(b > 2.0f)) || unit(rng) < 0.05f ? 1.0f
                                                                        : 0.0f);
  }
  RankingTrainingParams params;
  params.max_depth = 6;
  params.rounds = 30;
  params.identity = "deep-test";
  auto json = TrainRankingModel(set, params);
  ASSERT_TRUE(json.ok()) << json.status();
  ExpectSameAsXgboost(*json, 23);
}

TEST(TreeEnsembleTest, ModelsItCannotReadAreRefusedWithThePlaceNamed) {
  EXPECT_THAT(
      std::string(
          TreeEnsemble::FromXgboostJson("[1, 2", kColumns).status().message()),
      HasSubstr("not JSON"));
  EXPECT_THAT(
      std::string(TreeEnsemble::FromXgboostJson("{\"learner\": {}}", kColumns)
                      .status()
                      .message()),
      HasSubstr("not a gbtree model"));
  std::string json(kDefaultRankingModelJson);
  // The first tree's first split on a column the rows do not have.
  const std::string from = "\"split_indices\":[";
  const size_t at = json.find(from);
  ASSERT_NE(at, std::string::npos);
  json.insert(at + from.size(), "99");
  json.erase(
      at + from.size() + 2,
      json.find_first_of(",]", at + from.size() + 2) - (at + from.size() + 2));
  const auto bad = TreeEnsemble::FromXgboostJson(json, kColumns);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("trees[0].node 0"));
}

}  // namespace
}  // namespace helixmatch
