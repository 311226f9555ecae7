#include "services/ranking/profile_fit.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace helixmatch {
namespace {

// The BM25 normalisation of a profile of `length` tokens.
double Norm(const RankingWeights& w, uint32_t length, double average_length) {
  return w.bm25_k1 *
         (1 - w.bm25_b + w.bm25_b * length / std::max(1.0, average_length));
}

// The BM25 of a profile holding every asked term (or, for an asked word
// that is no term, its best equivalent).
double Bm25Max(const Query& q, const RankingWeights& w) {
  return q.idf_total * (w.bm25_k1 + 1);
}

// Calls on_match(query term index, BM25 part) for each query term the
// profile holds; both term lists are sorted by term id, so this merges.
template <class OnMatch>
void MergeTerms(const Query& q, const RankingWeights& w, const ProfileEntry& e,
                double norm, OnMatch on_match) {
  size_t i = 0, j = 0;
  while (i < q.terms.size() && j < e.terms.size()) {
    if (q.terms[i] < e.terms[j].term) {
      ++i;
    } else if (e.terms[j].term < q.terms[i]) {
      ++j;
    } else {
      const double tf = e.terms[j].count;
      on_match(i, q.term_idf[i] * tf * (w.bm25_k1 + 1) / (tf + norm));
      ++i;
      ++j;
    }
  }
}

}  // namespace

void ScoreProfilesInto(const Query& q, const RankingWeights& w,
                       std::span<const uint32_t> slots,
                       std::vector<ProfileFit>* out) {
  const double average_length = q.target->average_length(q.seen);
  const double bm25_max = Bm25Max(q, w);
  out->clear();
  out->reserve(slots.size());
  // The slots are scattered over the catalog, and each one's entry, vector
  // and term list is a cache miss: they are asked for ahead, the entry and
  // vector 8 slots ahead, the term list (whose address is in the entry)
  // 4 ahead.
  const ProfileSet& target = *q.target;
  const auto prefetch = [&](size_t i) {
    if (i + 8 < slots.size()) {
      __builtin_prefetch(&target.entry(slots[i + 8]), 0, 3);
      target.index().Prefetch(slots[i + 8]);
    }
    if (i + 4 < slots.size()) {
      __builtin_prefetch(target.entry(slots[i + 4]).terms.data(), 0, 3);
    }
  };
  for (size_t i = 0; i < slots.size(); ++i) {
    prefetch(i);
    const uint32_t slot = slots[i];
    const ProfileEntry& e = target.entry(slot);
    ProfileFit c;
    c.slot = slot;
    c.dense = std::max(0.0f, q.target->index().Score(q.vector, slot));
    double bm25 = 0;
    MergeTerms(q, w, e, Norm(w, e.length, average_length),
               [&bm25](size_t, double part) { bm25 += part; });
    c.lexical = bm25_max > 0 ? std::min(1.0, bm25 / bm25_max) : 0.0;
    c.fit = w.dense * c.dense + w.lexical * c.lexical;
    out->push_back(c);
  }
}

std::vector<ProfileFit> ScoreProfiles(const Query& q, const RankingWeights& w,
                                      std::span<const uint32_t> slots) {
  std::vector<ProfileFit> out;
  ScoreProfilesInto(q, w, slots, &out);
  return out;
}

std::vector<std::pair<double, uint32_t>> MatchedTerms(
    const Query& q, const RankingWeights& w, const TermDictionary& terms,
    uint32_t slot) {
  const ProfileEntry& e = q.target->entry(slot);
  std::vector<std::pair<double, uint32_t>> matched;
  MergeTerms(
      q, w, e, Norm(w, e.length, q.target->average_length(q.seen)),
      [&](size_t i, double part) { matched.emplace_back(part, q.terms[i]); });
  SortMatchedTerms(terms, &matched);
  return matched;
}

void SortByFit(const ProfileSet& set, std::span<ProfileFit> profiles,
               bool keep_first) {
  if (profiles.empty()) return;
  std::sort(profiles.begin() + (keep_first ? 1 : 0), profiles.end(),
            [&set](const ProfileFit& a, const ProfileFit& b) {
              if (a.fit != b.fit) return a.fit > b.fit;
              return set.entry(a.slot).id < set.entry(b.slot).id;
            });
}

std::string MatchedTermText(const Query& q, const TermDictionary& terms,
                            uint32_t term) {
  const auto it = std::lower_bound(q.terms.begin(), q.terms.end(), term);
  const size_t i = static_cast<size_t>(it - q.terms.begin());
  if (it == q.terms.end() || *it != term || i >= q.term_via.size() ||
      q.term_via[i] == kNoIndex) {
    return terms.Term(term);
  }
  return absl::StrCat(q.via_words[q.term_via[i]].text, " → ", terms.Term(term));
}

void SortMatchedTerms(const TermDictionary& terms,
                      std::vector<std::pair<double, uint32_t>>* matched) {
  std::sort(matched->begin(), matched->end(),
            [&terms](const auto& a, const auto& b) {
              if (a.first != b.first) return a.first > b.first;
              return terms.Term(a.second) < terms.Term(b.second);
            });
}

double BestFit(std::span<const ProfileFit> profiles) {
  double best = 0;
  for (const auto& p : profiles) best = std::max(best, p.fit);
  return best;
}

}  // namespace helixmatch
