// The ranking's weights and parameters, with their defaults and the
// version name that responses report next to the embedding model.
#ifndef HELIXMATCH_SERVICES_RANKING_WEIGHTS_H_
#define HELIXMATCH_SERVICES_RANKING_WEIGHTS_H_

namespace helixmatch {

// Version of the default weights below. They were fitted by
// scripts/fit-ranking.sh (coordinate ascent on nDCG@10) on CORDIS Horizon
// 2020 with profiles up to 2017 and queries from 2018 only; the 2019
// queries are kept for measuring. capacity and benefit_alignment have no
// signal in CORDIS and keep their hand-set values.
inline constexpr char kRankingWeightsVersion[] = "cordis-2017to2018-v1";

struct RankingWeights {
  // Topical fit of one profile = dense * cos + lexical * BM25 share.
  double dense = 0.5;
  double lexical = 0.25;
  // Organization-level features added to the best profile's fit.
  double depth = 0.20;
  double trust = 0.30;
  double proximity = 0.10;
  double capacity = 0.05;
  double benefit_alignment = 0.05;
  // log(1 + profiles of the organization) / log(1 + activity_saturation):
  // how active the organization is overall (a popularity prior).
  double activity = 0.025;
  int activity_saturation = 200;
  // Shared partners of the asker and the candidate (awareness through
  // partners' partners): 1 - exp(-shared / 2).
  double network = 0.20;
  // A profile "matches" (counts for depth) when its fit is at least this
  // share of the best fit among the candidates.
  double depth_match_share = 0.75;
  // Profiles counted for full depth.
  int depth_saturation = 8;
  // Half-life of a tie's weight in trust, years.
  double trust_half_life_years = 4.0;
  // BM25 parameters.
  double bm25_k1 = 1.2;
  double bm25_b = 0.75;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_RANKING_WEIGHTS_H_
