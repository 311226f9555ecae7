#include "services/ranking.h"

#include <algorithm>
#include <cmath>

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
  std::optional<double> channels, benefits;
  if (!need.channels_wanted().empty() &&
      !capability.channels_offered().empty()) {
    int hit = 0;
    for (int c : need.channels_wanted()) {
      if (std::find(capability.channels_offered().begin(),
                    capability.channels_offered().end(),
                    c) != capability.channels_offered().end()) {
        ++hit;
      }
    }
    channels = static_cast<double>(hit) / need.channels_wanted_size();
  }
  if (!need.benefits_sought().empty() &&
      !capability.benefits_sought().empty()) {
    int hit = 0;
    for (int b : need.benefits_sought()) {
      if (std::find(capability.benefits_sought().begin(),
                    capability.benefits_sought().end(),
                    b) != capability.benefits_sought().end()) {
        ++hit;
      }
    }
    const int total = need.benefits_sought_size() +
                      capability.benefits_sought_size() - hit;
    benefits = static_cast<double>(hit) / std::max(1, total);
  }
  if (channels && benefits) return 0.6 * *channels + 0.4 * *benefits;
  if (channels) return channels;
  return benefits;
}

}  // namespace helixmatch
