#include "services/ranking.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace helixmatch {

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

double ProximityFeature(const v1::Organization& a, const v1::Organization& b) {
  if (a.country() != b.country()) return 0.0;
  if (!a.city().empty() && a.city() == b.city()) return 1.0;
  if (!a.region().empty() && a.region() == b.region()) return 0.75;
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

std::optional<double> BenefitAlignmentFeature(
    const v1::FirmNeed& need, const v1::CapabilityProfile& capability) {
  // Lists may repeat a value; compare them as sets.
  const auto as_set = [](const auto& list) {
    return std::set<int>(list.begin(), list.end());
  };
  const auto overlap = [](const std::set<int>& a, const std::set<int>& b) {
    int hit = 0;
    for (int x : a) hit += static_cast<int>(b.count(x));
    return hit;
  };
  std::optional<double> channels, benefits;
  const auto wanted = as_set(need.channels_wanted());
  const auto offered = as_set(capability.channels_offered());
  if (!wanted.empty() && !offered.empty()) {
    channels = static_cast<double>(overlap(wanted, offered)) / wanted.size();
  }
  const auto sought = as_set(need.benefits_sought());
  const auto lab_sought = as_set(capability.benefits_sought());
  if (!sought.empty() && !lab_sought.empty()) {
    const int hit = overlap(sought, lab_sought);
    const int total = static_cast<int>(sought.size() + lab_sought.size()) - hit;
    benefits = static_cast<double>(hit) / total;
  }
  if (channels && benefits) return 0.6 * *channels + 0.4 * *benefits;
  if (channels) return channels;
  return benefits;
}

}  // namespace helixmatch
