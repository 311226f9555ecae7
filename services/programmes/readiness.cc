#include "services/programmes/readiness.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/ranking/features.h"

namespace helixmatch {
namespace {

double SeverityWeight(v1::Severity s) {
  switch (s) {
    case v1::SEVERITY_HIGH:
      return 1.0;
    case v1::SEVERITY_MEDIUM:
      return 0.6;
    case v1::SEVERITY_LOW:
      return 0.3;
    default:
      return 0.0;
  }
}

const char* BandOf(double score) {
  return score >= kReadyBand    ? "ready"
         : score >= kReviewBand ? "review with care"
                                : "not ready";
}

// Adds one component and returns its weighted value.
double Component(v1::Readiness* r, const char* name, double value,
                 double weight, std::string note) {
  auto* c = r->add_components();
  c->set_name(name);
  c->set_value(std::clamp(value, 0.0, 1.0));
  c->set_weight(weight);
  c->set_note(std::move(note));
  return std::clamp(value, 0.0, 1.0) * weight;
}

double BarrierComponent(const v1::ScreeningReport& report, v1::Readiness* r) {
  double weight_sum = 0;
  int known = 0, high = 0;
  for (const auto& b : report.barriers()) {
    if (b.severity() == v1::SEVERITY_UNKNOWN ||
        b.severity() == v1::SEVERITY_UNSPECIFIED) {
      continue;
    }
    weight_sum += SeverityWeight(b.severity());
    ++known;
    high += b.severity() == v1::SEVERITY_HIGH ? 1 : 0;
  }
  return Component(
      r, "barriers",
      (known > 0 ? 1.0 - weight_sum / known : 0.5) - kHighBarrierPenalty * high,
      kBarrierWeight,
      absl::StrCat(known, " of ", report.barriers_size(),
                   " barriers assessed, ", high, " high (each takes ",
                   kHighBarrierPenalty,
                   " off); 1 means none stands in the way"));
}

// Caps for ineligibility and conflicts, with the component saying why.
double ApplyCaps(const v1::ScreeningReport& report, double score,
                 v1::Readiness* r) {
  if (!report.eligible()) {
    Component(
        r, "eligibility", 0, 0,
        absl::StrCat("ineligible: the score is capped at ", kIneligibleCap));
    return std::min(score, kIneligibleCap);
  }
  if (report.conflicts_size() > 0) {
    Component(r, "eligibility", 1, 0,
              absl::StrCat("eligible, but conflicts of interest cap the score "
                           "at ",
                           kConflictCap));
    return std::min(score, kConflictCap);
  }
  Component(r, "eligibility", 1, 0, "eligible");
  return score;
}

}  // namespace

void ScoreReadiness(const PairHistory& history,
                    const v1::Organization& university, bool has_need,
                    const RankingWeights& weights, int reference_year,
                    v1::ScreeningReport* report) {
  auto* r = report->mutable_readiness();
  const auto& fit = report->fit();
  double score = 0;
  const double topic = has_need
                           ? 0.5 * fit.university_fit() + 0.5 * fit.firm_fit()
                           : fit.university_fit();
  score += Component(r, "fit", topic, kFitWeight,
                     has_need ? "mean of the university and firm fits"
                              : "university fit; the firm has no need on "
                                "record");
  score += Component(
      r, "trust",
      TrustFeature(history, reference_year, weights.trust_half_life_years),
      kTrustWeight,
      absl::StrCat(history.ties.size(), " earlier tie(s) of the pair"));
  const auto capacity = CapacityFeature(university);
  score += Component(r, "capacity", capacity.value_or(0.5), kCapacityWeight,
                     capacity ? "university's research capacity signals"
                              : "no capacity signal: counted as 0.5");
  score += BarrierComponent(*report, r);
  const int steps = report->pathway().steps_size();
  score +=
      Component(r, "pathway", steps <= 1 ? 1.0 : 1.0 / steps, kPathwayWeight,
                absl::StrCat(steps,
                             " pathway step(s) to the planned rung; one "
                             "step is the natural next one"));
  score = ApplyCaps(*report, score, r);
  r->set_score(score);
  r->set_band(BandOf(score));
}

void CapReadinessForConflict(v1::ScreeningReport* report) {
  auto* r = report->mutable_readiness();
  if (report->eligible() && r->score() > kConflictCap) {
    r->set_score(kConflictCap);
    r->set_band(BandOf(kConflictCap));
  }
}

}  // namespace helixmatch
