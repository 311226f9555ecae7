#include "services/explain/suggestion.h"

#include <algorithm>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "indexer/records.h"
#include "services/partnership/barrier_model.h"
#include "services/partnership/engagement_ladder.h"

namespace helixmatch {
namespace {

constexpr int kMatchedTermsShown = 8;
constexpr int kEvidenceTerms = 10;
constexpr int kMatchingReferences = 3;

// The shown profiles with their matched terms; then the strongest terms
// over all of them as the suggestion's evidence.
void AddProfilesAndEvidence(const Catalog& catalog, const Query& q,
                            const RankingWeights& w,
                            const RankedOrganization& ranked, int shown,
                            v1::Suggestion* s) {
  std::vector<std::pair<double, uint32_t>> terms;
  const int n = std::min(static_cast<int>(ranked.profiles.size()), shown);
  for (int i = 0; i < n; ++i) {
    const ProfileFit& c = ranked.profiles[static_cast<size_t>(i)];
    const ProfileEntry& e = q.target->entry(c.slot);
    auto* m = s->add_profiles();
    m->set_id(e.id);
    m->set_title(e.title());
    if (e.capability) {
      m->set_reference(e.capability->reference());
      m->set_year(e.capability->year());
    }
    m->set_score(c.fit);
    m->set_dense(c.dense);
    m->set_lexical(c.lexical);
    for (const auto& [weight, term] :
         MatchedTerms(q, w, catalog.terms(), c.slot)) {
      if (m->matched_terms_size() < kMatchedTermsShown) {
        m->add_matched_terms(MatchedTermText(q, catalog.terms(), term));
      }
      terms.emplace_back(weight, term);
    }
  }
  SortMatchedTerms(catalog.terms(), &terms);
  std::unordered_set<uint32_t> used;
  for (const auto& [weight, term] : terms) {
    if (s->evidence_terms_size() >= kEvidenceTerms) break;
    if (used.insert(term).second) {
      s->add_evidence_terms(MatchedTermText(q, catalog.terms(), term));
    }
  }
}

v1::LadderStep LadderFor(const PairSides& sides, const PairHistory& history) {
  LadderInput ladder;
  ladder.covered_rung = history.covered_rung;
  if (sides.need != nullptr) {
    for (int c : sides.need->channels_wanted()) {
      ladder.wanted.push_back(static_cast<v1::Channel>(c));
    }
  }
  if (sides.capability != nullptr) {
    for (int c : sides.capability->channels_offered()) {
      ladder.offered.push_back(static_cast<v1::Channel>(c));
    }
  }
  return RecommendLadderStep(ladder);
}

bool IsResearchSide(const v1::Organization& org) {
  return org.kind() == v1::ORGANIZATION_KIND_UNIVERSITY ||
         org.kind() == v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE;
}

// Shared partners of the pair, and the firm's ties with any university.
void AddNetworkSignals(const Catalog& catalog, const PairSides& sides,
                       BarrierInput* in) {
  if (sides.university_index == kNoIndex || sides.firm_index == kNoIndex) {
    return;
  }
  const std::vector<uint32_t>& of_university =
      catalog.PartnersOf(sides.university_index);
  int shared = 0, firm_university = 0;
  for (uint32_t other : catalog.PartnersOf(sides.firm_index)) {
    if (other != sides.university_index &&
        std::binary_search(of_university.begin(), of_university.end(), other)) {
      ++shared;
    }
    if (other != kNoIndex &&
        IsResearchSide(*catalog.organization(other).record)) {
      ++firm_university;
    }
  }
  in->shared_partners = shared;
  in->firm_university_ties = firm_university;
}

BarrierInput BarrierInputFor(const Catalog& catalog, const Query& q,
                             const RankingWeights& w,
                             const RankedOrganization& ranked, double best_fit,
                             const PairSides& sides, const v1::LadderStep& step,
                             int reference_year) {
  const bool need_side = q.direction == v1::DIRECTION_CAPABILITY_TO_NEEDS;
  BarrierInput in;
  in.university = sides.university;
  in.firm = sides.firm;
  in.capability = sides.capability;
  in.need = sides.need;
  in.matching_profiles = need_side ? 0 : ranked.features.matching_profiles;
  if (!need_side) {
    for (const ProfileFit& c : ranked.profiles) {
      if (static_cast<int>(in.matching_references.size()) >=
          kMatchingReferences) {
        break;
      }
      if (!CountsForDepth(c, best_fit, w, q)) continue;
      const v1::CapabilityProfile& p = *q.target->entry(c.slot).capability;
      in.matching_references.push_back(
          p.reference().empty() ? p.title()
                                : absl::StrCat(p.reference(), ": ", p.title()));
    }
  }
  in.total_profiles = need_side ? 0 : ranked.features.total_profiles;
  in.reference_year = reference_year;
  in.recommended_rung = step.recommended_rung();
  in.next_rung = step.next_rung();
  AddNetworkSignals(catalog, sides, &in);
  if (sides.university != nullptr && !sides.university->region().empty()) {
    in.regional_firms = catalog.FirmsInRegion(sides.university->region());
  }
  return in;
}

}  // namespace

std::string ClaimedOutcomeLine(const v1::Outcome& o) {
  const auto tie = EngagementTie(o);
  const std::string& other =
      o.recorded_by() == o.offered_by() ? o.offered_to() : o.offered_by();
  return absl::StrCat(
      o.year(), " ",
      v1::Channel_Name(tie ? tie->channel() : v1::CHANNEL_UNSPECIFIED),
      ", claimed by ", o.recorded_by(), " and not confirmed by ", other,
      " (adds no trust): ", tie ? tie->reference() : o.id());
}

std::vector<std::string> ClaimedOutcomeLines(const Catalog& catalog, uint32_t a,
                                             uint32_t b, const Viewer& viewer) {
  std::vector<std::string> lines;
  for (const v1::Outcome* o : catalog.ClaimsBetween(a, b)) {
    if (MaySee(viewer, *o)) lines.push_back(ClaimedOutcomeLine(*o));
  }
  return lines;
}

v1::Suggestion BuildSuggestion(const Catalog& catalog, const Query& q,
                               const RankingWeights& weights,
                               const RankedOrganization& ranked,
                               double best_fit,
                               const SuggestionOptions& options) {
  const OrganizationEntry& org = catalog.organization(ranked.organization);
  v1::Suggestion s;
  *s.mutable_organization() = *org.record;
  s.mutable_organization()->clear_signals();
  s.set_matching_profiles(ranked.features.matching_profiles);
  s.set_total_profiles(ranked.features.total_profiles);
  FillBreakdown(ranked, s.mutable_breakdown());
  s.set_score(ranked.score);
  if (options.omit_explanations) return s;

  AddProfilesAndEvidence(catalog, q, weights, ranked, options.profiles_shown,
                         &s);
  const PairSides sides =
      SidesOf(catalog, q, ranked.organization,
              q.target->entry(ranked.profiles.front().slot));
  PairHistory history =
      catalog.HistoryBetween(q.requester, ranked.organization);
  *s.mutable_ladder() = LadderFor(sides, history);
  BarrierInput in = BarrierInputFor(catalog, q, weights, ranked, best_fit,
                                    sides, s.ladder(), options.reference_year);
  in.history = std::move(history);
  in.citable = [&q](const v1::Tie& t) { return MaySee(q.viewer, t); };
  for (auto& a : AssessBarriers(in)) *s.add_barriers() = std::move(a);
  for (const v1::Tie* t : in.history.ties) {
    if (!MaySee(q.viewer, *t)) continue;
    s.add_trust_evidence(
        absl::StrCat(t->year(), " ", v1::Channel_Name(t->channel()), " (",
                     v1::TieOutcome_Name(t->outcome()), ")",
                     t->reference().empty() ? "" : ": ", t->reference()));
  }
  for (auto& line : ClaimedOutcomeLines(catalog, q.requester,
                                        ranked.organization, q.viewer)) {
    s.add_claimed_outcomes(std::move(line));
  }
  return s;
}

}  // namespace helixmatch
