// Topical fit of single profiles with a query: the cosine of their
// vectors and a BM25 share over the query's terms, blended by the
// weights (fit = dense * cosine + lexical * BM25 share). Scoring
// allocates nothing per profile; the terms a profile matched are worked
// out only for the profiles an explanation shows (MatchedTerms).
//
// Call under the engine's read lock. Pure otherwise.
#ifndef HELIXMATCH_SERVICES_RANKING_PROFILE_FIT_H_
#define HELIXMATCH_SERVICES_RANKING_PROFILE_FIT_H_

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "services/catalog/catalog.h"
#include "services/query/query.h"
#include "services/ranking/weights.h"

namespace helixmatch {

struct ProfileFit {
  uint32_t slot = 0;   // in the query's target set
  double dense = 0;    // cosine, clamped at 0
  double lexical = 0;  // BM25 over the BM25 of a profile holding every term
  double fit = 0;
};

// The fit of each of `slots`, in the same order.
std::vector<ProfileFit> ScoreProfiles(const Query& query,
                                      const RankingWeights& weights,
                                      std::span<const uint32_t> slots);
// The same into `out` (cleared first), reusing its storage.
void ScoreProfilesInto(const Query& query, const RankingWeights& weights,
                       std::span<const uint32_t> slots,
                       std::vector<ProfileFit>* out);

// Best fit first; equal fits by profile id, so the order depends on the
// records alone, not on slots. `keep_first` leaves profiles[0] in place
// (an explained profile stays first).
void SortByFit(const ProfileSet& set, std::span<ProfileFit> profiles,
               bool keep_first = false);

// (BM25 part, term id) of each query term the profile in `slot` holds,
// strongest first; equal weights by the term's text.
std::vector<std::pair<double, uint32_t>> MatchedTerms(
    const Query& query, const RankingWeights& weights,
    const TermDictionary& terms, uint32_t slot);

// The text an explanation shows for a matched term: the term, or for an
// equivalent of an asked word in another language both, "медь → copper".
std::string MatchedTermText(const Query& query, const TermDictionary& terms,
                            uint32_t term);

// Strongest term first; equal weights by the term's text.
void SortMatchedTerms(const TermDictionary& terms,
                      std::vector<std::pair<double, uint32_t>>* matched);

// The highest fit among `profiles`; 0 when empty.
double BestFit(std::span<const ProfileFit> profiles);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_RANKING_PROFILE_FIT_H_
