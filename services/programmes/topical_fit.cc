#include "services/programmes/topical_fit.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "indexer/text_analyzer.h"
#include "services/explain/suggestion.h"
#include "services/partnership/barrier_model.h"
#include "services/query/query_resolver.h"
#include "services/ranking/profile_fit.h"
#include "services/ranking/scorer.h"

namespace helixmatch {
namespace {

constexpr int kMatchedTermsShown = 8;
constexpr int kEvidenceTerms = 10;
constexpr int kUniversityProfilesShown = 5;

std::string ProposalText(const v1::Proposal& p) {
  return absl::StrCat(p.title(), "\n", absl::StrJoin(p.keywords(), ", "), "\n",
                      p.abstract());
}

std::string ChannelShort(int channel) {
  std::string name = v1::Channel_Name(static_cast<v1::Channel>(channel));
  if (absl::StartsWith(name, "CHANNEL_")) name = name.substr(8);
  return name;
}

v1::MatchedProfile ToMatched(const ProfileEntry& e, const ProfileFit& c) {
  v1::MatchedProfile m;
  m.set_id(e.id);
  m.set_title(e.title());
  if (e.capability) {
    m.set_reference(e.capability->reference());
    m.set_year(e.capability->year());
  }
  m.set_score(c.fit);
  m.set_dense(c.dense);
  m.set_lexical(c.lexical);
  return m;
}

// The firm's side: the proposal text over the named need, else over all
// the firm's needs, keeping the best. Returns that need (null when the
// firm has none) and the terms it matched, strongest first.
const v1::FirmNeed* AssessFirmSide(
    const ScreeningContext& ctx, const Query& proposal_query, uint32_t firm,
    const v1::FirmNeed* named_need, v1::TopicalFit* fit,
    std::vector<std::pair<double, uint32_t>>* need_terms) {
  const Catalog& catalog = ctx.catalog;
  Query q = proposal_query;
  q.direction = v1::DIRECTION_CAPABILITY_TO_NEEDS;
  SetQueryTarget(catalog, &q);
  std::vector<uint32_t> slots;
  if (named_need != nullptr) {
    slots.push_back(catalog.needs().SlotOf(named_need->id()));
  } else {
    for (uint32_t slot : catalog.organization(firm).needs) {
      if (MaySee(ctx.viewer, *catalog.needs().entry(slot).need)) {
        slots.push_back(slot);
      }
    }
  }
  if (slots.empty()) return nullptr;
  auto scored = ScoreProfiles(q, ctx.weights, slots);
  const auto best = std::max_element(
      scored.begin(), scored.end(),
      [](const ProfileFit& a, const ProfileFit& b) { return a.fit < b.fit; });
  const ProfileEntry& e = catalog.needs().entry(best->slot);
  fit->set_firm_fit(best->fit);
  *fit->mutable_firm_need() = ToMatched(e, *best);
  for (const auto& [w, term] :
       MatchedTerms(q, ctx.weights, catalog.terms(), best->slot)) {
    if (fit->firm_need().matched_terms_size() < kMatchedTermsShown) {
      fit->mutable_firm_need()->add_matched_terms(
          MatchedTermText(q, catalog.terms(), term));
    }
    need_terms->emplace_back(w, term);
  }
  return e.need.get();
}

// The assessment is of the proposal: its planned channels and TRL stand in
// for what the firm's need asks (the ladder's breadth, ORIENTATION).
v1::FirmNeed PlannedNeed(const v1::Proposal& p, const v1::FirmNeed* need) {
  v1::FirmNeed planned;
  if (need != nullptr) planned = *need;
  planned.set_organization_id(p.firm_id());
  if (p.channels_size() > 0) *planned.mutable_channels_wanted() = p.channels();
  if (p.has_trl()) *planned.mutable_trl_wanted() = p.trl();
  if (planned.benefits_sought_size() == 0) {
    *planned.mutable_benefits_sought() = p.benefits();
  }
  return planned;
}

// A university without capability profiles: barriers from the two
// organizations and their history alone.
v1::Suggestion BarriersWithoutProfiles(const ScreeningContext& ctx,
                                       uint32_t university, uint32_t firm,
                                       const v1::FirmNeed* need,
                                       const PairHistory& history) {
  v1::Suggestion suggestion;
  BarrierInput in;
  in.university = ctx.catalog.organization(university).record.get();
  in.firm = ctx.catalog.organization(firm).record.get();
  in.need = need;
  in.history = history;
  in.citable = [&ctx](const v1::Tie& t) { return MaySee(ctx.viewer, t); };
  in.reference_year = ctx.reference_year;
  for (auto& a : AssessBarriers(in)) *suggestion.add_barriers() = std::move(a);
  for (const v1::Tie* t : history.ties) {
    if (!MaySee(ctx.viewer, *t)) continue;
    suggestion.add_trust_evidence(
        absl::StrCat(t->year(), " ", ChannelShort(t->channel()), " (",
                     v1::TieOutcome_Name(t->outcome()), ")"));
  }
  return suggestion;
}

}  // namespace

ProposalFit AssessProposalFit(const ScreeningContext& ctx,
                              const v1::Proposal& p, uint32_t university,
                              uint32_t firm, const v1::FirmNeed* named_need,
                              v1::ScreeningReport* report) {
  const Catalog& catalog = ctx.catalog;
  ProposalFit result;
  Query q;
  q.direction = v1::DIRECTION_NEED_TO_CAPABILITIES;
  q.requester = firm;
  q.partners = catalog.PartnersOf(firm);
  SetQueryViewer(ctx.viewer, &q);
  int known = 0;
  EmbedQueryText(catalog, ctx.embedder, Tokenize(ProposalText(p)), &q, &known);

  auto* fit = report->mutable_fit();
  std::vector<std::pair<double, uint32_t>> need_terms;
  result.need = AssessFirmSide(ctx, q, firm, named_need, fit, &need_terms);
  const v1::FirmNeed planned = PlannedNeed(p, result.need);
  q.need = &planned;
  q.min_match_fit = kWeakFit;
  SetQueryTarget(catalog, &q);
  result.history = catalog.HistoryBetween(university, firm);

  const OrganizationEntry& uni = catalog.organization(university);
  v1::Suggestion suggestion;
  if (!uni.capabilities.empty()) {
    auto scored = ScoreProfiles(q, ctx.weights, uni.capabilities);
    const double best_fit = BestFit(scored);
    const RankedOrganization ranked =
        RankOrganization(catalog, q, ctx.weights, ctx.reference_year,
                         university, std::move(scored), best_fit);
    suggestion =
        BuildSuggestion(catalog, q, ctx.weights, ranked, best_fit,
                        {kUniversityProfilesShown, false, ctx.reference_year});
    const ProfileFit& best = ranked.profiles.front();
    result.best_capability =
        catalog.capabilities().entry(best.slot).capability.get();
    fit->set_university_fit(best.fit);
    // Terms shared by the proposal, the best profile and the firm's need.
    std::unordered_set<uint32_t> in_need;
    for (const auto& nt : need_terms) in_need.insert(nt.second);
    for (const auto& [w, term] :
         MatchedTerms(q, ctx.weights, catalog.terms(), best.slot)) {
      if (fit->evidence_terms_size() >= kEvidenceTerms) break;
      if (in_need.count(term)) {
        fit->add_evidence_terms(MatchedTermText(q, catalog.terms(), term));
      }
    }
  } else {
    suggestion = BarriersWithoutProfiles(ctx, university, firm, result.need,
                                         result.history);
  }
  fit->set_matching_profiles(suggestion.matching_profiles());
  fit->set_total_profiles(static_cast<int>(uni.capabilities.size()));
  for (const auto& m : suggestion.profiles()) {
    *fit->add_university_profiles() = m;
  }
  for (const auto& b : suggestion.barriers()) *report->add_barriers() = b;
  for (const auto& t : suggestion.trust_evidence()) {
    report->add_trust_evidence(t);
  }
  for (auto& line :
       ClaimedOutcomeLines(catalog, university, firm, ctx.viewer)) {
    report->add_claimed_outcomes(std::move(line));
  }
  result.proposal_vector = std::move(q.vector);
  return result;
}

}  // namespace helixmatch
