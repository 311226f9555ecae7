// Earlier partnerships like a proposal: the ties of either party, the
// pair's own first, then other pairs' ties whose reference text is close
// to the proposal's (cosine of their embeddings). Only ties the reader
// (`viewer`) may see are listed.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_SIMILAR_PARTNERSHIPS_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_SIMILAR_PARTNERSHIPS_H_

#include <cstdint>
#include <span>

#include "helixmatch/v1/matching.pb.h"
#include "indexer/embedder.h"
#include "services/catalog/catalog.h"
#include "services/catalog/visibility.h"

namespace helixmatch {

// Earlier partnerships of other pairs are shown from this similarity up
// (cosines of GloVe means run high: unrelated references score ~0.5).
inline constexpr double kMinSimilarity = 0.65;
inline constexpr int kMaxSimilar = 5;

void AddSimilarPartnerships(const Catalog& catalog, const Embedder& embedder,
                            const Viewer& viewer, uint32_t university,
                            uint32_t firm,
                            std::span<const float> proposal_vector,
                            v1::ScreeningReport* report);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_SIMILAR_PARTNERSHIPS_H_
