#include "indexer/hnsw_graph.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/DistanceComputer.h>
#include <faiss/impl/HNSW.h>
#include <faiss/utils/Heap.h>
#include <omp.h>

#include <algorithm>
#include <memory>
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

// A visited table per thread, sized for the graph it last searched.
faiss::VisitedTable& ThreadVisitedTable(int64_t slots) {
  thread_local std::unique_ptr<faiss::VisitedTable> table;
  if (table == nullptr || static_cast<int64_t>(table->visited.size()) < slots) {
    table = std::make_unique<faiss::VisitedTable>(static_cast<int>(slots));
  }
  return *table;
}

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

void SearchGraph(const faiss::IndexHNSWFlat& index,
                 std::span<const float> query, int k, int ef_search,
                 const faiss::IDSelector* selector, float* scores,
                 int64_t* slots) {
  NegatedInnerProduct distance(StorageVectors(index),
                               static_cast<size_t>(index.d));
  distance.set_query(query.data());
  faiss::SearchParametersHNSW params;
  params.efSearch = std::max(ef_search, k);
  params.sel = const_cast<faiss::IDSelector*>(selector);
  faiss::maxheap_heapify(static_cast<size_t>(k), scores, slots);
  index.hnsw.search(distance, k, slots, scores,
                    ThreadVisitedTable(index.ntotal), &params);
  faiss::maxheap_reorder(static_cast<size_t>(k), scores, slots);
  for (int i = 0; i < k; ++i) scores[i] = -scores[i];
}

}  // namespace helixmatch
