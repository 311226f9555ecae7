#include "services/query/retrieval.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <utility>

namespace helixmatch {
namespace {

// Per-thread work arrays indexed by slot, cleared through the list of
// touched entries (so a query pays for what it touched, not for the
// catalog's size).
struct Scratch {
  // Lexical weights by slot, single precision: the array is read at
  // random, once per posting, and half the bytes stay in cache longer.
  std::vector<float> lexical;
  std::vector<uint32_t> lexical_touched;
  std::vector<uint8_t> in_pool;  // by slot
  std::vector<uint32_t> pool;
  std::vector<uint64_t> ranked_lexical;  // RankKey(weight, slot)
  std::vector<uint64_t> ranked_partner;  // RankKey(dense score, slot)
  std::vector<uint32_t> partner_slots;
  std::vector<uint64_t> grouped;  // (organization << 32) | slot

  void Reset(size_t slots) {
    for (uint32_t s : lexical_touched) lexical[s] = 0;
    for (uint32_t s : pool) in_pool[s] = 0;
    lexical_touched.clear();
    pool.clear();
    if (lexical.size() < slots) lexical.resize(slots, 0);
    if (in_pool.size() < slots) in_pool.resize(slots, 0);
  }
  void AddToPool(uint32_t slot) {
    if (!in_pool[slot]) {
      in_pool[slot] = 1;
      pool.push_back(slot);
    }
  }
};

// (score, slot) as one integer that orders as "higher score, then lower
// slot" when larger: selecting the best of thousands compares integers,
// without branches, where pairs took a comparison function apiece. The
// float's bits are mapped to an unsigned order (negative scores below
// positive ones).
uint64_t RankKey(float score, uint32_t slot) {
  uint32_t bits = std::bit_cast<uint32_t>(score);
  bits = (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
  return (uint64_t{bits} << 32) | (~slot & 0xffffffffu);
}
uint32_t SlotOf(uint64_t key) { return ~static_cast<uint32_t>(key); }

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// (weight, slot) of every profile the query's viewer may be suggested
// that holds a query term that is not too common, unsorted, into
// scratch.ranked_lexical. Commonness counts what the viewer sees, so
// hidden profiles change nothing here.
void LexicalCandidates(const Query& q, const TargetFilter& filter,
                       Scratch& scratch) {
  const ProfileSet& target = *q.target;
  const size_t common =
      std::max<size_t>(1000, static_cast<size_t>(target.live(q.seen)) / 10);
  // Capability profiles are all public: then no posting needs the check
  // (it reads each posting's entry, a cache miss apiece).
  const bool all_public = target.live(Audience::kEveryone) == target.live();
  for (size_t i = 0; i < q.terms.size(); ++i) {
    if (target.DocumentFrequency(q.terms[i], q.seen) > common) continue;
    for (const Posting& p : target.Postings(q.terms[i])) {
      if (!all_public && !filter.Suggestible(target.entry(p.slot))) continue;
      float& weight = scratch.lexical[p.slot];
      if (weight == 0) scratch.lexical_touched.push_back(p.slot);
      weight += static_cast<float>(q.term_idf[i] * p.count / (p.count + 1.0));
    }
  }
  scratch.ranked_lexical.clear();
  for (uint32_t slot : scratch.lexical_touched) {
    scratch.ranked_lexical.push_back(RankKey(scratch.lexical[slot], slot));
  }
}

CandidatePool GroupByOrganization(const ProfileSet& target, Scratch& scratch) {
  scratch.grouped.clear();
  for (uint32_t slot : scratch.pool) {
    scratch.grouped.push_back(
        (uint64_t{target.entry(slot).organization} << 32) | slot);
  }
  std::sort(scratch.grouped.begin(), scratch.grouped.end());
  CandidatePool pool;
  pool.slots.reserve(scratch.grouped.size());
  for (uint64_t key : scratch.grouped) {
    const auto org = static_cast<uint32_t>(key >> 32);
    const auto at = static_cast<uint32_t>(pool.slots.size());
    if (pool.organizations.empty() ||
        pool.organizations.back().organization != org) {
      pool.organizations.push_back({org, at, at});
    }
    pool.slots.push_back(static_cast<uint32_t>(key));
    pool.organizations.back().end = at + 1;
  }
  return pool;
}

// (dense score, slot) of every allowed profile of the asker's partners,
// unsorted, into scratch.ranked_partner.
//
// An asker's partners hold thousands of profiles (CORDIS 2019 company
// queries: 3,400 on average, 18,000 at the 99th percentile), scattered
// over the catalog: each entry and vector is a cache miss. The loop asks
// for those of a few slots ahead, so the misses overlap.
void PartnerCandidates(const Catalog& catalog, const Query& q,
                       const TargetFilter& filter, Scratch& scratch) {
  const ProfileSet& target = *q.target;
  scratch.ranked_partner.clear();
  auto& slots = scratch.partner_slots;
  slots.clear();
  for (uint32_t partner : q.partners) {
    const auto& entry = catalog.organization(partner);
    const auto& of_partner = target.kind() == v1::RECORD_KIND_NEED
                                 ? entry.needs
                                 : entry.capabilities;
    slots.insert(slots.end(), of_partner.begin(), of_partner.end());
  }
  constexpr size_t kAhead = 8;
  const auto prefetch = [&](size_t i) {
    if (i >= slots.size() || slots[i] >= target.entries().size()) return;
    __builtin_prefetch(&target.entry(slots[i]), 0, 3);
    target.index().Prefetch(slots[i]);
  };
  for (size_t i = 0; i < kAhead; ++i) prefetch(i);
  for (size_t i = 0; i < slots.size(); ++i) {
    prefetch(i + kAhead);
    if (filter.IsAllowed(slots[i])) {
      scratch.ranked_partner.push_back(
          RankKey(target.index().Score(q.vector, slots[i]), slots[i]));
    }
  }
}

// Moves the best `n` of `ranked` (RankKeys: by score, then slot) to its
// front, in order; returns how many there are.
size_t BestFirst(std::vector<uint64_t>& ranked, int64_t n) {
  const size_t take = std::min<size_t>(ranked.size(), static_cast<size_t>(n));
  // Selection, then a sort of the chosen: linear in the list's length
  // where partial_sort paid a heap operation per element passed over.
  const auto end = ranked.begin() + static_cast<std::ptrdiff_t>(take);
  if (take < ranked.size()) {
    std::nth_element(ranked.begin(), end, ranked.end(), std::greater<>());
  }
  std::sort(ranked.begin(), end, std::greater<>());
  return take;
}

}  // namespace

absl::StatusOr<CandidatePool> RetrieveCandidates(
    const Catalog& catalog, const Query& q, const TargetFilter& filter,
    const RetrievalOptions& options) {
  const ProfileSet& target = *q.target;
  const int64_t slots = target.index().slots();
  Scratch& scratch = ThreadScratch();
  scratch.Reset(static_cast<size_t>(slots));
  LexicalCandidates(q, filter, scratch);
  scratch.ranked_partner.clear();
  if (options.partners) PartnerCandidates(catalog, q, filter, scratch);
  auto& lex = scratch.ranked_lexical;
  int64_t n = std::max<int64_t>(200, int64_t{options.k} * 20);
  while (true) {
    for (uint32_t s : scratch.pool) scratch.in_pool[s] = 0;
    scratch.pool.clear();
    // Earlier partners come in even when the text ranks them lower (trust
    // and shared partners may lift them), but only the n closest of their
    // profiles: an asker with thousands of partner profiles pays for n.
    const size_t partner_take = BestFirst(scratch.ranked_partner, n);
    for (size_t i = 0; i < partner_take; ++i) {
      scratch.AddToPool(SlotOf(scratch.ranked_partner[i]));
    }
    auto hits = target.index().Search(
        q.vector, static_cast<int>(std::min(n, slots)), &filter);
    if (!hits.ok()) return hits.status();
    for (const auto& h : *hits) {
      scratch.AddToPool(static_cast<uint32_t>(h.slot));
    }
    const size_t take = BestFirst(lex, n);
    for (size_t i = 0; i < take; ++i) {
      if (filter.IsAllowed(SlotOf(lex[i]))) scratch.AddToPool(SlotOf(lex[i]));
    }
    CandidatePool grouped = GroupByOrganization(target, scratch);
    if (static_cast<int>(grouped.organizations.size()) >= options.k ||
        n >= slots) {
      return grouped;
    }
    n *= 4;
  }
}

}  // namespace helixmatch
