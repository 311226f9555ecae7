#include "services/ranking/profile_fit.h"

#include <algorithm>

namespace helixmatch {
namespace {

ProfileFit ScoreProfile(const Query& q, const RankingWeights& w,
                        double average_length, double bm25_max, uint32_t slot) {
  const ProfileEntry& e = q.target->entry(slot);
  ProfileFit c;
  c.slot = slot;
  c.dense = std::max(0.0f, q.target->index().Score(q.vector, slot));
  double bm25 = 0;
  const double norm =
      w.bm25_k1 *
      (1 - w.bm25_b + w.bm25_b * e.length / std::max(1.0, average_length));
  // Both term lists are sorted by term id: merge.
  size_t i = 0, j = 0;
  while (i < q.terms.size() && j < e.terms.size()) {
    if (q.terms[i] < e.terms[j].term) {
      ++i;
    } else if (e.terms[j].term < q.terms[i]) {
      ++j;
    } else {
      const double tf = e.terms[j].count;
      const double part = q.term_idf[i] * tf * (w.bm25_k1 + 1) / (tf + norm);
      bm25 += part;
      c.matched.emplace_back(part, q.terms[i]);
      ++i;
      ++j;
    }
  }
  c.lexical = bm25_max > 0 ? std::min(1.0, bm25 / bm25_max) : 0.0;
  c.fit = w.dense * c.dense + w.lexical * c.lexical;
  return c;
}

}  // namespace

std::vector<ProfileFit> ScoreProfiles(const Query& q, const RankingWeights& w,
                                      std::span<const uint32_t> slots) {
  const double average_length = q.target->average_length(q.seen);
  double bm25_max = 0;  // the BM25 of a profile holding every query term
  for (double idf : q.term_idf) bm25_max += idf * (w.bm25_k1 + 1);
  std::vector<ProfileFit> out;
  out.reserve(slots.size());
  for (uint32_t slot : slots) {
    out.push_back(ScoreProfile(q, w, average_length, bm25_max, slot));
  }
  return out;
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
