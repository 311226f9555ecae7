#include "indexer/hnsw_graph.h"

#include <faiss/IndexHNSW.h>
#include <faiss/impl/IDSelector.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "indexer/inner_product.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

constexpr int kDimension = 32;

std::vector<float> UnitVectors(int64_t n, uint32_t seed) {
  return testing::RandomUnitVectors(n, kDimension, seed);
}

// The k slots with the highest inner product among those `allowed`.
std::set<int64_t> ExactTop(const std::vector<float>& base, const float* query,
                           int k, bool (*allowed)(int64_t)) {
  std::vector<std::pair<float, int64_t>> all;
  const int64_t n = static_cast<int64_t>(base.size()) / kDimension;
  for (int64_t s = 0; s < n; ++s) {
    if (!allowed(s)) continue;
    all.emplace_back(
        -InnerProduct(query, base.data() + s * kDimension, kDimension), s);
  }
  std::partial_sort(all.begin(), all.begin() + k, all.end());
  std::set<int64_t> top;
  for (int i = 0; i < k; ++i) top.insert(all[static_cast<size_t>(i)].second);
  return top;
}

bool Everyone(int64_t) { return true; }
bool EvenSlots(int64_t slot) { return slot % 2 == 0; }

class EvenSelector : public faiss::IDSelector {
 public:
  bool is_member(idx_t id) const override { return EvenSlots(id); }
};

class HnswGraphTest : public ::testing::Test {
 protected:
  static constexpr int64_t kVectors = 6000;
  HnswGraphTest()
      : index_(kDimension, 32, faiss::METRIC_INNER_PRODUCT),
        base_(UnitVectors(kVectors, 7)),
        queries_(UnitVectors(200, 8)) {
    index_.hnsw.efConstruction = 80;
    AddToGraph(index_, kVectors, base_.data(), 2);
  }
  const float* Query(int i) const {
    return queries_.data() + static_cast<size_t>(i) * kDimension;
  }

  faiss::IndexHNSWFlat index_;
  std::vector<float> base_;
  std::vector<float> queries_;
};

TEST_F(HnswGraphTest, FindsTheExactNeighboursAsOftenAsFaissOwnSearch) {
  constexpr int k = 10;
  int ours = 0, theirs = 0;
  for (int i = 0; i < 200; ++i) {
    const std::set<int64_t> exact = ExactTop(base_, Query(i), k, Everyone);
    std::vector<float> scores(k);
    std::vector<int64_t> slots(k);
    SearchGraph(index_, {Query(i), kDimension}, k, 64, nullptr, scores.data(),
                slots.data());
    for (int j = 0; j < k; ++j) {
      ours += static_cast<int>(exact.count(slots[static_cast<size_t>(j)]));
      if (j > 0) {
        EXPECT_GE(scores[j - 1], scores[j]) << "query " << i;
      }
      EXPECT_NEAR(scores[static_cast<size_t>(j)],
                  InnerProduct(
                      Query(i),
                      base_.data() + slots[static_cast<size_t>(j)] * kDimension,
                      kDimension),
                  1e-5);
    }
    faiss::SearchParametersHNSW params;
    params.efSearch = 64;
    std::vector<float> distances(k);
    std::vector<faiss::Index::idx_t> labels(k);
    index_.search(1, Query(i), k, distances.data(), labels.data(), &params);
    for (faiss::Index::idx_t label : labels) {
      theirs += static_cast<int>(exact.count(label));
    }
  }
  const double recall = ours / 2000.0;
  EXPECT_GE(recall, 0.95);
  EXPECT_GE(recall, theirs / 2000.0 - 0.01) << "FAISS's search: " << theirs;
}

TEST_F(HnswGraphTest, ReturnsOnlyWhatTheSelectorAllows) {
  constexpr int k = 20;
  const EvenSelector even;
  int found = 0;
  for (int i = 0; i < 100; ++i) {
    const std::set<int64_t> exact = ExactTop(base_, Query(i), k, EvenSlots);
    std::vector<float> scores(k);
    std::vector<int64_t> slots(k);
    SearchGraph(index_, {Query(i), kDimension}, k, 64, &even, scores.data(),
                slots.data());
    for (int64_t slot : slots) {
      ASSERT_GE(slot, 0);
      EXPECT_EQ(slot % 2, 0) << "query " << i;
      found += static_cast<int>(exact.count(slot));
    }
  }
  EXPECT_GE(found / 2000.0, 0.95);
}

TEST_F(HnswGraphTest, MoreWantedThanAllowedLeavesEmptyEntries) {
  class OnlyThree : public faiss::IDSelector {
   public:
    bool is_member(idx_t id) const override {
      return id == 5 || id == 500 || id == 5000;
    }
  } three;
  constexpr int k = 5;
  std::vector<float> scores(k);
  std::vector<int64_t> slots(k);
  // ef as large as the graph: the search then sees every node.
  SearchGraph(index_, {Query(0), kDimension}, k, kVectors, &three,
              scores.data(), slots.data());
  EXPECT_EQ(std::set<int64_t>(slots.begin(), slots.begin() + 3),
            (std::set<int64_t>{5, 500, 5000}));
  EXPECT_EQ(slots[3], -1);
  EXPECT_EQ(slots[4], -1);
}

// Recall@k at efSearch 64 of `index` for the fixture's kind of queries.
double Recall(const faiss::IndexHNSWFlat& index, const std::vector<float>& base,
              const std::vector<float>& queries, int k) {
  int found = 0;
  const int count = static_cast<int>(queries.size()) / kDimension;
  for (int i = 0; i < count; ++i) {
    const float* query = queries.data() + static_cast<size_t>(i) * kDimension;
    const std::set<int64_t> exact = ExactTop(base, query, k, Everyone);
    std::vector<float> scores(static_cast<size_t>(k));
    std::vector<int64_t> slots(static_cast<size_t>(k));
    SearchGraph(index, {query, kDimension}, k, 64, nullptr, scores.data(),
                slots.data());
    for (int64_t slot : slots) found += static_cast<int>(exact.count(slot));
  }
  return static_cast<double>(found) / (count * k);
}

// Adds `base` to a fresh graph in calls of the given sizes.
void Build(faiss::IndexHNSWFlat& index, const std::vector<float>& base,
           const std::vector<int64_t>& calls, int threads) {
  index.hnsw.efConstruction = 80;
  int64_t done = 0;
  for (int64_t n : calls) {
    AddToGraph(index, n, base.data() + done * kDimension, threads);
    done += n;
  }
  ASSERT_EQ(done * kDimension, static_cast<int64_t>(base.size()));
}

TEST(HnswGraphBuildTest, AnyThreadCountGivesTheSameGraph) {
  const std::vector<float> base = UnitVectors(5000, 11);
  const std::vector<int64_t> calls{1, 40, 1959, 3000};
  faiss::IndexHNSWFlat one(kDimension, 32, faiss::METRIC_INNER_PRODUCT);
  Build(one, base, calls, 1);
  for (int threads : {2, 3}) {
    faiss::IndexHNSWFlat many(kDimension, 32, faiss::METRIC_INNER_PRODUCT);
    Build(many, base, calls, threads);
    EXPECT_EQ(many.hnsw.entry_point, one.hnsw.entry_point) << threads;
    EXPECT_EQ(many.hnsw.max_level, one.hnsw.max_level) << threads;
    EXPECT_EQ(many.hnsw.levels, one.hnsw.levels) << threads;
    EXPECT_TRUE(many.hnsw.neighbors == one.hnsw.neighbors)
        << threads << " threads built another graph";
  }
}

TEST(HnswGraphBuildTest, ListsAreWellFormedAndLevelZeroIsConnected) {
  const std::vector<float> base = UnitVectors(4000, 12);
  faiss::IndexHNSWFlat index(kDimension, 32, faiss::METRIC_INNER_PRODUCT);
  Build(index, base, {1000, 3000}, 2);
  const faiss::HNSW& hnsw = index.hnsw;
  ASSERT_GE(hnsw.entry_point, 0);
  EXPECT_EQ(hnsw.levels[static_cast<size_t>(hnsw.entry_point)] - 1,
            hnsw.max_level);
  for (int64_t slot = 0; slot < index.ntotal; ++slot) {
    const int top = hnsw.levels[static_cast<size_t>(slot)] - 1;
    EXPECT_LE(top, hnsw.max_level);
    for (int level = 0; level <= top; ++level) {
      size_t begin = 0, end = 0;
      hnsw.neighbor_range(slot, level, &begin, &end);
      std::set<int> seen;
      bool ended = false;
      for (size_t i = begin; i < end; ++i) {
        const int next = hnsw.neighbors[i];
        if (next < 0) {
          ended = true;
          continue;
        }
        ASSERT_FALSE(ended) << "slot " << slot << " level " << level
                            << ": a link after an empty place";
        ASSERT_LT(next, index.ntotal);
        ASSERT_NE(next, slot) << "a link to itself at level " << level;
        ASSERT_GE(hnsw.levels[static_cast<size_t>(next)] - 1, level)
            << "slot " << slot << " links to " << next << " below level "
            << level;
        ASSERT_TRUE(seen.insert(next).second)
            << "slot " << slot << " links twice to " << next;
      }
    }
  }
  // Every node can be reached from the entry point through level 0.
  std::vector<bool> reached(static_cast<size_t>(index.ntotal), false);
  std::deque<int> queue{hnsw.entry_point};
  reached[static_cast<size_t>(hnsw.entry_point)] = true;
  int64_t count = 1;
  while (!queue.empty()) {
    const int slot = queue.front();
    queue.pop_front();
    size_t begin = 0, end = 0;
    hnsw.neighbor_range(slot, 0, &begin, &end);
    for (size_t i = begin; i < end && hnsw.neighbors[i] >= 0; ++i) {
      const auto next = static_cast<size_t>(hnsw.neighbors[i]);
      if (reached[next]) continue;
      reached[next] = true;
      ++count;
      queue.push_back(static_cast<int>(next));
    }
  }
  EXPECT_EQ(count, index.ntotal);
}

TEST(HnswGraphBuildTest, FindsAsManyExactNeighboursAsFaissOwnInsertion) {
  const std::vector<float> base = UnitVectors(6000, 13);
  const std::vector<float> queries = UnitVectors(200, 14);
  faiss::IndexHNSWFlat ours(kDimension, 32, faiss::METRIC_INNER_PRODUCT);
  Build(ours, base, {6000}, 2);
  faiss::IndexHNSWFlat theirs(kDimension, 32, faiss::METRIC_INNER_PRODUCT);
  theirs.hnsw.efConstruction = 80;
  theirs.add(6000, base.data());
  const double our_recall = Recall(ours, base, queries, 10);
  const double their_recall = Recall(theirs, base, queries, 10);
  EXPECT_GE(our_recall, their_recall - 0.01)
      << "ours " << our_recall << ", FAISS's " << their_recall;
}

TEST(HnswGraphEmptyTest, AnEmptyGraphFindsNothing) {
  faiss::IndexHNSWFlat index(kDimension, 32, faiss::METRIC_INNER_PRODUCT);
  const std::vector<float> query = UnitVectors(1, 3);
  float score = 0;
  int64_t slot = 7;
  SearchGraph(index, query, 1, 16, nullptr, &score, &slot);
  EXPECT_EQ(slot, -1);
}

}  // namespace
}  // namespace helixmatch
