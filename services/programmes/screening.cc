#include "services/programmes/screening.h"

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/partnership/engagement_ladder.h"
#include "services/programmes/conflicts.h"
#include "services/programmes/eligibility.h"
#include "services/programmes/pathways.h"
#include "services/programmes/proposal_validation.h"
#include "services/programmes/readiness.h"
#include "services/programmes/similar_partnerships.h"
#include "services/programmes/topical_fit.h"
#include "services/programmes/warnings.h"

namespace helixmatch {
namespace {

absl::Status RequireProgrammes(const ScreeningContext& ctx) {
  if (ctx.programmes.size() > 0) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "no programme rules are loaded; start the server with --programmes "
      "FILE_OR_FOLDER");
}

absl::StatusOr<const v1::ProgrammeRules*> FindRules(const ScreeningContext& ctx,
                                                    const std::string& id) {
  const v1::ProgrammeRules* rules = ctx.programmes.Find(id);
  if (rules != nullptr) return rules;
  std::vector<std::string> known;
  for (const auto& r : ctx.programmes.All()) known.push_back(r.id());
  return absl::NotFoundError(
      absl::StrCat("proposal.programme_id: programme '", id,
                   "' not found (loaded: ", absl::StrJoin(known, ", "), ")"));
}

// The proposal's need_id, which must be a need of its firm; null when
// the proposal names none.
absl::StatusOr<const v1::FirmNeed*> FindNamedNeed(const Catalog& catalog,
                                                  const v1::Proposal& p) {
  if (p.need_id().empty()) return nullptr;
  const uint32_t slot = catalog.needs().SlotOf(p.need_id());
  if (slot == kNoIndex) {
    return absl::NotFoundError(
        absl::StrCat("proposal.need_id: need '", p.need_id(), "' not found"));
  }
  const v1::FirmNeed* need = catalog.needs().entry(slot).need.get();
  if (need->organization_id() != p.firm_id()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "proposal.need_id: need '", p.need_id(), "' belongs to '",
        need->organization_id(), "', not to firm '", p.firm_id(), "'"));
  }
  return need;
}

// The pathway from what the pair's history covers to what they plan;
// returns the planned rung (-1: none).
int AddPathway(const Catalog& catalog, const v1::Proposal& p,
               uint32_t university, uint32_t firm, const ProposalFit& fit,
               v1::ScreeningReport* report) {
  PathwayInput path = PairPathwayInput(catalog, university, firm, fit.history);
  for (int c : p.channels()) {
    path.target_channels.push_back(static_cast<v1::Channel>(c));
  }
  if (fit.need != nullptr) {
    for (int c : fit.need->channels_wanted()) {
      path.wanted.push_back(static_cast<v1::Channel>(c));
    }
  }
  if (fit.best_capability != nullptr) {
    for (int c : fit.best_capability->channels_offered()) {
      path.offered.push_back(static_cast<v1::Channel>(c));
    }
  }
  *report->mutable_pathway() = PlanPathway(path);
  return TargetRungOf(path.target_channels);
}

absl::StatusOr<v1::ScreeningReport> ScreenValidated(const ScreeningContext& ctx,
                                                    const v1::Proposal& p) {
  const Catalog& catalog = ctx.catalog;
  auto rules = FindRules(ctx, p.programme_id());
  if (!rules.ok()) return rules.status();
  auto university =
      catalog.FindOrganization("proposal.university_id", p.university_id());
  if (!university.ok()) return university.status();
  auto firm = catalog.FindOrganization("proposal.firm_id", p.firm_id());
  if (!firm.ok()) return firm.status();
  auto named_need = FindNamedNeed(catalog, p);
  if (!named_need.ok()) return named_need.status();
  const v1::Organization& uni_record =
      *catalog.organization(*university).record;
  const v1::Organization& firm_record = *catalog.organization(*firm).record;

  v1::ScreeningReport report;
  report.set_proposal_id(p.id());
  report.set_programme_id(p.programme_id());
  for (auto& check : CheckEligibility(**rules, p, uni_record, firm_record)) {
    *report.add_rules() = std::move(check);
  }
  report.set_eligible(Eligible({report.rules().begin(), report.rules().end()}));
  const ProposalFit fit =
      AssessProposalFit(ctx, p, *university, *firm, *named_need, &report);
  const int planned_rung =
      AddPathway(catalog, p, *university, *firm, fit, &report);
  AddWarnings(p, **rules, firm_record, fit.history, planned_rung, &report);
  AddConflicts(p, **rules, fit.history, &report);
  AddSimilarPartnerships(catalog, ctx.embedder, *university, *firm,
                         fit.proposal_vector, &report);
  ScoreReadiness(fit.history, uni_record, fit.need != nullptr, ctx.weights,
                 ctx.reference_year, &report);
  return report;
}

}  // namespace

absl::StatusOr<v1::ScreeningReport> ScreenProposal(const ScreeningContext& ctx,
                                                   const v1::Proposal& p) {
  if (auto s = RequireProgrammes(ctx); !s.ok()) return s;
  if (auto s = ValidateProposal(p); !s.ok()) return s;
  return ScreenValidated(ctx, p);
}

absl::StatusOr<v1::ScreenProposalsResponse> ScreenProposals(
    const ScreeningContext& ctx, const std::vector<v1::Proposal>& proposals) {
  if (auto s = RequireProgrammes(ctx); !s.ok()) return s;
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
  std::vector<const v1::Proposal*> screened;
  std::set<std::string> ids;
  for (size_t i = 0; i < proposals.size(); ++i) {
    const v1::Proposal& p = proposals[i];
    absl::Status s = ValidateProposal(p);
    if (s.ok() && !ids.insert(p.id()).second) {
      s = absl::InvalidArgumentError(
          absl::StrCat("proposal.id: duplicate id '", p.id(), "'"));
    }
    auto report = s.ok() ? ScreenValidated(ctx, p)
                         : absl::StatusOr<v1::ScreeningReport>(s);
    if (!report.ok()) {
      auto* e = response.add_rejected();
      e->set_position(static_cast<int64_t>(i));
      e->set_id(p.id());
      e->set_message(std::string(report.status().message()));
      continue;
    }
    screened.push_back(&p);
    reports.push_back(std::move(*report));
  }
  AddBatchConflicts(screened, &reports);
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

}  // namespace helixmatch
