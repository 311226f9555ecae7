// What the ranking knows of one candidate organization for one query:
// the fit of its best profile, the depth of its profiles in the topic,
// trust from the pair's history, proximity, capacity, benefit alignment,
// activity and shared partners. Every feature is in [0, 1]; a feature
// without a signal is nullopt (reported as unknown, weighed as 0).
// Computed for every candidate organization, so it builds no text.
//
// Call under the engine's read lock. Pure otherwise.
#ifndef HELIXMATCH_SERVICES_RANKING_FEATURES_H_
#define HELIXMATCH_SERVICES_RANKING_FEATURES_H_

#include <cstdint>
#include <optional>
#include <span>

#include "helixmatch/v1/records.pb.h"
#include "services/catalog/catalog.h"
#include "services/partnership/pair_history.h"
#include "services/query/query.h"
#include "services/ranking/profile_fit.h"
#include "services/ranking/weights.h"

namespace helixmatch {

struct OrganizationFeatures {
  // Of the organization's representative profile (its best, or the one an
  // Explain request names).
  double dense = 0;
  double lexical = 0;
  double topical_fit = 0;
  int matching_profiles = 0;  // candidates that CountForDepth
  int total_profiles = 0;     // live profiles of the searched kind
  double depth = 0;
  std::optional<double> trust;      // nullopt: no requester
  std::optional<double> proximity;  // nullopt: no requester
  std::optional<double> capacity;
  std::optional<double> benefit_alignment;
  double activity = 0;
  double network = 0;  // 0 when the weight is 0 or the asker has no partner
  // Call-aware: the university side's capability profiles in the query's
  // call family and programme part; nullopt when the query names no call.
  std::optional<int> call_family_profiles;
  std::optional<int> programme_profiles;
  // The best BM25 share among the organization's candidate profiles, and
  // its rank among all candidate organizations of the query, 1 = best; 0
  // when the organization is ranked alone (Explain).
  double best_lexical = 0;
  int lexical_rank = 0;
  // Of the pair (nullopt while the firm side is unknown): the share of the
  // firm's live university ties held by the university (0 when the firm
  // has none) and the years since their latest tie (nullopt if none).
  std::optional<double> tie_share;
  std::optional<int> years_since_tie;
  // Distinct firms the university side is tied to, and the share of them
  // in the firm's country (nullopt without a firm or without firm
  // partners).
  int firm_partners = 0;
  std::optional<double> country_affinity;
  std::optional<bool> same_country;
};

// The two sides of a suggested pair: the university holds the capability,
// the firm the need, whichever of the two asks. A side is null when
// unknown (a free-text query without requester).
struct PairSides {
  const v1::Organization* university = nullptr;
  const v1::Organization* firm = nullptr;
  const v1::CapabilityProfile* capability = nullptr;
  const v1::FirmNeed* need = nullptr;
  uint32_t university_index = kNoIndex;
  uint32_t firm_index = kNoIndex;
};

// `representative` is the candidate organization's profile in the
// query's target set.
PairSides SidesOf(const Catalog& catalog, const Query& query,
                  uint32_t organization, const ProfileEntry& representative);

// Whether a profile counts for topic depth: a positive fit of at least
// depth_match_share of the best fit among all candidates and at least the
// query's min_match_fit.
bool CountsForDepth(const ProfileFit& profile, double best_fit,
                    const RankingWeights& weights, const Query& query);

// `profiles` are the organization's candidate profiles, the
// representative first; `best_fit` the best fit among all candidates.
// All features: ScoredFeatures, then AddPairFeatures.
OrganizationFeatures ComputeFeatures(const Catalog& catalog, const Query& query,
                                     const RankingWeights& weights,
                                     int reference_year, uint32_t organization,
                                     std::span<const ProfileFit> profiles,
                                     double best_fit);

// Every feature but the pair features (AddPairFeatures): what ranking
// needs of every candidate. The weighted score never reads the pair
// features; only the learned ranker and the breakdown do, so ranking adds
// them to the candidates it keeps (their cost follows the top k, not the
// candidate count).
OrganizationFeatures ScoredFeatures(const Catalog& catalog, const Query& query,
                                    const RankingWeights& weights,
                                    int reference_year, uint32_t organization,
                                    std::span<const ProfileFit> profiles,
                                    double best_fit);

// The call-aware and tie-graph features of the pair `sides` names (the
// university's call experience, tie share, firm partners, country
// affinity); O(log partners of the firm).
void AddPairFeatures(const Catalog& catalog, const Query& query,
                     const PairSides& sides, OrganizationFeatures* features);

// 1 - exp(-sum of tie weights): a completed tie weighs 1, ongoing 0.8,
// unknown outcome 0.5, failed 0.1, each halved every half-life.
double TrustFeature(const PairHistory& history, int reference_year,
                    double half_life_years);

// Same city 1, same region 0.75, same country 0.5, else 0 (from the
// catalog's place ids: this runs for every candidate, and compares no
// string).
double ProximityFeature(const OrganizationEntry& a, const OrganizationEntry& b);

// Research capacity of a university (or absorptive capacity of a firm)
// from its signals; nullopt when it has none of them.
std::optional<double> CapacityFeature(const v1::Organization& org);

// Share of the channels the firm wants that the lab offers, blended with
// the overlap of benefits sought; nullopt when either side lists none.
std::optional<double> BenefitAlignmentFeature(
    const v1::FirmNeed& need, const v1::CapabilityProfile& capability);

// 1 - exp(-shared / 2) over the organizations tied to both the candidate
// and the asker (other than the asker); `partners` is the asker's,
// ascending. Costs O(min(a log b, a + b)) for partner lists of a and b.
double NetworkFeature(const Catalog& catalog, uint32_t organization,
                      uint32_t requester, std::span<const uint32_t> partners);

// Elements common to two ascending lists without repeats.
size_t CountCommon(std::span<const uint32_t> a, std::span<const uint32_t> b);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_RANKING_FEATURES_H_
