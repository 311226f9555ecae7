// The learned ranker: a LambdaMART model (gradient-boosted trees with the
// rank:ndcg objective, XGBoost 1.7) over the ranking features of one
// candidate organization. It re-ranks the best candidates of the weighted
// sum (RankCandidates) and explains its scores by each feature's exact
// contribution (tree SHAP).
//
// A model file is XGBoost's JSON model with two attributes written by
// TrainRankingModel: "helixmatch_model" (the identity responses report,
// e.g. "cordis-lambdamart-2015to2018-v4") and "helixmatch_features" (the
// feature names, comma-separated, which must equal RankingFeatureNames()).
//
// XGBoost reads and checks a model when it is loaded; queries then run on
// our own evaluation of its trees (TreeEnsemble), which gives XGBoost's
// figures without its per-call matrix and lock.
//
// Thread safety: a LearnedRanker is immutable once loaded; Score and
// Contributions may be called from any thread.
#ifndef HELIXMATCH_SERVICES_RANKING_LEARNED_RANKER_H_
#define HELIXMATCH_SERVICES_RANKING_LEARNED_RANKER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "services/ranking/tree_ensemble.h"

namespace helixmatch {

inline constexpr int kRankingFeatureCount = 21;

// The model's inputs, in column order. Each is a ScoreBreakdown field or
// Suggestion count, or derived from them: shares ("call_family_share" =
// call_family_profiles / total_profiles, "programme_share" likewise) and
// counts per 10,000 live profiles of the catalog ("matching_per_10k" from
// matching_profiles, "firm_partners_per_10k", "call_family_per_10k",
// "programme_per_10k"). Raw counts grow with the catalog: a model fitted
// on years whose catalog held 0.5k-22k profiles and applied to one of 40k
// would read them on another scale (2018 validation: nDCG@10 0.1602 per
// 10k against 0.1589 raw; bench/README.md, "Counts per catalog size").
const std::array<std::string_view, kRankingFeatureCount>& RankingFeatureNames();

// Writes the model's inputs for one suggestion into `row` (one float per
// RankingFeatureNames() entry); features named in unknown_features, and
// lexical_rank 0, become NaN (XGBoost's "missing"). `catalog_profiles`:
// the live profiles of the searched kind the asker may see (the catalog
// the counts were made over; 0 counts as 1).
void RankingFeatureRow(const v1::ScoreBreakdown& breakdown,
                       int matching_profiles, int total_profiles,
                       int64_t catalog_profiles,
                       std::span<float, kRankingFeatureCount> row);

// The explanation group of a model feature, in the words the breakdown
// uses: "fit", "depth", "trust", "proximity", "capacity", "activity",
// "call experience", "benefit alignment".
std::string_view FeatureGroup(std::string_view feature);

class LearnedRanker {
 public:
  // Candidates of the weighted sum the model re-ranks per query. Chosen
  // on the validation year (CORDIS 2018, model fitted on 2015-2017):
  // nDCG@10 0.1589 at 30, 0.1584 at 50, 0.1566 at 70, 0.1562 at 100,
  // 0.1555 at 200 (bench/README.md, "Re-ranking depth").
  static constexpr int kRerankDepth = 30;
  // Rows per query the model is fitted on (eval_cordis --dump-features):
  // the weighted sum's top 100, deeper than it re-ranks, so that it also
  // learns from the candidates the weighted sum places too low.
  static constexpr int kTrainingDepth = 100;

  // Reads a model file. Errors name `path` and what is wrong: NOT_FOUND
  // (no such file), INVALID_ARGUMENT (not an XGBoost model, no identity
  // attribute, other features than RankingFeatureNames(), not a ranking
  // objective).
  static absl::StatusOr<std::unique_ptr<LearnedRanker>> LoadFile(
      const std::string& path);
  // The same from a model held in memory; `source` names it in errors.
  static absl::StatusOr<std::unique_ptr<LearnedRanker>> LoadJson(
      std::string_view json, std::string_view source);
  // The default model shipped in data/ranking/ and built into the binary.
  static absl::StatusOr<std::unique_ptr<LearnedRanker>> LoadDefault();

  // What a --ranking-model flag names: "default" (LoadDefault), "none"
  // (null: the weighted sum) or a model file (LoadFile).
  static absl::StatusOr<std::shared_ptr<const LearnedRanker>> FromFlag(
      const std::string& flag);

  LearnedRanker(const LearnedRanker&) = delete;
  LearnedRanker& operator=(const LearnedRanker&) = delete;
  ~LearnedRanker() = default;

  const std::string& identity() const { return identity_; }

  // One score (margin) per row of `rows` (rows.size() a multiple of
  // kRankingFeatureCount, row-major). Higher is better.
  absl::StatusOr<std::vector<float>> Score(std::span<const float> rows) const;
  // Per row kRankingFeatureCount + 1 values: each feature's contribution,
  // then the bias; they add up to the row's Score (up to float rounding).
  absl::StatusOr<std::vector<float>> Contributions(
      std::span<const float> rows) const;

 private:
  LearnedRanker(TreeEnsemble trees, std::string identity);
  absl::Status CheckRows(std::span<const float> rows) const;

  const TreeEnsemble trees_;
  const std::string identity_;
};

// What TrainRankingModel fits. Deterministic: the same rows and
// parameters give the same model bytes (one thread, fixed seed, exact
// greedy splits, no sampling).
struct RankingTrainingSet {
  std::vector<float> rows;            // n x kRankingFeatureCount, row-major
  std::vector<float> labels;          // n: 1 relevant, 0 not
  std::vector<unsigned> group_sizes;  // rows per query, in row order
};

struct RankingTrainingParams {
  int max_depth = 3;
  double eta = 0.1;
  int rounds = 100;
  double min_child_weight = 1;
  double lambda = 1;
  int seed = 13;
  std::string identity;  // required: the helixmatch_model attribute
};

// Trains a LambdaMART model (rank:ndcg) and returns its JSON. Errors:
// INVALID_ARGUMENT for inconsistent sizes or an empty identity; INTERNAL
// with XGBoost's message.
absl::StatusOr<std::string> TrainRankingModel(
    const RankingTrainingSet& set, const RankingTrainingParams& params);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_RANKING_LEARNED_RANKER_H_
