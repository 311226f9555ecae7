#include "services/programmes/conflicts.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/programmes/readiness.h"

namespace helixmatch {
namespace {

void Add(v1::ScreeningReport* report, const char* kind, std::string detail) {
  auto* c = report->add_conflicts();
  c->set_kind(kind);
  c->set_detail(std::move(detail));
}

}  // namespace

void AddConflicts(const v1::Proposal& p, const v1::ProgrammeRules& rules,
                  const PairHistory& history, const Viewer& viewer,
                  v1::ScreeningReport* report) {
  for (const auto& d : p.declared_conflicts()) Add(report, "declared", d);
  for (const auto& org : rules.conflict_organizations()) {
    for (const std::string* party : {&p.university_id(), &p.firm_id()}) {
      if (org == *party) {
        Add(report, "board_member",
            absl::StrCat("'", org,
                         "' sits on the programme's board or review panel"));
      }
    }
  }
  for (const v1::Tie* t : history.ties) {
    if (t->channel() == v1::CHANNEL_SPIN_OFF) {
      const std::string source = !MaySee(viewer, *t)      ? "a tie on record"
                                 : t->reference().empty() ? t->id()
                                                          : t->reference();
      Add(report, "spin_off",
          absl::StrCat("the firm is a spin-off of the university (", source,
                       ")"));
      break;
    }
  }
}

void AddBatchConflicts(const std::vector<const v1::Proposal*>& proposals,
                       std::vector<v1::ScreeningReport>* reports) {
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> pairs;
  for (const v1::Proposal* p : proposals) {
    pairs[{p->university_id(), p->firm_id()}].push_back(p->id());
  }
  for (size_t i = 0; i < reports->size(); ++i) {
    v1::ScreeningReport& report = (*reports)[i];
    const auto& list =
        pairs[{proposals[i]->university_id(), proposals[i]->firm_id()}];
    if (list.size() < 2) continue;
    std::vector<std::string> others;
    for (const auto& id : list) {
      if (id != report.proposal_id()) others.push_back(id);
    }
    Add(&report, "same_pair_in_batch",
        absl::StrCat("the same pair also submitted ",
                     absl::StrJoin(others, ", ")));
    CapReadinessForConflict(&report);
  }
}

}  // namespace helixmatch
