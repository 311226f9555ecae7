// Fits the learned ranker (LambdaMART, XGBoost rank:ndcg) on feature rows
// that eval_cordis --dump-features wrote for earlier years, picks the
// hyperparameters by nDCG@10 on a validation year, refits on training and
// validation together with them and writes the model (atomically).
//
//   train_ranker --train 2015.tsv 2016.tsv 2017.tsv --validation 2018.tsv
//                --out MODEL.json --identity cordis-lambdamart-2015to2018-v4
//                [--depths 2,3] [--etas 0.05,0.1] [--rounds 100]
//
// nDCG@10 here is over each query's dumped rows (the weighted sum's top
// 100), queries without a relevant row left out: a figure to compare
// settings by, not the evaluation's. Prints one line per setting and,
// last, one JSON object with the choice.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "services/ranking/learned_ranker.h"

namespace {

using helixmatch::kRankingFeatureCount;

// Reads TSV rows "query<TAB>label<TAB>features..." grouped by query (rows
// of a query are contiguous); queries without a relevant row are dropped.
bool ReadRows(const std::string& path, helixmatch::RankingTrainingSet* set) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "train_ranker: cannot open %s\n", path.c_str());
    return false;
  }
  helixmatch::RankingTrainingSet file;
  std::string line, current;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    float label = 0;
    if (f.size() != 2 + kRankingFeatureCount ||
        !absl::SimpleAtof(f[1], &label)) {
      std::fprintf(stderr,
                   "train_ranker: %s:%lld: expected query, label and "
                   "%d features\n",
                   path.c_str(), static_cast<long long>(line_number),
                   kRankingFeatureCount);
      return false;
    }
    if (f[0] != current || file.group_sizes.empty()) {
      current = std::string(f[0]);
      file.group_sizes.push_back(0);
    }
    ++file.group_sizes.back();
    file.labels.push_back(label);
    for (size_t i = 2; i < f.size(); ++i) {
      float v;
      if (f[i] == "nan") {
        v = std::nanf("");
      } else if (!absl::SimpleAtof(f[i], &v)) {
        std::fprintf(stderr, "train_ranker: %s:%lld: bad number '%s'\n",
                     path.c_str(), static_cast<long long>(line_number),
                     std::string(f[i]).c_str());
        return false;
      }
      file.rows.push_back(v);
    }
  }
  size_t row = 0;
  for (unsigned size : file.group_sizes) {
    const bool relevant = std::any_of(
        file.labels.begin() + static_cast<std::ptrdiff_t>(row),
        file.labels.begin() + static_cast<std::ptrdiff_t>(row + size),
        [](float l) { return l > 0; });
    if (relevant) {
      set->group_sizes.push_back(size);
      set->labels.insert(set->labels.end(), file.labels.begin() + row,
                         file.labels.begin() + row + size);
      set->rows.insert(set->rows.end(),
                       file.rows.begin() + row * kRankingFeatureCount,
                       file.rows.begin() + (row + size) * kRankingFeatureCount);
    }
    row += size;
  }
  return true;
}

// Mean nDCG@10 of ordering each query's rows by `scores` (higher first;
// ties keep the dumped order).
double MeanNdcg(const helixmatch::RankingTrainingSet& set,
                const std::vector<float>& scores) {
  double sum = 0;
  size_t row = 0;
  for (unsigned size : set.group_sizes) {
    std::vector<size_t> order(size);
    std::iota(order.begin(), order.end(), row);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    double dcg = 0, idcg = 0;
    int relevant = 0;
    for (size_t r = 0; r < order.size(); ++r) {
      if (set.labels[order[r]] > 0) {
        ++relevant;
        if (r < 10) dcg += 1.0 / std::log2(r + 2.0);
      }
    }
    for (int r = 0; r < std::min(relevant, 10); ++r) {
      idcg += 1.0 / std::log2(r + 2.0);
    }
    sum += idcg > 0 ? dcg / idcg : 0;
    row += size;
  }
  return set.group_sizes.empty() ? 0 : sum / set.group_sizes.size();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fits the helixmatch learned ranker (LambdaMART)"};
  std::vector<std::string> train_files, validation_files;
  std::string out, identity;
  std::vector<int> depths = {2, 3}, rounds = {100};
  std::vector<double> etas = {0.05, 0.1};
  bool refit = true;
  app.add_option("--train", train_files, "Feature dumps to fit on")->required();
  app.add_option("--validation", validation_files,
                 "Feature dumps to choose the settings on")
      ->required();
  app.add_option("--out", out, "Model file to write")->required();
  app.add_option("--identity", identity, "Model identity reported in responses")
      ->required();
  app.add_option("--depths", depths, "max_depth values")->delimiter(',');
  app.add_option("--etas", etas, "Learning rates")->delimiter(',');
  app.add_option("--rounds", rounds, "Boosting rounds")->delimiter(',');
  app.add_option("--refit", refit,
                 "Refit the chosen setting on training + validation")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  helixmatch::RankingTrainingSet train, validation;
  for (const auto& f : train_files) {
    if (!ReadRows(f, &train)) return 1;
  }
  for (const auto& f : validation_files) {
    if (!ReadRows(f, &validation)) return 1;
  }
  std::fprintf(stderr,
               "train: %zu queries, %zu rows; validation: %zu "
               "queries, %zu rows\n",
               train.group_sizes.size(), train.labels.size(),
               validation.group_sizes.size(), validation.labels.size());
  // The dumped order is the weighted sum's.
  std::vector<float> weighted(validation.labels.size());
  for (size_t i = 0; i < weighted.size(); ++i) {
    weighted[i] = -static_cast<float>(i);
  }
  std::printf("weighted sum: validation nDCG@10 %.4f\n",
              MeanNdcg(validation, weighted));

  helixmatch::RankingTrainingParams best;
  double best_ndcg = -1;
  for (int depth : depths) {
    for (double eta : etas) {
      for (int r : rounds) {
        helixmatch::RankingTrainingParams p;
        p.max_depth = depth;
        p.eta = eta;
        p.rounds = r;
        p.identity = identity;
        auto model = helixmatch::TrainRankingModel(train, p);
        if (!model.ok()) {
          std::fprintf(stderr, "train_ranker: %s\n",
                       std::string(model.status().message()).c_str());
          return 1;
        }
        auto ranker = helixmatch::LearnedRanker::LoadJson(*model, "trained");
        if (!ranker.ok()) {
          std::fprintf(stderr, "train_ranker: %s\n",
                       std::string(ranker.status().message()).c_str());
          return 1;
        }
        auto scores = (*ranker)->Score(validation.rows);
        if (!scores.ok()) return 1;
        const double ndcg = MeanNdcg(validation, *scores);
        std::printf("depth %d eta %.3f rounds %d: validation nDCG@10 %.4f\n",
                    depth, eta, r, ndcg);
        std::fflush(stdout);
        if (ndcg > best_ndcg + 1e-9) {
          best_ndcg = ndcg;
          best = p;
        }
      }
    }
  }
  helixmatch::RankingTrainingSet final_set = train;
  if (refit) {
    final_set.rows.insert(final_set.rows.end(), validation.rows.begin(),
                          validation.rows.end());
    final_set.labels.insert(final_set.labels.end(), validation.labels.begin(),
                            validation.labels.end());
    final_set.group_sizes.insert(final_set.group_sizes.end(),
                                 validation.group_sizes.begin(),
                                 validation.group_sizes.end());
  }
  auto model = helixmatch::TrainRankingModel(final_set, best);
  if (!model.ok()) {
    std::fprintf(stderr, "train_ranker: %s\n",
                 std::string(model.status().message()).c_str());
    return 1;
  }
  const std::string temp = out + ".tmp";
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    file << *model;
    file.close();
    if (!file) {
      std::fprintf(stderr, "train_ranker: writing %s failed\n", temp.c_str());
      return 1;
    }
  }
  std::error_code error;
  std::filesystem::rename(temp, out, error);
  if (error) {
    std::fprintf(stderr, "train_ranker: %s: %s\n", out.c_str(),
                 error.message().c_str());
    return 1;
  }
  std::printf(
      "{\"identity\": \"%s\", \"max_depth\": %d, \"eta\": %g, \"rounds\": %d, "
      "\"validation_ndcg_at_10\": %.4f, \"refit_on_validation\": %s, "
      "\"model\": \"%s\", \"bytes\": %zu}\n",
      identity.c_str(), best.max_depth, best.eta, best.rounds, best_ndcg,
      refit ? "true" : "false", out.c_str(), model->size());
  return 0;
}
