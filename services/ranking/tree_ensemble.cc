#include "services/ranking/tree_ensemble.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace helixmatch {

// One step of a path in tree SHAP: the feature split on, the share of the
// cover that goes this way (zero), whether the row goes this way (one),
// and the path's weight.
struct ShapPathElement {
  int feature = -1;
  double zero = 0;
  double one = 0;
  double weight = 0;
};

namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

const Value* Field(const Struct& object, const std::string& name) {
  const auto it = object.fields().find(name);
  return it == object.fields().end() ? nullptr : &it->second;
}

const Struct* Object(const Struct& object, const std::string& name) {
  const Value* v = Field(object, name);
  return v != nullptr && v->has_struct_value() ? &v->struct_value() : nullptr;
}

const ListValue* List(const Struct& object, const std::string& name) {
  const Value* v = Field(object, name);
  return v != nullptr && v->has_list_value() ? &v->list_value() : nullptr;
}

// Adds a step to `path` (of `depth` + 1 elements before): algorithm 2's
// EXTEND.
void Extend(ShapPathElement* path, int depth, double zero, double one,
            int feature) {
  path[depth] = {feature, zero, one, depth == 0 ? 1.0 : 0.0};
  for (int i = depth - 1; i >= 0; --i) {
    path[i + 1].weight += one * path[i].weight * (i + 1) / (depth + 1);
    path[i].weight = zero * path[i].weight * (depth - i) / (depth + 1);
  }
}

// Removes step `index` from `path` (depth + 1 elements): UNWIND.
void Unwind(ShapPathElement* path, int depth, int index) {
  const double one = path[index].one;
  const double zero = path[index].zero;
  double next = path[depth].weight;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double previous = path[i].weight;
      path[i].weight = next * (depth + 1) / ((i + 1) * one);
      next = previous - path[i].weight * zero * (depth - i) / (depth + 1);
    } else {
      path[i].weight = path[i].weight * (depth + 1) / (zero * (depth - i));
    }
  }
  for (int i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero = path[i + 1].zero;
    path[i].one = path[i + 1].one;
  }
}

// The total weight of `path` were step `index` unwound, without changing
// it.
double UnwoundSum(const ShapPathElement* path, int depth, int index) {
  const double one = path[index].one;
  const double zero = path[index].zero;
  double next = path[depth].weight;
  double total = 0;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double share = next * (depth + 1) / ((i + 1) * one);
      total += share;
      next = path[i].weight - share * zero * (depth - i) / (depth + 1);
    } else if (zero != 0) {
      total += path[i].weight / zero /
               (static_cast<double>(depth - i) / (depth + 1));
    }
  }
  return total;
}

}  // namespace

absl::StatusOr<TreeEnsemble> TreeEnsemble::FromXgboostJson(
    std::string_view json, int features) {
  const auto invalid = [](std::string_view what) {
    return absl::InvalidArgumentError(std::string(what));
  };
  Struct root;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (auto s = google::protobuf::util::JsonStringToMessage(std::string(json),
                                                           &root, options);
      !s.ok()) {
    return invalid(absl::StrCat("not JSON: ", s.message().as_string()));
  }
  const Struct* learner = Object(root, "learner");
  const Struct* booster =
      learner != nullptr ? Object(*learner, "gradient_booster") : nullptr;
  const Struct* model =
      booster != nullptr ? Object(*booster, "model") : nullptr;
  const ListValue* trees = model != nullptr ? List(*model, "trees") : nullptr;
  const Struct* param =
      learner != nullptr ? Object(*learner, "learner_model_param") : nullptr;
  if (trees == nullptr || param == nullptr) {
    return invalid(
        "no learner.gradient_booster.model.trees or "
        "learner.learner_model_param (not a gbtree model)");
  }
  const Value* base = Field(*param, "base_score");
  float base_score = 0;
  if (base == nullptr || !base->has_string_value() ||
      !absl::SimpleAtof(base->string_value(), &base_score)) {
    return invalid("learner_model_param.base_score: not a number");
  }
  TreeEnsemble ensemble;
  ensemble.features_ = features;
  ensemble.base_score_ = base_score;
  for (int t = 0; t < trees->values_size(); ++t) {
    const std::string at = absl::StrCat("trees[", t, "].");
    if (!trees->values(t).has_struct_value()) {
      return invalid(absl::StrCat(at, ": not an object"));
    }
    const Struct& tree = trees->values(t).struct_value();
    const ListValue* left = List(tree, "left_children");
    const ListValue* right = List(tree, "right_children");
    const ListValue* index = List(tree, "split_indices");
    const ListValue* condition = List(tree, "split_conditions");
    const ListValue* missing_left = List(tree, "default_left");
    const ListValue* cover = List(tree, "sum_hessian");
    const ListValue* type = List(tree, "split_type");
    if (left == nullptr || right == nullptr || index == nullptr ||
        condition == nullptr || missing_left == nullptr || cover == nullptr) {
      return invalid(absl::StrCat(
          at,
          "left_children, right_children, split_indices, "
          "split_conditions, default_left or sum_hessian is missing"));
    }
    const int n = left->values_size();
    if (n == 0 || right->values_size() != n || index->values_size() != n ||
        condition->values_size() != n || missing_left->values_size() != n ||
        cover->values_size() != n ||
        (type != nullptr && type->values_size() != n)) {
      return invalid(absl::StrCat(at, "its node arrays differ in length"));
    }
    Tree out;
    out.nodes.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      Node& node = out.nodes[static_cast<size_t>(i)];
      node.left = static_cast<int32_t>(left->values(i).number_value());
      node.right = static_cast<int32_t>(right->values(i).number_value());
      node.feature = static_cast<int32_t>(index->values(i).number_value());
      node.missing_left = missing_left->values(i).number_value() != 0;
      node.cover = static_cast<float>(cover->values(i).number_value());
      const auto c = static_cast<float>(condition->values(i).number_value());
      const bool leaf = node.left < 0;
      if (leaf) {
        node.value = c;
        continue;
      }
      node.threshold = c;
      if (type != nullptr && type->values(i).number_value() != 0) {
        return invalid(absl::StrCat(at, "node ", i,
                                    ": a categorical split (only numerical "
                                    "splits are read)"));
      }
      if (node.left <= i || node.left >= n || node.right <= i ||
          node.right >= n || node.feature < 0 || node.feature >= features) {
        return invalid(absl::StrCat(at, "node ", i,
                                    ": a child or feature index out of range"));
      }
    }
    // Expected values and depth, children before parents (children have
    // higher indices).
    std::vector<double> mean(static_cast<size_t>(n));
    std::vector<int> depth(static_cast<size_t>(n), 0);
    for (int i = n - 1; i >= 0; --i) {
      const Node& node = out.nodes[static_cast<size_t>(i)];
      if (node.left < 0) {
        mean[static_cast<size_t>(i)] = node.value;
        continue;
      }
      const auto l = static_cast<size_t>(node.left);
      const auto r = static_cast<size_t>(node.right);
      mean[static_cast<size_t>(i)] =
          node.cover > 0
              ? (mean[l] * out.nodes[l].cover + mean[r] * out.nodes[r].cover) /
                    node.cover
              : 0;
      depth[static_cast<size_t>(i)] = 1 + std::max(depth[l], depth[r]);
    }
    out.expected = mean[0];
    out.depth = depth[0];
    for (int i = 0; i < n; ++i) {
      const Node& node = out.nodes[static_cast<size_t>(i)];
      if (node.left < 0) continue;
      out.split_nodes.push_back(i);
      if (std::find(out.features.begin(), out.features.end(), node.feature) ==
          out.features.end()) {
        out.features.push_back(node.feature);
      }
    }
    if (out.split_nodes.size() <= kMaxTabledSplits) {
      const size_t routes = size_t{1} << out.split_nodes.size();
      out.by_route.resize(routes * out.features.size());
      std::vector<uint8_t> right(static_cast<size_t>(n));
      std::vector<double> phi(static_cast<size_t>(features));
      for (size_t route = 0; route < routes; ++route) {
        for (size_t b = 0; b < out.split_nodes.size(); ++b) {
          right[static_cast<size_t>(out.split_nodes[b])] = (route >> b) & 1;
        }
        std::fill(phi.begin(), phi.end(), 0.0);
        ShapOfRoute(out, right.data(), phi);
        for (size_t j = 0; j < out.features.size(); ++j) {
          out.by_route[route * out.features.size() + j] =
              phi[static_cast<size_t>(out.features[j])];
        }
      }
    }
    ensemble.trees_.push_back(std::move(out));
  }
  return ensemble;
}

int32_t TreeEnsemble::Next(const Node& node, std::span<const float> row) const {
  const float value = row[static_cast<size_t>(node.feature)];
  if (std::isnan(value)) return node.missing_left ? node.left : node.right;
  return value < node.threshold ? node.left : node.right;
}

float TreeEnsemble::Score(std::span<const float> row) const {
  // In XGBoost's order: base_score first, then the trees one by one.
  float sum = base_score_;
  for (const Tree& tree : trees_) {
    int32_t at = 0;
    while (tree.nodes[static_cast<size_t>(at)].left >= 0) {
      at = Next(tree.nodes[static_cast<size_t>(at)], row);
    }
    sum += tree.nodes[static_cast<size_t>(at)].value;
  }
  return sum;
}

// Algorithm 2's RECURSE, as XGBoost runs it: `parent_path` holds `depth`
// + 1 steps; this node's path is written just after it.
void TreeEnsemble::Shap(const Tree& tree, const uint8_t* right, int32_t at,
                        int depth, ShapPathElement* parent_path,
                        double parent_zero, double parent_one,
                        int parent_feature, std::span<double> phi) {
  ShapPathElement* path = parent_path + depth + 1;
  std::copy(parent_path, parent_path + depth + 1, path);
  Extend(path, depth, parent_zero, parent_one, parent_feature);
  const Node& node = tree.nodes[static_cast<size_t>(at)];
  if (node.left < 0) {
    for (int i = 1; i <= depth; ++i) {
      const double w = UnwoundSum(path, depth, i);
      phi[static_cast<size_t>(path[i].feature)] +=
          w * (path[i].one - path[i].zero) * node.value;
    }
    return;
  }
  const int32_t hot = right[at] != 0 ? node.right : node.left;
  const int32_t cold = hot == node.left ? node.right : node.left;
  const double hot_zero =
      node.cover > 0 ? tree.nodes[static_cast<size_t>(hot)].cover / node.cover
                     : 0;
  const double cold_zero =
      node.cover > 0 ? tree.nodes[static_cast<size_t>(cold)].cover / node.cover
                     : 0;
  double incoming_zero = 1, incoming_one = 1;
  // A feature split on before: undo that step, to redo it here.
  int index = 0;
  for (; index <= depth; ++index) {
    if (path[index].feature == node.feature) break;
  }
  if (index != depth + 1) {
    incoming_zero = path[index].zero;
    incoming_one = path[index].one;
    Unwind(path, depth, index);
    depth -= 1;
  }
  Shap(tree, right, hot, depth + 1, path, hot_zero * incoming_zero,
       incoming_one, node.feature, phi);
  Shap(tree, right, cold, depth + 1, path, cold_zero * incoming_zero, 0,
       node.feature, phi);
}

// One tree's contributions for the route `right` (per node), into phi.
void TreeEnsemble::ShapOfRoute(const Tree& tree, const uint8_t* right,
                               std::span<double> phi) {
  if (tree.nodes.size() <= 1) return;
  thread_local std::vector<ShapPathElement> paths;
  // Steps of every path from the root to a leaf, each a copy of its
  // parent's plus one: (d + 2)(d + 3) / 2 for a tree of depth d.
  const auto steps =
      static_cast<size_t>((tree.depth + 2) * (tree.depth + 3) / 2);
  if (paths.size() < steps) paths.resize(steps);
  Shap(tree, right, 0, 0, paths.data(), 1, 1, -1, phi);
}

void TreeEnsemble::Contributions(std::span<const float> row,
                                 std::span<float> out) const {
  thread_local std::vector<double> phi;
  thread_local std::vector<uint8_t> right;
  phi.assign(static_cast<size_t>(features_) + 1, 0.0);
  const std::span<double> feature_phi(phi.data(),
                                      static_cast<size_t>(features_));
  for (const Tree& tree : trees_) {
    phi[static_cast<size_t>(features_)] += tree.expected;
    if (!tree.by_route.empty()) {
      size_t route = 0;
      for (size_t i = 0; i < tree.split_nodes.size(); ++i) {
        const Node& node = tree.nodes[static_cast<size_t>(tree.split_nodes[i])];
        if (Next(node, row) == node.right) route |= size_t{1} << i;
      }
      const double* values =
          tree.by_route.data() + route * tree.features.size();
      for (size_t j = 0; j < tree.features.size(); ++j) {
        feature_phi[static_cast<size_t>(tree.features[j])] += values[j];
      }
      continue;
    }
    right.assign(tree.nodes.size(), 0);
    for (const int32_t at : tree.split_nodes) {
      const Node& node = tree.nodes[static_cast<size_t>(at)];
      right[static_cast<size_t>(at)] = Next(node, row) == node.right ? 1 : 0;
    }
    ShapOfRoute(tree, right.data(), feature_phi);
  }
  phi[static_cast<size_t>(features_)] += base_score_;
  for (size_t i = 0; i < phi.size() && i < out.size(); ++i) {
    out[i] = static_cast<float>(phi[i]);
  }
}

}  // namespace helixmatch
