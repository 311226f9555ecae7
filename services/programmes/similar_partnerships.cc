#include "services/programmes/similar_partnerships.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <utility>
#include <vector>

#include "indexer/text_analyzer.h"

namespace helixmatch {
namespace {

double Cosine(std::span<const float> a, std::span<const float> b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? std::max(0.0, dot / std::sqrt(na * nb)) : 0.0;
}

}  // namespace

void AddSimilarPartnerships(const Catalog& catalog, const Embedder& embedder,
                            const Viewer& viewer, uint32_t university,
                            uint32_t firm,
                            std::span<const float> proposal_vector,
                            v1::ScreeningReport* report) {
  std::vector<std::pair<double, const TieEntry*>> similar;
  std::unordered_set<uint32_t> seen;
  for (uint32_t side : {university, firm}) {
    for (uint32_t t : catalog.organization(side).ties) {
      if (!seen.insert(t).second) continue;
      const TieEntry& tie = catalog.ties()[t];
      if (!tie.live || tie.record->reference().empty() ||
          !MaySee(viewer, *tie.record)) {
        continue;
      }
      const auto v = embedder.Embed(Tokenize(tie.record->reference()));
      similar.emplace_back(Cosine(v, proposal_vector), &tie);
    }
  }
  const auto same = [&](const TieEntry* t) {
    return (t->a == university && t->b == firm) ||
           (t->a == firm && t->b == university);
  };
  std::sort(similar.begin(), similar.end(), [&](const auto& a, const auto& b) {
    if (same(a.second) != same(b.second)) return same(a.second);
    return a.first > b.first;
  });
  for (const auto& [cosine, t] : similar) {
    if (report->similar_size() >= kMaxSimilar) break;
    if (!same(t) && cosine < kMinSimilarity) continue;
    auto* s = report->add_similar();
    *s->mutable_tie() = *t->record;
    s->set_same_pair(same(t));
    s->set_similarity(cosine);
  }
}

}  // namespace helixmatch
