#include "indexer/hnsw_graph.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/DistanceComputer.h>
#include <faiss/impl/HNSW.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "indexer/inner_product.h"

namespace helixmatch {
namespace {

// HNSW keeps the smallest distances: for inner products it is given the
// products negated.
class NegatedInnerProduct final : public faiss::DistanceComputer {
 public:
  NegatedInnerProduct(const float* base, size_t dimension)
      : base_(base), dimension_(dimension) {}
  void set_query(const float* query) override { query_ = query; }
  float operator()(idx_t slot) override {
    return -InnerProduct(query_, base_ + slot * dimension_, dimension_);
  }
  float symmetric_dis(idx_t a, idx_t b) override {
    return -InnerProduct(base_ + a * dimension_, base_ + b * dimension_,
                         dimension_);
  }

 private:
  const float* base_;
  size_t dimension_;
  const float* query_ = nullptr;
};

const float* StorageVectors(const faiss::IndexHNSWFlat& index) {
  return static_cast<const faiss::IndexFlat*>(index.storage)->get_xb();
}

// The lock table add_with_locks expects; one thread uses it, so the locks
// never contend.
class GraphLocks {
 public:
  explicit GraphLocks(size_t n) : locks_(n) {
    for (auto& lock : locks_) omp_init_lock(&lock);
  }
  ~GraphLocks() {
    for (auto& lock : locks_) omp_destroy_lock(&lock);
  }
  GraphLocks(const GraphLocks&) = delete;
  GraphLocks& operator=(const GraphLocks&) = delete;
  std::vector<omp_lock_t>& table() { return locks_; }

 private:
  std::vector<omp_lock_t> locks_;
};

// The per-thread work of SearchGraph, reused from call to call: a search
// allocates nothing once its thread has searched a graph as large.
struct SearchScratch {
  // visited[slot] == epoch: seen in this search. Bumping the epoch clears
  // the table; it is zeroed only when the epoch wraps.
  std::vector<uint32_t> visited;
  uint32_t epoch = 0;
  // (score, slot) heaps: candidates best on top, results worst on top.
  std::vector<std::pair<float, int32_t>> candidates;
  std::vector<std::pair<float, int32_t>> results;
  std::vector<int32_t> batch;  // unvisited neighbours of one node

  void Begin(int64_t slots) {
    if (static_cast<int64_t>(visited.size()) < slots) {
      visited.assign(static_cast<size_t>(slots), 0);
      epoch = 0;
    }
    if (++epoch == 0) {
      std::fill(visited.begin(), visited.end(), 0);
      epoch = 1;
    }
    candidates.clear();
    results.clear();
  }
  void PrefetchTag(int32_t slot) const {
    __builtin_prefetch(&visited[static_cast<size_t>(slot)], 0, 3);
  }
  // True the first time `slot` is seen in this search.
  bool Visit(int32_t slot) {
    uint32_t& tag = visited[static_cast<size_t>(slot)];
    if (tag == epoch) return false;
    tag = epoch;
    return true;
  }
};

SearchScratch& ThreadSearchScratch() {
  thread_local SearchScratch scratch;
  return scratch;
}

struct BestOnTop {
  bool operator()(const std::pair<float, int32_t>& a,
                  const std::pair<float, int32_t>& b) const {
    return a.first < b.first || (a.first == b.first && a.second > b.second);
  }
};
struct WorstOnTop {
  bool operator()(const std::pair<float, int32_t>& a,
                  const std::pair<float, int32_t>& b) const {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  }
};

}  // namespace

void AddToGraph(faiss::IndexHNSWFlat& index, int64_t n, const float* vectors) {
  if (n <= 0) return;
  const int64_t first = index.ntotal;
  index.storage->add(n, vectors);
  index.ntotal = index.storage->ntotal;
  faiss::HNSW& hnsw = index.hnsw;
  hnsw.prepare_level_tab(static_cast<size_t>(n), false);

  // Slots by level, highest first (upper levels must exist before the
  // points below link through them), slot order within a level.
  std::vector<std::pair<int, int64_t>> order;
  order.reserve(static_cast<size_t>(n));
  for (int64_t slot = first; slot < index.ntotal; ++slot) {
    order.emplace_back(-hnsw.levels[static_cast<size_t>(slot)], slot);
  }
  std::sort(order.begin(), order.end());

  const size_t dimension = static_cast<size_t>(index.d);
  NegatedInnerProduct distance(StorageVectors(index), dimension);
  GraphLocks locks(static_cast<size_t>(index.ntotal));
  faiss::VisitedTable visited(static_cast<int>(index.ntotal));
  for (const auto& [negated_level, slot] : order) {
    distance.set_query(StorageVectors(index) + slot * dimension);
    hnsw.add_with_locks(distance, -negated_level - 1, static_cast<int>(slot),
                        locks.table(), visited);
  }
}

// The usual HNSW search (Malkov and Yashunin, algorithms 2 and 5): greedy
// descent through the upper levels, then a best-first search of level 0
// that keeps the ef best allowed nodes seen. FAISS's own search does the
// same but finds its best candidate by a linear scan of its heap for every
// step and asks the selector about every node it visits; here the
// candidates sit in a binary heap, the selector is asked only about a node
// that would enter the results, and the vectors of a node's unvisited
// neighbours are prefetched before they are scored.
void SearchGraph(const faiss::IndexHNSWFlat& index,
                 std::span<const float> query, int k, int ef_search,
                 const faiss::IDSelector* selector, float* scores,
                 int64_t* slots) {
  for (int i = 0; i < k; ++i) {
    scores[i] = -std::numeric_limits<float>::infinity();
    slots[i] = -1;
  }
  const faiss::HNSW& hnsw = index.hnsw;
  if (index.ntotal == 0 || hnsw.entry_point < 0) return;
  const size_t dimension = static_cast<size_t>(index.d);
  const float* base = StorageVectors(index);
  const auto score = [&](int32_t slot) {
    return InnerProduct(
        query.data(), base + static_cast<size_t>(slot) * dimension, dimension);
  };
  const auto neighbours = [&](int32_t slot, int level) {
    size_t begin = 0, end = 0;
    hnsw.neighbor_range(slot, level, &begin, &end);
    return std::span<const faiss::HNSW::storage_idx_t>(
        hnsw.neighbors.data() + begin, end - begin);
  };

  // Upper levels: move to a better neighbour while there is one.
  int32_t nearest = hnsw.entry_point;
  float nearest_score = score(nearest);
  for (int level = hnsw.max_level; level >= 1; --level) {
    for (bool moved = true; moved;) {
      moved = false;
      for (const int32_t next : neighbours(nearest, level)) {
        if (next < 0) break;
        const float s = score(next);
        if (s > nearest_score) {
          nearest = next;
          nearest_score = s;
          moved = true;
        }
      }
    }
  }

  // Level 0: best first, keeping the ef best allowed nodes.
  const size_t ef = static_cast<size_t>(std::max(ef_search, k));
  SearchScratch& work = ThreadSearchScratch();
  work.Begin(index.ntotal);
  auto& candidates = work.candidates;
  auto& results = work.results;
  const auto allowed = [&](int32_t slot) {
    return selector == nullptr || selector->is_member(slot);
  };
  const auto offer = [&](float s, int32_t slot) {
    if (results.size() >= ef && s <= results.front().first) return;
    candidates.emplace_back(s, slot);
    std::push_heap(candidates.begin(), candidates.end(), BestOnTop());
    if (!allowed(slot)) return;
    results.emplace_back(s, slot);
    std::push_heap(results.begin(), results.end(), WorstOnTop());
    if (results.size() > ef) {
      std::pop_heap(results.begin(), results.end(), WorstOnTop());
      results.pop_back();
    }
  };
  // Level 0 is where the search spends its time, nearly all of it waiting
  // for memory: a node's neighbour list, then each neighbour's visited tag
  // and vector. Each is asked for before it is needed: the list of the
  // node to expand next, the tags of a whole list before any is read, the
  // vectors of the unvisited ones and where their own lists lie.
  const size_t links_begin =
      static_cast<size_t>(hnsw.cum_nneighbor_per_level[0]);
  const size_t links_count =
      static_cast<size_t>(hnsw.cum_nneighbor_per_level[1]) - links_begin;
  const auto links = [&](int32_t slot) {
    return hnsw.neighbors.data() + hnsw.offsets[static_cast<size_t>(slot)] +
           links_begin;
  };
  work.Visit(nearest);
  offer(nearest_score, nearest);
  while (!candidates.empty()) {
    const auto [best, slot] = candidates.front();
    if (results.size() >= ef && best < results.front().first) break;
    std::pop_heap(candidates.begin(), candidates.end(), BestOnTop());
    candidates.pop_back();
    if (!candidates.empty()) {
      PrefetchForRead(links(candidates.front().second),
                      links_count * sizeof(faiss::HNSW::storage_idx_t));
    }
    const faiss::HNSW::storage_idx_t* list = links(slot);
    size_t count = 0;
    for (; count < links_count && list[count] >= 0; ++count) {
      work.PrefetchTag(list[count]);
    }
    work.batch.clear();
    for (size_t i = 0; i < count; ++i) {
      const int32_t next = list[i];
      if (!work.Visit(next)) continue;
      work.batch.push_back(next);
      PrefetchForRead(base + static_cast<size_t>(next) * dimension,
                      dimension * sizeof(float));
      __builtin_prefetch(&hnsw.offsets[static_cast<size_t>(next)], 0, 3);
    }
    for (const int32_t next : work.batch) offer(score(next), next);
  }

  // The k best, best first.
  std::sort(results.begin(), results.end(), WorstOnTop());
  const size_t n = std::min(results.size(), static_cast<size_t>(k));
  for (size_t i = 0; i < n; ++i) {
    scores[i] = results[i].first;
    slots[i] = results[i].second;
  }
}

}  // namespace helixmatch
