// Gradient-boosted trees evaluated in process, without XGBoost: the
// learned ranker's trees read once from an XGBoost JSON model, then a
// score per row and each feature's exact contribution (tree SHAP: Lundberg,
// Erion and Lee, "Consistent individualized feature attribution for tree
// ensembles", 2018, algorithm 2), computed as XGBoost 1.7 does for
// pred_contribs (node covers from sum_hessian, the bias as the trees'
// expected values plus base_score).
//
// Why not XGBoost at query time: each XGBoost call builds a DMatrix and
// takes a lock, which cost about 0.7 ms per Recommend and serialized the
// server's threads (bench/README.md, "The learned ranker without XGBoost at
// query time"). XGBoost still fits the models, reads them first (checks),
// and is the tests' reference for these figures.
//
// Thread safety: immutable once built; Score and Contributions allocate
// nothing and may run on any thread.
#ifndef HELIXMATCH_SERVICES_RANKING_TREE_ENSEMBLE_H_
#define HELIXMATCH_SERVICES_RANKING_TREE_ENSEMBLE_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace helixmatch {

class TreeEnsemble {
 public:
  // The trees of an XGBoost JSON model (gbtree, numerical splits, one
  // output) over `features` columns. INVALID_ARGUMENT naming the tree and
  // field for anything else.
  static absl::StatusOr<TreeEnsemble> FromXgboostJson(std::string_view json,
                                                      int features);

  int features() const { return features_; }
  // The model's margin for one row of features() values (NaN: missing).
  float Score(std::span<const float> row) const;
  // features() + 1 values into `out`: each feature's contribution, then
  // the bias; they add up to Score(row) up to rounding.
  void Contributions(std::span<const float> row, std::span<float> out) const;

 private:
  struct Node {
    int32_t left = -1;  // -1: a leaf
    int32_t right = -1;
    int32_t feature = 0;
    bool missing_left = true;
    float threshold = 0;  // goes left when value < threshold
    float value = 0;      // a leaf's value
    double cover = 0;     // sum of hessians that reached the node
  };
  struct Tree {
    std::vector<Node> nodes;
    double expected = 0;  // the cover-weighted mean of its leaves
    int depth = 0;
    // Its split nodes, in node order: bit i of a row's route is 1 when the
    // row goes right at split_nodes[i].
    std::vector<int32_t> split_nodes;
    // A small tree's contributions depend on the row only through its
    // route: precomputed for every route, `features` values each (the
    // distinct features it splits on).
    std::vector<int32_t> features;
    std::vector<double> by_route;  // empty: computed per row
  };
  // Trees with up to this many split nodes get a table (2^n routes).
  static constexpr size_t kMaxTabledSplits = 10;

  int32_t Next(const Node& node, std::span<const float> row) const;
  // Tree SHAP over `tree` with the direction at each split node given
  // (right[node] != 0: the row goes right), adding to phi.
  static void Shap(const Tree& tree, const uint8_t* right, int32_t node,
                   int depth, struct ShapPathElement* parent_path,
                   double parent_zero, double parent_one, int parent_feature,
                   std::span<double> phi);
  static void ShapOfRoute(const Tree& tree, const uint8_t* right,
                          std::span<double> phi);

  int features_ = 0;
  float base_score_ = 0;
  std::vector<Tree> trees_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_RANKING_TREE_ENSEMBLE_H_
