#include "indexer/hnsw_graph.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/HNSW.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "indexer/inner_product.h"

namespace helixmatch {
namespace {

const float* StorageVectors(const faiss::IndexHNSWFlat& index) {
  return static_cast<const faiss::IndexFlat*>(index.storage)->get_xb();
}

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

using Slot = faiss::HNSW::storage_idx_t;

// A node and its inner product with the node being linked, as SearchGraph
// keeps them. Higher score first; equal scores by slot, so that every
// order is total and a graph never depends on how a sort breaks ties.
using Scored = std::pair<float, Slot>;
// Before(a, b): a ranks before b. An object, so that sorts inline it.
constexpr WorstOnTop Before{};

// The graph as insertion sees it: FAISS's neighbour table and our kernel.
class GraphBuilder {
 public:
  explicit GraphBuilder(faiss::IndexHNSWFlat& index)
      : hnsw_(index.hnsw),
        base_(StorageVectors(index)),
        dimension_(static_cast<size_t>(index.d)),
        slots_(index.ntotal) {}

  int level_of(Slot slot) const {
    return hnsw_.levels[static_cast<size_t>(slot)] - 1;
  }
  const float* vector(Slot slot) const {
    return base_ + static_cast<size_t>(slot) * dimension_;
  }
  float score(const float* query, Slot slot) const {
    return InnerProduct(query, vector(slot), dimension_);
  }
  Slot* links(Slot slot, int level) const {
    return hnsw_.neighbors.data() + hnsw_.offsets[static_cast<size_t>(slot)] +
           hnsw_.cum_nneighbor_per_level[static_cast<size_t>(level)];
  }
  size_t capacity(int level) const {
    return static_cast<size_t>(hnsw_.nb_neighbors(level));
  }

  // Moves `entry` to the best neighbour at `level` while there is one.
  void Descend(const float* query, int level, Scored& entry) const {
    for (bool moved = true; moved;) {
      moved = false;
      const Slot* list = links(entry.second, level);
      for (size_t i = 0; i < capacity(level) && list[i] >= 0; ++i) {
        const float s = score(query, list[i]);
        if (s > entry.first) {
          entry = {s, list[i]};
          moved = true;
        }
      }
    }
  }

  // Writes to `found` the up to `ef` best nodes reachable from `entry` at
  // `level` by a best-first search, best first.
  struct Scratch;
  void SearchLevel(const float* query, Scored entry, int level, size_t ef,
                   Scratch& work, std::vector<Scored>& found) const;

  // HNSW's neighbour selection (Malkov and Yashunin, algorithm 4, as FAISS
  // does it): from `pool`, best first, keep a node unless it is closer to
  // a node already kept than to the one being linked; stop at `room`.
  // A pool smaller than `room` is kept whole.
  void Select(const std::vector<Scored>& pool, size_t room,
              std::vector<Scored>& kept) const {
    kept.clear();
    if (pool.size() < room) {
      kept = pool;
      return;
    }
    for (const Scored& candidate : pool) {
      const float* v = vector(candidate.second);
      bool diverse = true;
      for (const Scored& other : kept) {
        if (score(v, other.second) > candidate.first) {
          diverse = false;
          break;
        }
      }
      if (!diverse) continue;
      kept.push_back(candidate);
      if (kept.size() >= room) return;
    }
  }

  void Write(Slot slot, int level, const std::vector<Scored>& kept) const {
    Slot* list = links(slot, level);
    const size_t room = capacity(level);
    for (size_t i = 0; i < room; ++i) {
      list[i] = i < kept.size() ? kept[i].second : -1;
    }
  }

  // Links `slot` into `from`'s list at `level`: in a free place if there
  // is one, else by selecting again among the old neighbours and `slot`.
  void LinkBack(Slot from, int level, Slot slot, std::vector<Scored>& pool,
                std::vector<Scored>& kept) const {
    Slot* list = links(from, level);
    const size_t room = capacity(level);
    for (size_t i = 0; i < room; ++i) {
      if (list[i] < 0) {
        list[i] = slot;
        return;
      }
    }
    const float* v = vector(from);
    pool.clear();
    pool.push_back({score(v, slot), slot});
    for (size_t i = 0; i < room; ++i)
      pool.push_back({score(v, list[i]), list[i]});
    std::sort(pool.begin(), pool.end(), Before);
    Select(pool, room, kept);
    Write(from, level, kept);
  }

 private:
  faiss::HNSW& hnsw_;
  const float* base_;
  size_t dimension_;
  int64_t slots_;
};

// One worker's reusable state while a batch is linked.
struct GraphBuilder::Scratch {
  SearchScratch search;  // visited tags and heaps, as SearchGraph's
  std::vector<Scored> found;
  std::vector<Scored> pool;
  std::vector<Scored> kept;
};

void GraphBuilder::SearchLevel(const float* query, Scored entry, int level,
                               size_t ef, Scratch& scratch,
                               std::vector<Scored>& found) const {
  SearchScratch& work = scratch.search;
  work.Begin(slots_);
  auto& candidates = work.candidates;
  auto& results = work.results;
  work.Visit(entry.second);
  candidates.push_back(entry);
  results.push_back(entry);
  const size_t room = capacity(level);
  while (!candidates.empty()) {
    const Scored best = candidates.front();
    if (Before(results.front(), best)) break;  // worse than the ef-th
    std::pop_heap(candidates.begin(), candidates.end(), BestOnTop());
    candidates.pop_back();
    // Memory ahead, as SearchGraph asks for it: the list of the node to
    // expand next, the tags of this list before any is read, the vectors
    // of its unvisited nodes and where their own lists lie.
    if (!candidates.empty()) {
      PrefetchForRead(links(candidates.front().second, level),
                      room * sizeof(Slot));
    }
    const Slot* list = links(best.second, level);
    size_t count = 0;
    for (; count < room && list[count] >= 0; ++count) {
      work.PrefetchTag(list[count]);
    }
    work.batch.clear();
    for (size_t i = 0; i < count; ++i) {
      if (!work.Visit(list[i])) continue;
      work.batch.push_back(list[i]);
      PrefetchForRead(vector(list[i]), dimension_ * sizeof(float));
      __builtin_prefetch(&hnsw_.offsets[static_cast<size_t>(list[i])], 0, 3);
    }
    for (const Slot next : work.batch) {
      const Scored seen{score(query, next), next};
      if (results.size() >= ef && !Before(seen, results.front())) continue;
      candidates.push_back(seen);
      std::push_heap(candidates.begin(), candidates.end(), BestOnTop());
      results.push_back(seen);
      std::push_heap(results.begin(), results.end(), WorstOnTop());
      if (results.size() > ef) {
        std::pop_heap(results.begin(), results.end(), WorstOnTop());
        results.pop_back();
      }
    }
  }
  found.assign(results.begin(), results.end());
  std::sort(found.begin(), found.end(), Before);
}

// Runs fn(item, worker) for item in [0, count) on up to `threads` threads
// (the caller's among them). Which worker runs an item varies; what an
// item computes must not depend on it.
template <typename Fn>
void ParallelFor(size_t count, int threads, Fn&& fn) {
  const size_t workers =
      std::min(count, static_cast<size_t>(std::max(threads, 1)));
  if (workers <= 1) {
    for (size_t i = 0; i < count; ++i) fn(i, 0);
    return;
  }
  std::atomic<size_t> next{0};
  const auto work = [&](size_t worker) {
    for (size_t i;
         (i = next.fetch_add(1, std::memory_order_relaxed)) < count;) {
      fn(i, worker);
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(workers - 1);
  for (size_t w = 1; w < workers; ++w) {
    try {
      helpers.emplace_back(work, w);
    } catch (const std::system_error&) {
      break;  // fewer helpers: the items still all run, here
    }
  }
  work(0);
  for (auto& helper : helpers) helper.join();
}

// A back link to add: `from`'s list at `level` gets the batch's
// `member`-th node.
struct BackLink {
  Slot from;
  int level;
  uint32_t member;
};

}  // namespace

// Insertion in batches. Within a batch every node first finds its
// neighbours in the graph as it stood before the batch (searches that only
// read, so they run in parallel), and the batch's earlier nodes are scored
// against it directly, so that it sees them as it would have seen them
// one by one. Then the back links are added, grouped by the list they
// change, each list by one worker, in batch order. Nothing depends on how
// the work was shared out: any thread count gives the same graph.
void AddToGraph(faiss::IndexHNSWFlat& index, int64_t n, const float* vectors,
                int threads) {
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

  const GraphBuilder graph(index);
  const size_t ef = static_cast<size_t>(std::max(hnsw.efConstruction, 1));
  std::vector<GraphBuilder::Scratch> scratch(
      static_cast<size_t>(std::max(threads, 1)));
  std::vector<Slot> members;
  std::vector<BackLink> back_links;
  std::vector<size_t> group_starts;
  int64_t linked = first;  // nodes already in the graph
  size_t next = 0;
  while (next < order.size()) {
    const Slot head = static_cast<Slot>(order[next].second);
    if (hnsw.entry_point < 0) {  // the first node: nothing to link to
      hnsw.entry_point = head;
      hnsw.max_level = graph.level_of(head);
      ++next;
      ++linked;
      continue;
    }
    // A node above the graph's top level becomes the entry point, so it is
    // a batch of its own. Otherwise the batch grows with the graph: small
    // at first, when each node changes much of it.
    members.clear();
    const size_t size =
        graph.level_of(head) > hnsw.max_level
            ? 1
            : static_cast<size_t>(std::clamp<int64_t>(linked / 16, 1, 256));
    for (; next < order.size() && members.size() < size; ++next) {
      const Slot slot = static_cast<Slot>(order[next].second);
      if (!members.empty() && graph.level_of(slot) > hnsw.max_level) break;
      members.push_back(slot);
    }
    const Slot entry_point = hnsw.entry_point;
    const int max_level = hnsw.max_level;
    // Helper threads pay for themselves from a few nodes on; a write of
    // one profile links it on its own thread.
    const int workers = members.size() >= 8 ? threads : 1;

    // Each member's own lists, from the graph before the batch and the
    // members before it.
    ParallelFor(members.size(), workers, [&](size_t m, size_t worker) {
      GraphBuilder::Scratch& work = scratch[worker];
      const Slot slot = members[m];
      const float* query = graph.vector(slot);
      const int top = std::min(graph.level_of(slot), max_level);
      Scored entry{graph.score(query, entry_point), entry_point};
      for (int level = max_level; level > top; --level) {
        graph.Descend(query, level, entry);
      }
      for (int level = top; level >= 0; --level) {
        graph.SearchLevel(query, entry, level, ef, work, work.found);
        work.pool = work.found;
        for (size_t earlier = 0; earlier < m; ++earlier) {
          const Slot other = members[earlier];
          if (graph.level_of(other) < level) continue;
          work.pool.push_back({graph.score(query, other), other});
        }
        // All of both: keeping only the ef best, as a search that met the
        // earlier members in the graph would, gave a worse graph (CORDIS
        // recall@10 at efSearch 200: 0.914 against 0.948).
        std::sort(work.pool.begin(), work.pool.end(), Before);
        graph.Select(work.pool, graph.capacity(level), work.kept);
        graph.Write(slot, level, work.kept);
        entry = work.found.front();
      }
    });

    // The back links, one list per item, in member order within a list.
    back_links.clear();
    for (size_t m = 0; m < members.size(); ++m) {
      const int top = std::min(graph.level_of(members[m]), max_level);
      for (int level = top; level >= 0; --level) {
        const Slot* list = graph.links(members[m], level);
        for (size_t i = 0; i < graph.capacity(level) && list[i] >= 0; ++i) {
          back_links.push_back({list[i], level, static_cast<uint32_t>(m)});
        }
      }
    }
    std::sort(back_links.begin(), back_links.end(),
              [](const BackLink& a, const BackLink& b) {
                return std::tie(a.from, a.level, a.member) <
                       std::tie(b.from, b.level, b.member);
              });
    group_starts.clear();
    for (size_t i = 0; i < back_links.size(); ++i) {
      if (i == 0 || back_links[i].from != back_links[i - 1].from ||
          back_links[i].level != back_links[i - 1].level) {
        group_starts.push_back(i);
      }
    }
    group_starts.push_back(back_links.size());
    ParallelFor(group_starts.size() - 1, workers, [&](size_t g, size_t worker) {
      GraphBuilder::Scratch& work = scratch[worker];
      for (size_t i = group_starts[g]; i < group_starts[g + 1]; ++i) {
        const BackLink& link = back_links[i];
        graph.LinkBack(link.from, link.level, members[link.member], work.pool,
                       work.kept);
      }
    });

    for (const Slot slot : members) {
      if (graph.level_of(slot) > hnsw.max_level) {
        hnsw.max_level = graph.level_of(slot);
        hnsw.entry_point = slot;
      }
    }
    linked += static_cast<int64_t>(members.size());
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
