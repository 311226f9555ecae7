#include "services/programmes/warnings.h"

#include <algorithm>
#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/partnership/barrier_model.h"
#include "services/programmes/eligibility.h"
#include "services/programmes/topical_fit.h"

namespace helixmatch {
namespace {

bool IsResearchChannel(int channel) {
  return channel == v1::CHANNEL_CONTRACT_RESEARCH ||
         channel == v1::CHANNEL_JOINT_RESEARCH ||
         channel == v1::CHANNEL_JOINT_BID ||
         channel == v1::CHANNEL_COSUPERVISED_PHD ||
         channel == v1::CHANNEL_JOINT_LAB;
}

void Add(v1::ScreeningReport* report, v1::WarningCode code, std::string message,
         std::initializer_list<v1::BarrierCode> barriers) {
  auto* w = report->add_warnings();
  w->set_code(code);
  w->set_message(std::move(message));
  for (auto b : barriers) w->add_barriers(b);
}

// Warnings about what the proposal plans against what the pair has.
void AddPlanWarnings(const v1::Proposal& p, const v1::ProgrammeRules& rules,
                     const v1::Organization& firm, int ties, int planned_rung,
                     v1::ScreeningReport* report) {
  const double large = LargeBudgetThreshold(rules);
  if (ties == 0 && large > 0 && p.budget_usd() > large) {
    Add(report, v1::WARNING_CODE_NO_PRIOR_INTERACTION_LARGE_BUDGET,
        absl::StrCat("no earlier interaction between the two, but a "
                     "budget of ",
                     static_cast<int64_t>(p.budget_usd()),
                     " USD (the programme's threshold is ",
                     static_cast<int64_t>(large),
                     "); a smaller first step builds trust"),
        {v1::BARRIER_CODE_TRUST});
  }
  if (rules.research_programme() && p.channels_size() > 0 &&
      planned_rung >= 0 && planned_rung <= 2) {
    Add(report, v1::WARNING_CODE_HUMAN_CAPITAL_ONLY,
        absl::StrCat("a research programme, but every planned channel "
                     "builds human capital (highest rung L",
                     planned_rung, "); the research may lag"),
        {v1::BARRIER_CODE_STATE_STEERING, v1::BARRIER_CODE_ORIENTATION});
  }
  const bool research_planned =
      std::any_of(p.channels().begin(), p.channels().end(), IsResearchChannel);
  const bool research_benefit =
      std::find(p.benefits().begin(), p.benefits().end(),
                v1::BENEFIT_RESEARCH) != p.benefits().end();
  const auto& fs = firm.signals();
  if (fs.has_rd_staff() && fs.rd_staff() == 0 &&
      (research_planned || research_benefit)) {
    Add(report, v1::WARNING_CODE_FIRM_WITHOUT_RD_STAFF,
        "the firm asks for research but has no R&D staff to take up "
        "the results",
        {v1::BARRIER_CODE_ABSORPTIVE_CAPACITY});
  }
}

void AddFitWarnings(v1::ScreeningReport* report) {
  const auto& fit = report->fit();
  if (fit.matching_profiles() < kThinProfiles) {
    Add(report, v1::WARNING_CODE_THIN_UNIVERSITY_CAPACITY,
        absl::StrCat("the university has ", fit.matching_profiles(),
                     " capability profile(s) matching the topic (of ",
                     fit.total_profiles(), ")"),
        {v1::BARRIER_CODE_RESEARCH_CAPACITY});
  }
  if (fit.university_fit() < kWeakFit) {
    Add(report, v1::WARNING_CODE_WEAK_TOPICAL_FIT,
        absl::StrFormat("weak topical fit with the university's "
                        "profiles (%.2f, below %.2f)",
                        fit.university_fit(), kWeakFit),
        {v1::BARRIER_CODE_RESEARCH_CAPACITY});
  }
}

void AddHistoryWarnings(const PairHistory& history, int planned_rung,
                        v1::ScreeningReport* report) {
  const int ties = static_cast<int>(history.ties.size());
  if (ties > 0 && history.programme == ties) {
    Add(report, v1::WARNING_CODE_PROGRAMME_DRIVEN_HISTORY,
        absl::StrCat("all ", ties,
                     " earlier ties of the pair were created by a "
                     "programme; check the partnership exists beyond "
                     "paper"),
        {v1::BARRIER_CODE_STATE_STEERING});
  }
  if (history.failed > 0) {
    Add(report, v1::WARNING_CODE_EARLIER_FAILURE,
        absl::StrCat(history.failed, " earlier tie(s) of the pair failed"),
        {v1::BARRIER_CODE_TRUST});
  }
  if (planned_rung >= 0 && planned_rung - history.covered_rung >= kLadderJump) {
    Add(report, v1::WARNING_CODE_LADDER_JUMP,
        absl::StrCat("plans L", planned_rung, " while the pair's history ",
                     history.covered_rung < 0
                         ? std::string("covers no rung")
                         : absl::StrCat("covers up to L", history.covered_rung),
                     "; see the pathway"),
        {v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_IP_CONTRACT});
  }
}

}  // namespace

void AddWarnings(const v1::Proposal& p, const v1::ProgrammeRules& rules,
                 const v1::Organization& firm, const PairHistory& history,
                 int planned_rung, v1::ScreeningReport* report) {
  AddPlanWarnings(p, rules, firm, static_cast<int>(history.ties.size()),
                  planned_rung, report);
  AddFitWarnings(report);
  AddHistoryWarnings(history, planned_rung, report);
  for (const auto& b : report->barriers()) {
    if (b.severity() == v1::SEVERITY_HIGH) {
      Add(report, v1::WARNING_CODE_HIGH_BARRIER,
          absl::StrCat(BarrierName(b.code()), " is high: ", b.summary()),
          {b.code()});
    }
  }
}

}  // namespace helixmatch
