#include "services/ranking/learned_ranker.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/ranking/default_ranking_model.h"

namespace helixmatch {
namespace {

constexpr std::array<std::string_view, kRankingFeatureCount> kFeatureNames = {
    "topical_fit",
    "dense",
    "lexical",
    "best_lexical",
    "lexical_rank",
    "depth",
    "matching_per_10k",
    "activity",
    "trust",
    "tie_share",
    "years_since_tie",
    "proximity",
    "same_country",
    "country_affinity",
    "firm_partners_per_10k",
    "call_family_per_10k",
    "call_family_share",
    "programme_per_10k",
    "programme_share",
    "capacity",
    "benefit_alignment"};

static_assert(!kFeatureNames.back().empty(), "a name for every feature");

constexpr char kIdentityAttribute[] = "helixmatch_model";
constexpr char kFeaturesAttribute[] = "helixmatch_features";

// XGBoost's message without the stack trace it appends.
std::string LastError() {
  std::string error = XGBGetLastError();
  if (const size_t end = error.find('\n'); end != std::string::npos) {
    error.resize(end);
  }
  return error;
}

// Frees a DMatrix on scope exit.
struct MatrixHandle {
  DMatrixHandle handle = nullptr;
  ~MatrixHandle() {
    if (handle != nullptr) XGDMatrixFree(handle);
  }
};

struct BoosterOwner {
  BoosterHandle handle = nullptr;
  ~BoosterOwner() {
    if (handle != nullptr) XGBoosterFree(handle);
  }
  BoosterHandle release() {
    BoosterHandle h = handle;
    handle = nullptr;
    return h;
  }
};

std::string FeatureList() {
  std::string list;
  for (std::string_view name : kFeatureNames) {
    if (!list.empty()) list += ',';
    list.append(name);
  }
  return list;
}

}  // namespace

const std::array<std::string_view, kRankingFeatureCount>&
RankingFeatureNames() {
  return kFeatureNames;
}

void RankingFeatureRow(const v1::ScoreBreakdown& b, int matching_profiles,
                       int total_profiles, int64_t catalog_profiles,
                       std::span<float, kRankingFeatureCount> row) {
  const auto unknown = [&b](std::string_view name) {
    for (const auto& u : b.unknown_features()) {
      if (u == name) return true;
    }
    return false;
  };
  constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
  const auto known = [&](std::string_view name, double value) {
    return unknown(name) ? kMissing : static_cast<float>(value);
  };
  const double total = std::max(1, total_profiles);
  // Counts per 10,000 live profiles of the catalog (see the header).
  const double per_10k =
      10000.0 / static_cast<double>(std::max<int64_t>(1, catalog_profiles));
  size_t i = 0;
  row[i++] = static_cast<float>(b.topical_fit());
  row[i++] = static_cast<float>(b.dense());
  row[i++] = static_cast<float>(b.lexical());
  row[i++] = static_cast<float>(b.best_lexical());
  row[i++] =
      b.lexical_rank() > 0 ? static_cast<float>(b.lexical_rank()) : kMissing;
  row[i++] = static_cast<float>(b.depth());
  row[i++] = static_cast<float>(matching_profiles * per_10k);
  row[i++] = static_cast<float>(b.activity());
  row[i++] = known("trust", b.trust());
  row[i++] = known("tie_share", b.tie_share());
  row[i++] = known("years_since_tie", b.years_since_tie());
  row[i++] = known("proximity", b.proximity());
  row[i++] = known("same_country", b.same_country() ? 1.0 : 0.0);
  row[i++] = known("country_affinity", b.country_affinity());
  row[i++] = static_cast<float>(b.firm_partners() * per_10k);
  row[i++] = known("call_family_profiles", b.call_family_profiles() * per_10k);
  row[i++] = known("call_family_profiles", b.call_family_profiles() / total);
  row[i++] = known("programme_profiles", b.programme_profiles() * per_10k);
  row[i++] = known("programme_profiles", b.programme_profiles() / total);
  row[i++] = known("capacity", b.capacity());
  row[i++] = known("benefit_alignment", b.benefit_alignment());
}

std::string_view FeatureGroup(std::string_view f) {
  if (f == "topical_fit" || f == "dense" || f == "lexical" ||
      f == "best_lexical" || f == "lexical_rank") {
    return "fit";
  }
  if (f == "depth" || f == "matching_per_10k") return "depth";
  if (f == "trust" || f == "tie_share" || f == "years_since_tie") {
    return "trust";
  }
  if (f == "proximity" || f == "same_country" || f == "country_affinity") {
    return "proximity";
  }
  if (f == "firm_partners_per_10k" || f == "capacity") return "capacity";
  if (f == "activity") return "activity";
  if (f == "benefit_alignment") return "benefit alignment";
  return "call experience";
}

LearnedRanker::LearnedRanker(TreeEnsemble trees, std::string identity)
    : trees_(std::move(trees)), identity_(std::move(identity)) {}

absl::StatusOr<std::unique_ptr<LearnedRanker>> LearnedRanker::LoadFile(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("ranking model '", path, "': cannot open the file"));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  return LoadJson(contents.str(), path);
}

absl::StatusOr<std::unique_ptr<LearnedRanker>> LearnedRanker::LoadDefault() {
  return LoadJson(kDefaultRankingModelJson, kDefaultRankingModelSource);
}

absl::StatusOr<std::shared_ptr<const LearnedRanker>> LearnedRanker::FromFlag(
    const std::string& flag) {
  if (flag == "none") return std::shared_ptr<const LearnedRanker>();
  auto ranker = flag == "default" ? LoadDefault() : LoadFile(flag);
  if (!ranker.ok()) return ranker.status();
  return std::shared_ptr<const LearnedRanker>(std::move(*ranker));
}

absl::StatusOr<std::unique_ptr<LearnedRanker>> LearnedRanker::LoadJson(
    std::string_view json, std::string_view source) {
  const auto invalid = [&](std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ranking model '", std::string(source), "': ", std::string(what)));
  };
  // XGBoost reads a buffer starting with '{' as JSON and anything else as
  // its binary formats; only JSON models are ours.
  const size_t start = json.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || json[start] != '{') {
    return invalid("not an XGBoost JSON model (it does not start with '{')");
  }
  BoosterOwner booster;
  if (XGBoosterCreate(nullptr, 0, &booster.handle) != 0) {
    return absl::InternalError(LastError());
  }
  if (XGBoosterLoadModelFromBuffer(booster.handle, json.data(),
                                   static_cast<bst_ulong>(json.size())) != 0) {
    return invalid(
        absl::StrCat("not a readable XGBoost JSON model: ", LastError()));
  }
  XGBoosterSetParam(booster.handle, "nthread", "1");
  const auto attribute = [&](const char* key) -> std::optional<std::string> {
    const char* value = nullptr;
    int found = 0;
    if (XGBoosterGetAttr(booster.handle, key, &value, &found) != 0 ||
        found == 0 || value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
  const auto identity = attribute(kIdentityAttribute);
  if (!identity || identity->empty()) {
    return invalid(absl::StrCat("no '", kIdentityAttribute,
                                "' attribute (not written by helixmatch's "
                                "train_ranker)"));
  }
  const auto features = attribute(kFeaturesAttribute);
  if (!features || *features != FeatureList()) {
    return invalid(absl::StrCat("its features are '",
                                features.value_or("(none)"),
                                "', this build computes '", FeatureList(),
                                "': retrain it with scripts/fit-ranking.sh"));
  }
  bst_ulong columns = 0;
  if (XGBoosterGetNumFeature(booster.handle, &columns) != 0 ||
      columns != static_cast<bst_ulong>(kRankingFeatureCount)) {
    return invalid(absl::StrCat("its trees use ", columns, " features, not ",
                                kRankingFeatureCount));
  }
  const char* config = nullptr;
  bst_ulong config_length = 0;
  if (XGBoosterSaveJsonConfig(booster.handle, &config_length, &config) != 0 ||
      std::string_view(config, config_length).find("\"rank:") ==
          std::string_view::npos) {
    return invalid("its objective is not a ranking objective (rank:*)");
  }
  auto trees = TreeEnsemble::FromXgboostJson(json, kRankingFeatureCount);
  if (!trees.ok()) return invalid(std::string(trees.status().message()));
  return std::unique_ptr<LearnedRanker>(
      new LearnedRanker(std::move(*trees), *identity));
}

absl::Status LearnedRanker::CheckRows(std::span<const float> rows) const {
  if (rows.size() % kRankingFeatureCount != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("rows: ", rows.size(), " values is not a multiple of ",
                     kRankingFeatureCount));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<float>> LearnedRanker::Score(
    std::span<const float> rows) const {
  if (auto s = CheckRows(rows); !s.ok()) return s;
  std::vector<float> out(rows.size() / kRankingFeatureCount);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = trees_.Score(
        rows.subspan(i * kRankingFeatureCount, kRankingFeatureCount));
  }
  return out;
}

absl::StatusOr<std::vector<float>> LearnedRanker::Contributions(
    std::span<const float> rows) const {
  if (auto s = CheckRows(rows); !s.ok()) return s;
  constexpr size_t kWidth = kRankingFeatureCount + 1;
  const size_t n = rows.size() / kRankingFeatureCount;
  std::vector<float> out(n * kWidth);
  for (size_t i = 0; i < n; ++i) {
    trees_.Contributions(
        rows.subspan(i * kRankingFeatureCount, kRankingFeatureCount),
        std::span<float>(out).subspan(i * kWidth, kWidth));
  }
  return out;
}

absl::StatusOr<std::string> TrainRankingModel(
    const RankingTrainingSet& set, const RankingTrainingParams& params) {
  const size_t n = set.labels.size();
  size_t grouped = 0;
  for (unsigned g : set.group_sizes) grouped += g;
  if (set.rows.size() != n * kRankingFeatureCount || grouped != n || n == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("training set: ", set.rows.size(), " values, ", n,
                     " labels and ", grouped, " grouped rows do not agree (",
                     kRankingFeatureCount, " features a row)"));
  }
  if (params.identity.empty()) {
    return absl::InvalidArgumentError("identity: is empty");
  }
  const auto xgb = [](int rc) -> absl::Status {
    return rc == 0 ? absl::OkStatus() : absl::InternalError(LastError());
  };
  MatrixHandle matrix;
  if (auto s = xgb(XGDMatrixCreateFromMat(
          set.rows.data(), static_cast<bst_ulong>(n), kRankingFeatureCount,
          std::numeric_limits<float>::quiet_NaN(), &matrix.handle));
      !s.ok()) {
    return s;
  }
  if (auto s =
          xgb(XGDMatrixSetFloatInfo(matrix.handle, "label", set.labels.data(),
                                    static_cast<bst_ulong>(n)));
      !s.ok()) {
    return s;
  }
  if (auto s = xgb(
          XGDMatrixSetUIntInfo(matrix.handle, "group", set.group_sizes.data(),
                               static_cast<bst_ulong>(set.group_sizes.size())));
      !s.ok()) {
    return s;
  }
  BoosterOwner booster;
  if (auto s = xgb(XGBoosterCreate(&matrix.handle, 1, &booster.handle));
      !s.ok()) {
    return s;
  }
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"objective", "rank:ndcg"},
      {"eval_metric", "ndcg@10"},
      {"tree_method", "exact"},
      {"nthread", "1"},
      {"seed", absl::StrCat(params.seed)},
      {"max_depth", absl::StrCat(params.max_depth)},
      {"eta", absl::StrCat(params.eta)},
      {"min_child_weight", absl::StrCat(params.min_child_weight)},
      {"lambda", absl::StrCat(params.lambda)},
      {"subsample", "1"},
      {"colsample_bytree", "1"}};
  for (const auto& [key, value] : settings) {
    if (auto s =
            xgb(XGBoosterSetParam(booster.handle, key.c_str(), value.c_str()));
        !s.ok()) {
      return s;
    }
  }
  for (int round = 0; round < params.rounds; ++round) {
    if (auto s =
            xgb(XGBoosterUpdateOneIter(booster.handle, round, matrix.handle));
        !s.ok()) {
      return s;
    }
  }
  if (auto s = xgb(XGBoosterSetAttr(booster.handle, kIdentityAttribute,
                                    params.identity.c_str()));
      !s.ok()) {
    return s;
  }
  if (auto s = xgb(XGBoosterSetAttr(booster.handle, kFeaturesAttribute,
                                    FeatureList().c_str()));
      !s.ok()) {
    return s;
  }
  bst_ulong length = 0;
  const char* bytes = nullptr;
  if (auto s = xgb(XGBoosterSaveModelToBuffer(
          booster.handle, "{\"format\": \"json\"}", &length, &bytes));
      !s.ok()) {
    return s;
  }
  return std::string(bytes, length);
}

}  // namespace helixmatch
