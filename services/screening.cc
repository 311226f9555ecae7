// MatchingEngine's programme side: pre-screening proposals against a
// programme's rules and the catalog, engagement pathways, and the outcome
// loop (recorded outcomes and their decline reasons).
//
// A screening report only reads: eligibility (hard rules of the
// programme), topical fit of the proposal with the university's
// capabilities and the firm's need, the pair's barriers, warnings,
// conflicts of interest, similar earlier partnerships, the pathway and a
// readiness score with its components (barriers.md, "Pre-screening for
// programmes").
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "indexer/record_validation.h"
#include "indexer/records.h"
#include "indexer/text_analyzer.h"
#include "services/barrier_model.h"
#include "services/engagement_ladder.h"
#include "services/engine_internal.h"
#include "services/matching_engine.h"
#include "services/ranking.h"

namespace helixmatch {
namespace {

// Readiness weights; they sum to 1. Fit and barriers carry most: a
// programme first wants to know whether the pair can do the work and what
// stands in the way (barriers.md).
constexpr double kFitWeight = 0.30;
constexpr double kTrustWeight = 0.20;
constexpr double kCapacityWeight = 0.10;
constexpr double kBarrierWeight = 0.25;
constexpr double kPathwayWeight = 0.15;
// Caps: an ineligible proposal is never "ready"; a conflict of interest
// sends it to review at best.
constexpr double kIneligibleCap = 0.25;
constexpr double kConflictCap = 0.55;
constexpr double kReadyBand = 0.60;
// A high barrier can stop a partnership on its own: each one lowers the
// barrier component beyond its share of the mean.
constexpr double kHighBarrierPenalty = 0.1;
// Earlier partnerships of other pairs are shown from this similarity up
// (cosines of GloVe means run high: unrelated references score ~0.5).
constexpr double kMinSimilarity = 0.65;
constexpr double kReviewBand = 0.40;
// Topical fit below this is weak. Fit blends the cosine of IDF-weighted
// GloVe means (high even for unrelated texts) with BM25; on the demo data
// related proposal/profile pairs score 0.45-0.7, unrelated ones 0.25-0.4.
constexpr double kWeakFit = 0.40;
// Fewer matching profiles than this is thin capacity in the topic.
constexpr int kThinProfiles = 2;
// A plan this many rungs above what the pair's history covers jumps the
// ladder.
constexpr int kLadderJump = 3;
constexpr int kMaxSimilar = 5;
constexpr int kMaxBatchProposals = 500;

bool IsResearchChannel(int channel) {
  return channel == v1::CHANNEL_CONTRACT_RESEARCH ||
         channel == v1::CHANNEL_JOINT_RESEARCH ||
         channel == v1::CHANNEL_JOINT_BID ||
         channel == v1::CHANNEL_COSUPERVISED_PHD ||
         channel == v1::CHANNEL_JOINT_LAB;
}

std::string ChannelShort(int channel) {
  std::string name = v1::Channel_Name(static_cast<v1::Channel>(channel));
  if (absl::StartsWith(name, "CHANNEL_")) name = name.substr(8);
  return name;
}

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

std::string ProposalText(const v1::Proposal& p) {
  return absl::StrCat(p.title(), "\n", absl::StrJoin(p.keywords(), ", "), "\n",
                      p.abstract());
}

void AddWarning(v1::ScreeningReport* report, v1::WarningCode code,
                std::string message,
                std::initializer_list<v1::BarrierCode> barriers) {
  auto* w = report->add_warnings();
  w->set_code(code);
  w->set_message(std::move(message));
  for (auto b : barriers) w->add_barriers(b);
}

v1::MatchedProfile ToMatched(const ProfileEntry& e, double fit, double dense,
                             double lexical) {
  v1::MatchedProfile m;
  m.set_id(e.id);
  m.set_title(e.title());
  if (e.capability) {
    m.set_reference(e.capability->reference());
    m.set_year(e.capability->year());
  }
  m.set_score(fit);
  m.set_dense(dense);
  m.set_lexical(lexical);
  return m;
}

// NOT_FOUND naming `field` unless `id` is a live organization.
absl::StatusOr<uint32_t> FindLiveOrganization(const Catalog& catalog,
                                              absl::string_view field,
                                              const std::string& id) {
  const uint32_t i = catalog.OrganizationIndex(id);
  if (i == kNoIndex || !catalog.organization(i).live) {
    return absl::NotFoundError(
        absl::StrCat(field, ": organization '", id, "' not found"));
  }
  return i;
}

}  // namespace

std::vector<v1::ProgrammeRules> MatchingEngine::Programmes() const {
  return programmes_.All();
}

absl::StatusOr<v1::ScreeningReport> MatchingEngine::ScreenProposal(
    const v1::Proposal& proposal) const {
  if (programmes_.size() == 0) {
    return absl::FailedPreconditionError(
        "no programme rules are loaded; start the server with --programmes "
        "FILE_OR_FOLDER");
  }
  if (auto s = ValidateProposal(proposal); !s.ok()) return s;
  auto lock = ReadLock();
  return ScreenLocked(proposal);
}

absl::StatusOr<v1::ScreeningReport> MatchingEngine::ScreenLocked(
    const v1::Proposal& p) const {
  const v1::ProgrammeRules* rules = programmes_.Find(p.programme_id());
  if (rules == nullptr) {
    std::vector<std::string> known;
    for (const auto& r : programmes_.All()) known.push_back(r.id());
    return absl::NotFoundError(
        absl::StrCat("proposal.programme_id: programme '", p.programme_id(),
                     "' not found (loaded: ", absl::StrJoin(known, ", "), ")"));
  }
  const auto find_org = [&](absl::string_view field, const std::string& id) {
    return FindLiveOrganization(*catalog_, field, id);
  };
  auto uni_index = find_org("proposal.university_id", p.university_id());
  if (!uni_index.ok()) return uni_index.status();
  auto firm_index = find_org("proposal.firm_id", p.firm_id());
  if (!firm_index.ok()) return firm_index.status();
  const OrganizationEntry& uni = catalog_->organization(*uni_index);
  const OrganizationEntry& firm = catalog_->organization(*firm_index);
  const v1::FirmNeed* need = nullptr;
  if (!p.need_id().empty()) {
    const uint32_t slot = catalog_->needs().SlotOf(p.need_id());
    if (slot == kNoIndex) {
      return absl::NotFoundError(
          absl::StrCat("proposal.need_id: need '", p.need_id(), "' not found"));
    }
    need = catalog_->needs().entry(slot).need.get();
    if (need->organization_id() != p.firm_id()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "proposal.need_id: need '", p.need_id(), "' belongs to '",
          need->organization_id(), "', not to firm '", p.firm_id(), "'"));
    }
  }

  v1::ScreeningReport report;
  report.set_proposal_id(p.id());
  report.set_programme_id(p.programme_id());
  for (auto& check : CheckEligibility(*rules, p, *uni.record, *firm.record)) {
    *report.add_rules() = std::move(check);
  }
  report.set_eligible(Eligible({report.rules().begin(), report.rules().end()}));

  // Topical fit: the proposal text as a query over the university's
  // profiles, asked by the firm (so trust and distance are the pair's).
  const auto tokens = Tokenize(ProposalText(p));
  Query q;
  q.direction = v1::DIRECTION_NEED_TO_CAPABILITIES;
  q.requester = *firm_index;
  int known = 0;
  FillTextQuery(tokens, &q, &known);
  for (uint32_t t : firm.ties) {
    const TieEntry& tie = catalog_->ties()[t];
    if (tie.live) q.partners.insert(tie.a == *firm_index ? tie.b : tie.a);
  }

  // The firm's side first: the named need, else its best matching need.
  Query need_query = q;
  need_query.direction = v1::DIRECTION_CAPABILITY_TO_NEEDS;
  PrepareQueryScoring(&need_query);
  std::vector<uint32_t> need_slots;
  if (need != nullptr) {
    need_slots.push_back(catalog_->needs().SlotOf(p.need_id()));
  } else {
    need_slots = firm.needs;
  }
  auto* fit = report.mutable_fit();
  std::vector<std::pair<double, uint32_t>> need_terms;
  if (!need_slots.empty()) {
    auto scored = ScoreSlots(need_query, need_slots);
    const auto best = std::max_element(
        scored.begin(), scored.end(),
        [](const Candidate& a, const Candidate& b) { return a.fit < b.fit; });
    const ProfileEntry& e = catalog_->needs().entry(best->slot);
    need = e.need.get();
    fit->set_firm_fit(best->fit);
    *fit->mutable_firm_need() =
        ToMatched(e, best->fit, best->dense, best->lexical);
    for (const auto& [w, term] : best->matched) {
      if (fit->firm_need().matched_terms_size() < 8) {
        fit->mutable_firm_need()->add_matched_terms(
            catalog_->terms().Term(term));
      }
      need_terms.emplace_back(w, term);
    }
  }
  // The assessment is of the proposal: its planned channels and TRL stand
  // in for what the firm's need asks (the ladder's breadth, ORIENTATION).
  v1::FirmNeed planned;
  if (need != nullptr) planned = *need;
  planned.set_organization_id(p.firm_id());
  if (p.channels_size() > 0) *planned.mutable_channels_wanted() = p.channels();
  if (p.has_trl()) *planned.mutable_trl_wanted() = p.trl();
  if (planned.benefits_sought_size() == 0) {
    *planned.mutable_benefits_sought() = p.benefits();
  }
  q.need = &planned;
  q.min_match_fit = kWeakFit;
  PrepareQueryScoring(&q);

  PairHistory history = HistoryBetween(*uni_index, *firm_index);
  v1::Suggestion suggestion;
  const v1::CapabilityProfile* best_capability = nullptr;
  if (!uni.capabilities.empty()) {
    auto scored = ScoreSlots(q, uni.capabilities);
    double best_fit = 0;
    for (const auto& c : scored) best_fit = std::max(best_fit, c.fit);
    suggestion = BuildSuggestion(q, *uni_index, scored, best_fit, 5);
    best_capability =
        catalog_->capabilities().entry(scored.front().slot).capability.get();
    fit->set_university_fit(scored.front().fit);
    // Terms shared by the proposal, the best profile and the firm's need.
    std::unordered_set<uint32_t> in_need;
    for (const auto& nt : need_terms) in_need.insert(nt.second);
    for (const auto& [w, term] : scored.front().matched) {
      if (fit->evidence_terms_size() >= 10) break;
      if (in_need.count(term)) {
        fit->add_evidence_terms(catalog_->terms().Term(term));
      }
    }
  } else {
    // No capability profile: barriers from the organizations alone.
    BarrierInput in;
    in.university = uni.record.get();
    in.firm = firm.record.get();
    in.need = need;
    in.history = history;
    in.reference_year = CurrentYear();
    for (auto& a : AssessBarriers(in))
      *suggestion.add_barriers() = std::move(a);
    for (const v1::Tie* t : history.ties) {
      suggestion.add_trust_evidence(
          absl::StrCat(t->year(), " ", ChannelShort(t->channel()), " (",
                       v1::TieOutcome_Name(t->outcome()), ")"));
    }
  }
  fit->set_matching_profiles(suggestion.matching_profiles());
  fit->set_total_profiles(static_cast<int>(uni.capabilities.size()));
  for (const auto& m : suggestion.profiles()) {
    *fit->add_university_profiles() = m;
  }
  for (const auto& b : suggestion.barriers()) *report.add_barriers() = b;
  for (const auto& t : suggestion.trust_evidence()) {
    report.add_trust_evidence(t);
  }

  // Pathway from what the pair's history covers to what they plan.
  PathwayInput path;
  path.covered_rung = history.covered_rung;
  for (int c : p.channels()) {
    path.target_channels.push_back(static_cast<v1::Channel>(c));
  }
  if (need != nullptr) {
    for (int c : need->channels_wanted()) {
      path.wanted.push_back(static_cast<v1::Channel>(c));
    }
  }
  if (best_capability != nullptr) {
    for (int c : best_capability->channels_offered()) {
      path.offered.push_back(static_cast<v1::Channel>(c));
    }
  }
  const auto& us = uni.record->signals();
  if (us.has_tto_present() || us.has_contract_templates()) {
    path.tto_or_templates = us.tto_present() || us.contract_templates();
  }
  const auto& fs = firm.record->signals();
  if (fs.has_rd_staff()) path.firm_rd_staff = fs.rd_staff() > 0;
  const int ties = static_cast<int>(history.ties.size());
  path.programme_only_history = ties > 0 && history.programme == ties;
  path.failed_tie = history.failed > 0;
  *report.mutable_pathway() = helixmatch::PlanPathway(path);
  const int planned_rung = TargetRungOf(path.target_channels);

  // Warnings.
  const double large = LargeBudgetThreshold(*rules);
  if (ties == 0 && large > 0 && p.budget_usd() > large) {
    AddWarning(&report, v1::WARNING_CODE_NO_PRIOR_INTERACTION_LARGE_BUDGET,
               absl::StrCat("no earlier interaction between the two, but a "
                            "budget of ",
                            static_cast<int64_t>(p.budget_usd()),
                            " USD (the programme's threshold is ",
                            static_cast<int64_t>(large),
                            "); a smaller first step builds trust"),
               {v1::BARRIER_CODE_TRUST});
  }
  const bool research_planned =
      std::any_of(p.channels().begin(), p.channels().end(), IsResearchChannel);
  if (rules->research_programme() && p.channels_size() > 0 &&
      planned_rung >= 0 && planned_rung <= 2) {
    AddWarning(&report, v1::WARNING_CODE_HUMAN_CAPITAL_ONLY,
               absl::StrCat("a research programme, but every planned channel "
                            "builds human capital (highest rung L",
                            planned_rung, "); the research may lag"),
               {v1::BARRIER_CODE_STATE_STEERING, v1::BARRIER_CODE_ORIENTATION});
  }
  const bool research_benefit =
      std::find(p.benefits().begin(), p.benefits().end(),
                v1::BENEFIT_RESEARCH) != p.benefits().end();
  if (fs.has_rd_staff() && fs.rd_staff() == 0 &&
      (research_planned || research_benefit)) {
    AddWarning(&report, v1::WARNING_CODE_FIRM_WITHOUT_RD_STAFF,
               "the firm asks for research but has no R&D staff to take up "
               "the results",
               {v1::BARRIER_CODE_ABSORPTIVE_CAPACITY});
  }
  if (fit->matching_profiles() < kThinProfiles) {
    AddWarning(&report, v1::WARNING_CODE_THIN_UNIVERSITY_CAPACITY,
               absl::StrCat("the university has ", fit->matching_profiles(),
                            " capability profile(s) matching the topic (of ",
                            fit->total_profiles(), ")"),
               {v1::BARRIER_CODE_RESEARCH_CAPACITY});
  }
  if (fit->university_fit() < kWeakFit) {
    AddWarning(&report, v1::WARNING_CODE_WEAK_TOPICAL_FIT,
               absl::StrFormat("weak topical fit with the university's "
                               "profiles (%.2f, below %.2f)",
                               fit->university_fit(), kWeakFit),
               {v1::BARRIER_CODE_RESEARCH_CAPACITY});
  }
  if (path.programme_only_history) {
    AddWarning(&report, v1::WARNING_CODE_PROGRAMME_DRIVEN_HISTORY,
               absl::StrCat("all ", ties,
                            " earlier ties of the pair were created by a "
                            "programme; check the partnership exists beyond "
                            "paper"),
               {v1::BARRIER_CODE_STATE_STEERING});
  }
  if (history.failed > 0) {
    AddWarning(
        &report, v1::WARNING_CODE_EARLIER_FAILURE,
        absl::StrCat(history.failed, " earlier tie(s) of the pair failed"),
        {v1::BARRIER_CODE_TRUST});
  }
  if (planned_rung >= 0 && planned_rung - history.covered_rung >= kLadderJump) {
    AddWarning(
        &report, v1::WARNING_CODE_LADDER_JUMP,
        absl::StrCat("plans L", planned_rung, " while the pair's history ",
                     history.covered_rung < 0
                         ? std::string("covers no rung")
                         : absl::StrCat("covers up to L", history.covered_rung),
                     "; see the pathway"),
        {v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_IP_CONTRACT});
  }
  for (const auto& b : report.barriers()) {
    if (b.severity() == v1::SEVERITY_HIGH) {
      AddWarning(&report, v1::WARNING_CODE_HIGH_BARRIER,
                 absl::StrCat(BarrierName(b.code()), " is high: ", b.summary()),
                 {b.code()});
    }
  }

  // Conflicts of interest.
  for (const auto& d : p.declared_conflicts()) {
    auto* c = report.add_conflicts();
    c->set_kind("declared");
    c->set_detail(d);
  }
  for (const auto& org : rules->conflict_organizations()) {
    for (const std::string* party : {&p.university_id(), &p.firm_id()}) {
      if (org == *party) {
        auto* c = report.add_conflicts();
        c->set_kind("board_member");
        c->set_detail(absl::StrCat("'", org,
                                   "' sits on the programme's board or "
                                   "review panel"));
      }
    }
  }
  for (const v1::Tie* t : history.ties) {
    if (t->channel() == v1::CHANNEL_SPIN_OFF) {
      auto* c = report.add_conflicts();
      c->set_kind("spin_off");
      c->set_detail(
          absl::StrCat("the firm is a spin-off of the university (",
                       t->reference().empty() ? t->id() : t->reference(), ")"));
      break;
    }
  }

  // Similar earlier partnerships: ties of either party, the pair's own
  // first, then by how close their reference is to the proposal.
  {
    std::vector<std::pair<double, const TieEntry*>> similar;
    std::unordered_set<uint32_t> seen;
    for (const OrganizationEntry* side : {&uni, &firm}) {
      for (uint32_t t : side->ties) {
        if (!seen.insert(t).second) continue;
        const TieEntry& tie = catalog_->ties()[t];
        if (!tie.live || tie.record->reference().empty()) continue;
        const auto v = embedder_->Embed(Tokenize(tie.record->reference()));
        double dot = 0, na = 0, nb = 0;
        for (size_t i = 0; i < v.size() && i < q.vector.size(); ++i) {
          dot += v[i] * q.vector[i];
          na += v[i] * v[i];
          nb += q.vector[i] * q.vector[i];
        }
        const double cosine =
            na > 0 && nb > 0 ? std::max(0.0, dot / std::sqrt(na * nb)) : 0.0;
        similar.emplace_back(cosine, &tie);
      }
    }
    const auto same = [&](const TieEntry* t) {
      return (t->a == *uni_index && t->b == *firm_index) ||
             (t->a == *firm_index && t->b == *uni_index);
    };
    std::sort(similar.begin(), similar.end(),
              [&](const auto& a, const auto& b) {
                if (same(a.second) != same(b.second)) return same(a.second);
                return a.first > b.first;
              });
    for (const auto& [cosine, t] : similar) {
      if (report.similar_size() >= kMaxSimilar) break;
      if (!same(t) && cosine < kMinSimilarity) continue;
      auto* s = report.add_similar();
      *s->mutable_tie() = *t->record;
      s->set_same_pair(same(t));
      s->set_similarity(cosine);
    }
  }

  // Readiness.
  auto* r = report.mutable_readiness();
  const auto component = [&](const char* name, double value, double weight,
                             std::string note) {
    auto* c = r->add_components();
    c->set_name(name);
    c->set_value(std::clamp(value, 0.0, 1.0));
    c->set_weight(weight);
    c->set_note(std::move(note));
    return std::clamp(value, 0.0, 1.0) * weight;
  };
  double score = 0;
  const double topic = need != nullptr
                           ? 0.5 * fit->university_fit() + 0.5 * fit->firm_fit()
                           : fit->university_fit();
  score += component("fit", topic, kFitWeight,
                     need != nullptr
                         ? "mean of the university and firm fits"
                         : "university fit; the firm has no need on record");
  score += component("trust",
                     TrustFeature(history, CurrentYear(),
                                  options_.weights.trust_half_life_years),
                     kTrustWeight,
                     absl::StrCat(ties, " earlier tie(s) of the pair"));
  const auto capacity = CapacityFeature(*uni.record);
  score += component("capacity", capacity.value_or(0.5), kCapacityWeight,
                     capacity ? "university's research capacity signals"
                              : "no capacity signal: counted as 0.5");
  double weight_sum = 0;
  int known_barriers = 0, high_barriers = 0;
  for (const auto& b : report.barriers()) {
    if (b.severity() == v1::SEVERITY_UNKNOWN ||
        b.severity() == v1::SEVERITY_UNSPECIFIED) {
      continue;
    }
    weight_sum += SeverityWeight(b.severity());
    ++known_barriers;
    high_barriers += b.severity() == v1::SEVERITY_HIGH ? 1 : 0;
  }
  score +=
      component("barriers",
                (known_barriers > 0 ? 1.0 - weight_sum / known_barriers : 0.5) -
                    kHighBarrierPenalty * high_barriers,
                kBarrierWeight,
                absl::StrCat(known_barriers, " of ", report.barriers_size(),
                             " barriers assessed, ", high_barriers,
                             " high (each takes ", kHighBarrierPenalty,
                             " off); 1 means none stands in the way"));
  const int steps = report.pathway().steps_size();
  score += component("pathway", steps <= 1 ? 1.0 : 1.0 / steps, kPathwayWeight,
                     absl::StrCat(steps,
                                  " pathway step(s) to the planned rung; one "
                                  "step is the natural next one"));
  if (!report.eligible()) {
    score = std::min(score, kIneligibleCap);
    component(
        "eligibility", 0, 0,
        absl::StrCat("ineligible: the score is capped at ", kIneligibleCap));
  } else if (report.conflicts_size() > 0) {
    score = std::min(score, kConflictCap);
    component("eligibility", 1, 0,
              absl::StrCat("eligible, but conflicts of interest cap the score "
                           "at ",
                           kConflictCap));
  } else {
    component("eligibility", 1, 0, "eligible");
  }
  r->set_score(score);
  r->set_band(score >= kReadyBand    ? "ready"
              : score >= kReviewBand ? "review with care"
                                     : "not ready");
  return report;
}

absl::StatusOr<v1::ScreenProposalsResponse> MatchingEngine::ScreenProposals(
    const std::vector<v1::Proposal>& proposals) const {
  if (programmes_.size() == 0) {
    return absl::FailedPreconditionError(
        "no programme rules are loaded; start the server with --programmes "
        "FILE_OR_FOLDER");
  }
  if (proposals.empty()) {
    return absl::InvalidArgumentError("proposals: none were sent");
  }
  if (proposals.size() > static_cast<size_t>(kMaxBatchProposals)) {
    return absl::InvalidArgumentError(
        absl::StrCat("proposals: ", proposals.size(),
                     " were sent, the limit is ", kMaxBatchProposals));
  }
  v1::ScreenProposalsResponse response;
  std::vector<v1::ScreeningReport> reports;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> pairs;
  std::set<std::string> ids;
  {
    auto lock = ReadLock();
    for (size_t i = 0; i < proposals.size(); ++i) {
      const v1::Proposal& p = proposals[i];
      absl::Status s = ValidateProposal(p);
      if (s.ok() && !ids.insert(p.id()).second) {
        s = absl::InvalidArgumentError(
            absl::StrCat("proposal.id: duplicate id '", p.id(), "'"));
      }
      absl::StatusOr<v1::ScreeningReport> report =
          s.ok() ? ScreenLocked(p) : absl::StatusOr<v1::ScreeningReport>(s);
      if (!report.ok()) {
        auto* e = response.add_rejected();
        e->set_position(static_cast<int64_t>(i));
        e->set_id(p.id());
        e->set_message(std::string(report.status().message()));
        continue;
      }
      pairs[{p.university_id(), p.firm_id()}].push_back(p.id());
      reports.push_back(std::move(*report));
    }
  }
  for (auto& report : reports) {
    for (const auto& [pair, list] : pairs) {
      if (list.size() < 2 || std::find(list.begin(), list.end(),
                                       report.proposal_id()) == list.end()) {
        continue;
      }
      std::vector<std::string> others;
      for (const auto& id : list) {
        if (id != report.proposal_id()) others.push_back(id);
      }
      auto* c = report.add_conflicts();
      c->set_kind("same_pair_in_batch");
      c->set_detail(absl::StrCat("the same pair also submitted ",
                                 absl::StrJoin(others, ", ")));
      auto* r = report.mutable_readiness();
      if (report.eligible() && r->score() > kConflictCap) {
        r->set_score(kConflictCap);
        r->set_band(kConflictCap >= kReadyBand ? "ready" : "review with care");
      }
    }
  }
  std::stable_sort(
      reports.begin(), reports.end(),
      [](const v1::ScreeningReport& a, const v1::ScreeningReport& b) {
        if (a.eligible() != b.eligible()) return a.eligible();
        return a.readiness().score() > b.readiness().score();
      });
  for (size_t i = 0; i < reports.size(); ++i) {
    reports[i].set_rank(static_cast<int>(i + 1));
    *response.add_reports() = std::move(reports[i]);
  }
  return response;
}

absl::StatusOr<v1::Pathway> MatchingEngine::PlanPathway(
    const v1::PlanPathwayRequest& request) const {
  if (auto s = ValidateId(request.university_id(), "university_id"); !s.ok()) {
    return s;
  }
  if (auto s = ValidateId(request.firm_id(), "firm_id"); !s.ok()) return s;
  if (request.target_rung() < -1 || request.target_rung() > kTopRung) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target_rung: ", request.target_rung(), " is outside -1..", kTopRung));
  }
  for (int i = 0; i < request.target_channels_size(); ++i) {
    const int c = request.target_channels(i);
    if (!v1::Channel_IsValid(c) || c == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("target_channels[", i, "]: unknown channel ", c));
    }
  }
  auto lock = ReadLock();
  const auto find_org = [&](absl::string_view field, const std::string& id) {
    return FindLiveOrganization(*catalog_, field, id);
  };
  auto u = find_org("university_id", request.university_id());
  if (!u.ok()) return u.status();
  auto f = find_org("firm_id", request.firm_id());
  if (!f.ok()) return f.status();
  const PairHistory history = HistoryBetween(*u, *f);
  PathwayInput in;
  in.covered_rung = history.covered_rung;
  // target_rung 0 with no channels means "L0"; the proto default 0 is
  // ambiguous, so 0 counts only when no channels are given either.
  in.target_rung = request.target_rung();
  if (request.target_rung() == 0 && request.target_channels_size() > 0) {
    in.target_rung = -1;
  }
  for (int c : request.target_channels()) {
    in.target_channels.push_back(static_cast<v1::Channel>(c));
  }
  std::set<int> wanted, offered;
  for (uint32_t slot : catalog_->organization(*f).needs) {
    for (int c : catalog_->needs().entry(slot).need->channels_wanted()) {
      wanted.insert(c);
    }
  }
  for (uint32_t slot : catalog_->organization(*u).capabilities) {
    for (int c :
         catalog_->capabilities().entry(slot).capability->channels_offered()) {
      offered.insert(c);
    }
  }
  for (int c : wanted) in.wanted.push_back(static_cast<v1::Channel>(c));
  for (int c : offered) in.offered.push_back(static_cast<v1::Channel>(c));
  const auto& us = catalog_->organization(*u).record->signals();
  if (us.has_tto_present() || us.has_contract_templates()) {
    in.tto_or_templates = us.tto_present() || us.contract_templates();
  }
  const auto& fs = catalog_->organization(*f).record->signals();
  if (fs.has_rd_staff()) in.firm_rd_staff = fs.rd_staff() > 0;
  const int ties = static_cast<int>(history.ties.size());
  in.programme_only_history = ties > 0 && history.programme == ties;
  in.failed_tie = history.failed > 0;
  return helixmatch::PlanPathway(in);
}

// ---------------------------------------------------------------- outcomes

absl::StatusOr<v1::RecordOutcomeResponse> MatchingEngine::RecordOutcome(
    const v1::Outcome& outcome) {
  v1::Record record;
  *record.mutable_outcome() = outcome;
  auto upserted = Upsert(record);
  if (!upserted.ok()) return upserted.status();
  v1::RecordOutcomeResponse response;
  response.set_created(upserted->created());
  if (auto tie = TieFromOutcome(outcome)) *response.mutable_tie() = *tie;
  return response;
}

absl::StatusOr<v1::DeclineReasonsResponse> MatchingEngine::DeclineReasons(
    const std::string& organization_id) const {
  if (auto s = ValidateId(organization_id, "organization_id"); !s.ok()) {
    return s;
  }
  auto lock = ReadLock();
  const uint32_t i = catalog_->OrganizationIndex(organization_id);
  if (i == kNoIndex || !catalog_->organization(i).live) {
    return absl::NotFoundError(absl::StrCat("organization_id: organization '",
                                            organization_id, "' not found"));
  }
  v1::DeclineReasonsResponse response;
  response.set_organization_id(organization_id);
  // reason -> (year, declined_by) of each decline.
  std::map<int, std::vector<std::pair<int, std::string>>> by_reason;
  for (const auto& [id, o] : catalog_->outcomes()) {
    if (o.offered_by() != organization_id) continue;
    response.set_offers(response.offers() + 1);
    switch (o.kind()) {
      case v1::OUTCOME_KIND_DECLINED:
        response.set_declined(response.declined() + 1);
        by_reason[o.decline_reason()].emplace_back(o.year(), o.offered_to());
        break;
      case v1::OUTCOME_KIND_NO_ANSWER:
        response.set_no_answer(response.no_answer() + 1);
        break;
      case v1::OUTCOME_KIND_MEETING_HELD:
      case v1::OUTCOME_KIND_INTERNSHIP_STARTED:
      case v1::OUTCOME_KIND_CONTRACT_SIGNED:
      case v1::OUTCOME_KIND_PROJECT_COMPLETED:
        response.set_engaged(response.engaged() + 1);
        break;
      default:
        break;
    }
  }
  std::vector<v1::DeclineReasonCount> counts;
  for (auto& [reason, list] : by_reason) {
    std::stable_sort(
        list.begin(), list.end(),
        [](const auto& a, const auto& b) { return a.first > b.first; });
    v1::DeclineReasonCount c;
    c.set_reason(static_cast<v1::DeclineReason>(reason));
    c.set_count(static_cast<int>(list.size()));
    std::set<std::string> listed;
    for (const auto& [year, org] : list) {
      if (listed.insert(org).second) c.add_declined_by(org);
    }
    counts.push_back(std::move(c));
  }
  std::stable_sort(
      counts.begin(), counts.end(),
      [](const auto& a, const auto& b) { return a.count() > b.count(); });
  for (auto& c : counts) *response.add_reasons() = std::move(c);
  return response;
}

}  // namespace helixmatch
