#include "services/ranking/features.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>

namespace helixmatch {

PairSides SidesOf(const Catalog& catalog, const Query& q, uint32_t organization,
                  const ProfileEntry& representative) {
  const bool need_side = q.direction == v1::DIRECTION_CAPABILITY_TO_NEEDS;
  const v1::Organization* requester =
      q.requester != kNoIndex ? catalog.organization(q.requester).record.get()
                              : nullptr;
  const v1::Organization* candidate =
      catalog.organization(organization).record.get();
  PairSides sides;
  sides.university = need_side ? requester : candidate;
  sides.firm = need_side ? candidate : requester;
  sides.capability = need_side ? q.capability : representative.capability.get();
  sides.need = need_side ? representative.need.get() : q.need;
  sides.university_index = need_side ? q.requester : organization;
  sides.firm_index = need_side ? organization : q.requester;
  return sides;
}

bool CountsForDepth(const ProfileFit& c, double best_fit,
                    const RankingWeights& w, const Query& q) {
  return c.fit > 0 && c.fit >= w.depth_match_share * best_fit &&
         c.fit >= q.min_match_fit;
}

void AddPairFeatures(const Catalog& catalog, const Query& q,
                     const PairSides& sides, OrganizationFeatures* f) {
  if (sides.university_index == kNoIndex) return;
  const OrganizationEntry& university =
      catalog.organization(sides.university_index);
  const v1::FundingCall& call = q.funding_call;
  if (!call.programme().empty() || !call.topic().empty()) {
    const auto count = [](const absl::flat_hash_map<std::string, int>& map,
                          const std::string& key) {
      if (key.empty()) return 0;
      const auto it = map.find(key);
      return it == map.end() ? 0 : it->second;
    };
    f->call_family_profiles = count(university.call_families, q.call_family);
    f->programme_profiles = count(university.programmes, call.programme());
  }
  f->firm_partners = university.firm_partners;
  if (sides.firm_index == kNoIndex) return;
  const OrganizationEntry& firm = catalog.organization(sides.firm_index);
  const auto at = std::lower_bound(firm.partners.begin(), firm.partners.end(),
                                   sides.university_index);
  const int pair_ties =
      at != firm.partners.end() && *at == sides.university_index
          ? static_cast<int>(firm.partner_ties[static_cast<size_t>(
                at - firm.partners.begin())])
          : 0;
  f->tie_share = firm.university_ties > 0
                     ? static_cast<double>(pair_ties) / firm.university_ties
                     : 0.0;
  f->same_country = firm.country == university.country;
  if (university.firm_partners > 0) {
    const auto it = university.firm_partners_by_country.find(firm.country);
    f->country_affinity =
        it == university.firm_partners_by_country.end()
            ? 0.0
            : static_cast<double>(it->second) / university.firm_partners;
  }
}

OrganizationFeatures ComputeFeatures(const Catalog& catalog, const Query& q,
                                     const RankingWeights& w,
                                     int reference_year, uint32_t organization,
                                     std::span<const ProfileFit> profiles,
                                     double best_fit) {
  OrganizationFeatures f = ScoredFeatures(catalog, q, w, reference_year,
                                          organization, profiles, best_fit);
  AddPairFeatures(
      catalog, q,
      SidesOf(catalog, q, organization, q.target->entry(profiles.front().slot)),
      &f);
  return f;
}

OrganizationFeatures ScoredFeatures(const Catalog& catalog, const Query& q,
                                    const RankingWeights& w,
                                    int reference_year, uint32_t organization,
                                    std::span<const ProfileFit> profiles,
                                    double best_fit) {
  const OrganizationEntry& org = catalog.organization(organization);
  const ProfileFit& best = profiles.front();
  const PairSides sides =
      SidesOf(catalog, q, organization, q.target->entry(best.slot));
  const bool need_side = q.direction == v1::DIRECTION_CAPABILITY_TO_NEEDS;
  OrganizationFeatures f;
  f.dense = best.dense;
  f.lexical = best.lexical;
  f.topical_fit = best.fit;
  for (const ProfileFit& p : profiles) {
    f.best_lexical = std::max(f.best_lexical, p.lexical);
  }
  f.matching_profiles = static_cast<int>(std::count_if(
      profiles.begin(), profiles.end(),
      [&](const ProfileFit& c) { return CountsForDepth(c, best_fit, w, q); }));
  f.total_profiles =
      static_cast<int>(need_side ? org.needs.size() : org.capabilities.size());
  f.depth = std::min(1.0, std::log2(1.0 + f.matching_profiles) /
                              std::log2(1.0 + std::max(1, w.depth_saturation)));
  if (q.requester != kNoIndex) {
    // No tie, no trust: a history is gathered for partners only.
    f.trust = 0.0;
    if (std::binary_search(q.partners.begin(), q.partners.end(),
                           organization)) {
      const PairHistory history =
          catalog.HistoryBetween(q.requester, organization);
      f.trust = TrustFeature(history, reference_year, w.trust_half_life_years);
      int latest = 0;
      for (const v1::Tie* tie : history.ties) {
        latest = std::max(latest, tie->year());
      }
      if (latest > 0) f.years_since_tie = std::max(0, reference_year - latest);
    }
    f.proximity = ProximityFeature(catalog.organization(q.requester), org);
  }
  const v1::Organization* capacity_org =
      need_side ? sides.firm : sides.university;
  if (capacity_org != nullptr) f.capacity = CapacityFeature(*capacity_org);
  if (sides.need != nullptr && sides.capability != nullptr) {
    f.benefit_alignment =
        BenefitAlignmentFeature(*sides.need, *sides.capability);
  }
  f.activity =
      std::min(1.0, std::log1p(f.total_profiles) /
                        std::log1p(std::max(1, w.activity_saturation)));
  if (w.network > 0 && !q.partners.empty()) {
    f.network = NetworkFeature(catalog, organization, q.requester, q.partners);
  }
  return f;
}

size_t CountCommon(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (a.empty()) return 0;
  size_t common = 0;
  if (a.size() * static_cast<size_t>(std::bit_width(b.size())) <
      a.size() + b.size()) {
    for (uint32_t x : a) {
      common += std::binary_search(b.begin(), b.end(), x) ? 1 : 0;
    }
    return common;
  }
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return common;
}

double NetworkFeature(const Catalog& catalog, uint32_t organization,
                      uint32_t requester, std::span<const uint32_t> partners) {
  const std::vector<uint32_t>& mine = catalog.PartnersOf(organization);
  size_t shared = CountCommon(mine, partners);
  // The asker itself does not count (it can be in both lists only
  // through a tie with itself).
  if (shared > 0 && std::binary_search(mine.begin(), mine.end(), requester) &&
      std::binary_search(partners.begin(), partners.end(), requester)) {
    --shared;
  }
  return 1.0 - std::exp(-static_cast<double>(shared) / 2);
}

double TrustFeature(const PairHistory& history, int reference_year,
                    double half_life_years) {
  double sum = 0;
  for (const v1::Tie* tie : history.ties) {
    double weight;
    switch (tie->outcome()) {
      case v1::TIE_OUTCOME_COMPLETED:
        weight = 1.0;
        break;
      case v1::TIE_OUTCOME_ONGOING:
        weight = 0.8;
        break;
      case v1::TIE_OUTCOME_FAILED:
        weight = 0.1;
        break;
      default:
        weight = 0.5;
    }
    const double age = std::max(0, reference_year - tie->year());
    sum += weight * std::pow(0.5, age / half_life_years);
  }
  return 1.0 - std::exp(-sum);
}

double ProximityFeature(const OrganizationEntry& a,
                        const OrganizationEntry& b) {
  if (a.country != b.country) return 0.0;
  if (a.city != kNoIndex && a.city == b.city) return 1.0;
  if (a.region != kNoIndex && a.region == b.region) return 0.75;
  return 0.5;
}

std::optional<double> CapacityFeature(const v1::Organization& org) {
  if (!org.has_signals()) return std::nullopt;
  const auto& s = org.signals();
  double sum = 0;
  int n = 0;
  if (org.kind() == v1::ORGANIZATION_KIND_FIRM) {
    if (s.has_rd_staff()) {
      sum += std::min(1.0, s.rd_staff() / 10.0);
      ++n;
    }
    if (s.has_phd_staff()) {
      sum += std::min(1.0, s.phd_staff() / 3.0);
      ++n;
    }
  } else {
    if (s.has_publications_per_year() && s.has_researchers() &&
        s.researchers() > 0) {
      sum += std::min(1.0, static_cast<double>(s.publications_per_year()) /
                               s.researchers());
      ++n;
    }
    if (s.has_active_projects()) {
      sum += std::min(1.0, s.active_projects() / 10.0);
      ++n;
    }
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

namespace {

// A list of enum values as a set of bits. Records are checked to hold
// known values only (all below 64); anything else gives nullopt and the
// caller compares the lists as sets.
std::optional<uint64_t> AsBits(
    const google::protobuf::RepeatedField<int>& list) {
  uint64_t bits = 0;
  for (int x : list) {
    if (x < 0 || x >= 64) return std::nullopt;
    bits |= uint64_t{1} << x;
  }
  return bits;
}

// |a ∩ b| and |a|, |b| of two lists compared as sets.
struct Overlap {
  int common = 0, a = 0, b = 0;
};

Overlap OverlapOf(const google::protobuf::RepeatedField<int>& a,
                  const google::protobuf::RepeatedField<int>& b) {
  const auto bits_a = AsBits(a), bits_b = AsBits(b);
  if (bits_a && bits_b) {
    return {std::popcount(*bits_a & *bits_b), std::popcount(*bits_a),
            std::popcount(*bits_b)};
  }
  const std::set<int> set_a(a.begin(), a.end()), set_b(b.begin(), b.end());
  Overlap o{0, static_cast<int>(set_a.size()), static_cast<int>(set_b.size())};
  for (int x : set_a) o.common += static_cast<int>(set_b.count(x));
  return o;
}

}  // namespace

std::optional<double> BenefitAlignmentFeature(
    const v1::FirmNeed& need, const v1::CapabilityProfile& capability) {
  // Lists may repeat a value; they are compared as sets, which for known
  // enum values are bit sets (this runs for every candidate organization).
  std::optional<double> channels, benefits;
  const Overlap c =
      OverlapOf(need.channels_wanted(), capability.channels_offered());
  if (c.a > 0 && c.b > 0) {
    channels = static_cast<double>(c.common) / c.a;
  }
  const Overlap b =
      OverlapOf(need.benefits_sought(), capability.benefits_sought());
  if (b.a > 0 && b.b > 0) {
    benefits = static_cast<double>(b.common) / (b.a + b.b - b.common);
  }
  if (channels && benefits) return 0.6 * *channels + 0.4 * *benefits;
  if (channels) return channels;
  return benefits;
}

}  // namespace helixmatch
