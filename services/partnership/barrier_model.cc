#include "services/partnership/barrier_model.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/partnership/engagement_ladder.h"

namespace helixmatch {
namespace {

using v1::BarrierAssessment;
using v1::EvidenceSide;
using v1::Severity;

constexpr auto kU = v1::EVIDENCE_SIDE_UNIVERSITY;
constexpr auto kF = v1::EVIDENCE_SIDE_FIRM;
constexpr auto kP = v1::EVIDENCE_SIDE_PAIR;

// Collects one assessment: evidence, how many of the expected signals were
// present, and the severity votes of the signals.
class Assessment {
 public:
  Assessment(v1::BarrierCode code, v1::BarrierLevel level, int expected)
      : expected_(expected) {
    a_.set_code(code);
    a_.set_level(level);
  }
  void Evidence(const std::string& signal, const std::string& value,
                EvidenceSide side) {
    auto* e = a_.add_evidence();
    e->set_signal(signal);
    e->set_value(value);
    e->set_side(side);
  }
  // A present signal and the severity it points to.
  void Signal(const std::string& signal, const std::string& value,
              EvidenceSide side, Severity points_to) {
    Evidence(signal, value, side);
    ++present_;
    worst_ = std::max<int>(worst_, points_to);
    sum_ += points_to;
  }
  BarrierAssessment Finish(const std::string& summary_known,
                           const std::string& summary_unknown,
                           const std::string& mitigation, bool use_worst) {
    if (present_ == 0) {
      a_.set_severity(v1::SEVERITY_UNKNOWN);
      a_.set_confidence(0);
      a_.set_summary(summary_unknown);
    } else {
      const int mean =
          static_cast<int>(std::lround(static_cast<double>(sum_) / present_));
      a_.set_severity(static_cast<Severity>(use_worst ? worst_ : mean));
      a_.set_confidence(std::min(
          1.0, static_cast<double>(present_) / std::max(1, expected_)));
      a_.set_summary(summary_known);
    }
    a_.set_mitigation(mitigation);
    return std::move(a_);  // the last use: moved, not copied
  }
  // Overrides the severity chosen from the votes.
  void ForceSeverity(Severity s) { forced_ = s; }
  BarrierAssessment FinishForced(const std::string& summary,
                                 const std::string& mitigation,
                                 double confidence) {
    a_.set_severity(forced_);
    a_.set_confidence(confidence);
    a_.set_summary(summary);
    a_.set_mitigation(mitigation);
    return std::move(a_);  // the last use: moved, not copied
  }

 private:
  BarrierAssessment a_;
  int expected_;
  int present_ = 0;
  int worst_ = 0;
  int sum_ = 0;
  Severity forced_ = v1::SEVERITY_UNKNOWN;
};

std::string Num(double v) { return absl::StrFormat("%.3g", v); }

const v1::OrganizationSignals* SignalsOf(const v1::Organization* org) {
  return org != nullptr && org->has_signals() ? &org->signals() : nullptr;
}

BarrierAssessment Trust(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_TRUST, v1::BARRIER_LEVEL_PAIR, 1);
  const PairHistory& h = in.history;
  const std::string mitigation =
      "Start on a low rung of the ladder and use an intermediary (the TTO or "
      "a programme officer) for the first contact";
  if (in.firm == nullptr) {
    return a.Finish("",
                    "who is asking is unknown, so the pair's history is "
                    "unknown",
                    mitigation, false);
  }
  for (size_t i = 0, cited = 0; i < h.ties.size() && cited < 5; ++i) {
    const v1::Tie& t = *h.ties[i];
    if (in.citable && !in.citable(t)) continue;
    ++cited;
    a.Evidence("earlier_tie",
               absl::StrCat(v1::Channel_Name(t.channel()), " ", t.year(), " ",
                            v1::TieOutcome_Name(t.outcome()),
                            t.reference().empty() ? "" : ": ", t.reference()),
               kP);
  }
  Severity s;
  std::string summary;
  const int age = h.latest_year > 0 ? in.reference_year - h.latest_year : 99;
  if (h.ties.empty()) {
    s = v1::SEVERITY_HIGH;
    summary = "no earlier interaction between the two is on record";
  } else if (h.completed + h.ongoing == 0) {
    // Failed interactions are evidence against trust; interactions of
    // unknown outcome at least made the partners known to each other.
    const int unknown = static_cast<int>(h.ties.size()) - h.failed;
    s = unknown > 0 ? v1::SEVERITY_MEDIUM : v1::SEVERITY_HIGH;
    summary =
        absl::StrCat(h.ties.size(), " earlier interaction(s), none completed (",
                     h.failed, " failed, ", unknown, " of unknown outcome)");
  } else if (h.completed + h.ongoing >= 2 && age <= 4) {
    s = v1::SEVERITY_LOW;
    summary =
        absl::StrCat(h.completed, " completed and ", h.ongoing,
                     " ongoing interactions, the latest in ", h.latest_year);
  } else {
    s = v1::SEVERITY_MEDIUM;
    summary = absl::StrCat(h.completed + h.ongoing,
                           " completed or ongoing interaction(s), the latest "
                           "in ",
                           h.latest_year);
  }
  a.Signal("joint_ties", absl::StrCat(h.ties.size()), kP, s);
  // Absence of recorded ties is weaker evidence than their presence.
  a.ForceSeverity(s);
  return a.FinishForced(summary, mitigation, h.ties.empty() ? 0.6 : 0.9);
}

BarrierAssessment Unawareness(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_UNAWARENESS, v1::BARRIER_LEVEL_PAIR, 2);
  const std::string mitigation =
      "Introduce the two through this match, a shared partner or an event";
  if (in.firm == nullptr) {
    return a.Finish("", "who is asking is unknown", mitigation, false);
  }
  a.Signal("joint_ties", absl::StrCat(in.history.ties.size()), kP,
           in.history.ties.empty() ? v1::SEVERITY_HIGH : v1::SEVERITY_NONE);
  if (in.shared_partners >= 0 && in.history.ties.empty()) {
    a.Signal("shared_partners", absl::StrCat(in.shared_partners), kP,
             in.shared_partners > 0 ? v1::SEVERITY_LOW : v1::SEVERITY_HIGH);
  }
  if (!in.history.ties.empty()) {
    return a.Finish("they have worked together before", "", mitigation, false);
  }
  return a.Finish(
      in.shared_partners > 0
          ? absl::StrCat("no direct contact, but ", in.shared_partners,
                         " shared partner(s) can introduce them")
          : "no direct contact and no shared partner on record",
      "", mitigation, false);
}

BarrierAssessment ResearchCapacity(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_RESEARCH_CAPACITY,
               v1::BARRIER_LEVEL_ORGANIZATIONAL, 4);
  const auto* s = SignalsOf(in.university);
  if (s != nullptr && s->has_publications_per_year() && s->has_researchers() &&
      s->researchers() > 0) {
    const double per =
        static_cast<double>(s->publications_per_year()) / s->researchers();
    a.Signal("publications_per_researcher", Num(per), kU,
             per >= 1.0   ? v1::SEVERITY_NONE
             : per >= 0.5 ? v1::SEVERITY_LOW
             : per >= 0.2 ? v1::SEVERITY_MEDIUM
                          : v1::SEVERITY_HIGH);
  } else if (s != nullptr && s->has_publications_per_year()) {
    a.Signal("publications_per_year", absl::StrCat(s->publications_per_year()),
             kU,
             s->publications_per_year() >= 100  ? v1::SEVERITY_LOW
             : s->publications_per_year() >= 20 ? v1::SEVERITY_MEDIUM
                                                : v1::SEVERITY_HIGH);
  }
  if (s != nullptr && s->has_active_projects()) {
    a.Signal("active_projects", absl::StrCat(s->active_projects()), kU,
             s->active_projects() >= 10  ? v1::SEVERITY_NONE
             : s->active_projects() >= 3 ? v1::SEVERITY_LOW
             : s->active_projects() >= 1 ? v1::SEVERITY_MEDIUM
                                         : v1::SEVERITY_HIGH);
  }
  if (s != nullptr && s->has_patents()) {
    a.Signal("patents", absl::StrCat(s->patents()), kU,
             s->patents() >= 5   ? v1::SEVERITY_NONE
             : s->patents() >= 1 ? v1::SEVERITY_LOW
                                 : v1::SEVERITY_MEDIUM);
  }
  if (in.total_profiles > 0) {
    a.Signal("topic_depth",
             absl::StrCat(in.matching_profiles, " of ", in.total_profiles,
                          " profiles match"),
             kU,
             in.matching_profiles >= 3   ? v1::SEVERITY_NONE
             : in.matching_profiles == 2 ? v1::SEVERITY_LOW
                                         : v1::SEVERITY_MEDIUM);
    for (size_t i = 0; i < in.matching_references.size() && i < 3; ++i) {
      a.Evidence("matching_profile", in.matching_references[i], kU);
    }
  }
  return a.Finish("research output and topic depth of the unit",
                  "no signal on the unit's research capacity",
                  "Start with human-capital channels; bring in a stronger lab "
                  "as consortium partner for research work",
                  false);
}

BarrierAssessment Resources(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_RESOURCES, v1::BARRIER_LEVEL_ORGANIZATIONAL, 4);
  const auto* u = SignalsOf(in.university);
  const auto* f = SignalsOf(in.firm);
  if (u != nullptr && u->has_rd_spend_usd()) {
    a.Signal("university_rd_budget_usd", Num(u->rd_spend_usd()), kU,
             u->rd_spend_usd() >= 1e6   ? v1::SEVERITY_NONE
             : u->rd_spend_usd() >= 1e5 ? v1::SEVERITY_LOW
             : u->rd_spend_usd() > 0    ? v1::SEVERITY_MEDIUM
                                        : v1::SEVERITY_HIGH);
  }
  if (u != nullptr && u->has_shared_equipment()) {
    a.Signal("equipment_open_to_partners", u->shared_equipment() ? "yes" : "no",
             kU,
             u->shared_equipment() ? v1::SEVERITY_LOW : v1::SEVERITY_MEDIUM);
  }
  if (f != nullptr && f->has_rd_spend_usd()) {
    a.Signal("firm_rd_spend_usd", Num(f->rd_spend_usd()), kF,
             f->rd_spend_usd() >= 5e5   ? v1::SEVERITY_NONE
             : f->rd_spend_usd() >= 5e4 ? v1::SEVERITY_LOW
             : f->rd_spend_usd() > 0    ? v1::SEVERITY_MEDIUM
                                        : v1::SEVERITY_HIGH);
  }
  if (f != nullptr && f->has_rd_staff()) {
    a.Signal("firm_rd_staff", absl::StrCat(f->rd_staff()), kF,
             f->rd_staff() >= 10  ? v1::SEVERITY_NONE
             : f->rd_staff() >= 3 ? v1::SEVERITY_LOW
             : f->rd_staff() >= 1 ? v1::SEVERITY_MEDIUM
                                  : v1::SEVERITY_HIGH);
  }
  return a.Finish("money, staff and equipment on both sides",
                  "no signal on budgets, R&D staff or equipment",
                  "Apply jointly to a co-funding programme; agree equipment "
                  "access instead of purchases",
                  false);
}

BarrierAssessment OrgSupport(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_ORG_SUPPORT, v1::BARRIER_LEVEL_ORGANIZATIONAL,
               3);
  const auto* u = SignalsOf(in.university);
  if (u != nullptr && u->has_tto_present()) {
    const bool staffed = !u->has_tto_staff() || u->tto_staff() >= 2;
    a.Signal("tto_present",
             u->tto_present()
                 ? (u->has_tto_staff()
                        ? absl::StrCat("yes, ", u->tto_staff(), " staff")
                        : std::string("yes"))
                 : "no",
             kU,
             !u->tto_present() ? v1::SEVERITY_HIGH
             : staffed         ? v1::SEVERITY_LOW
                               : v1::SEVERITY_MEDIUM);
  }
  if (u != nullptr && u->has_contract_templates()) {
    a.Signal("contract_templates", u->contract_templates() ? "yes" : "no", kU,
             u->contract_templates() ? v1::SEVERITY_NONE : v1::SEVERITY_MEDIUM);
  }
  if (u != nullptr && u->has_contract_turnaround_days()) {
    const int d = u->contract_turnaround_days();
    a.Signal("contract_turnaround_days", absl::StrCat(d), kU,
             d <= 30    ? v1::SEVERITY_NONE
             : d <= 90  ? v1::SEVERITY_LOW
             : d <= 180 ? v1::SEVERITY_MEDIUM
                        : v1::SEVERITY_HIGH);
  }
  return a.Finish("the university's technology transfer support",
                  "no signal on the university's technology-transfer office",
                  "Route the contact through the TTO or an intermediary and "
                  "use standard contract templates",
                  false);
}

BarrierAssessment FacultyTime(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_FACULTY_TIME, v1::BARRIER_LEVEL_INDIVIDUAL, 2);
  const auto* u = SignalsOf(in.university);
  if (u != nullptr && u->has_teaching_hours_per_fte()) {
    const double h = u->teaching_hours_per_fte();
    a.Signal("teaching_hours_per_fte", Num(h), kU,
             h >= 700   ? v1::SEVERITY_HIGH
             : h >= 500 ? v1::SEVERITY_MEDIUM
             : h >= 300 ? v1::SEVERITY_LOW
                        : v1::SEVERITY_NONE);
  }
  if (u != nullptr && u->has_active_projects() && u->has_researchers() &&
      u->researchers() > 0) {
    const double per =
        static_cast<double>(u->active_projects()) / u->researchers();
    a.Signal("active_projects_per_researcher", Num(per), kU,
             per >= 0.5 ? v1::SEVERITY_MEDIUM : v1::SEVERITY_LOW);
  }
  return a.Finish("teaching load and open projects of the staff",
                  "no signal on teaching load or open projects",
                  "Start with low-effort channels; buy out teaching time or "
                  "pair with an experienced champion",
                  false);
}

BarrierAssessment AbsorptiveCapacity(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_ABSORPTIVE_CAPACITY,
               v1::BARRIER_LEVEL_ORGANIZATIONAL, 4);
  const auto* f = SignalsOf(in.firm);
  if (f != nullptr && f->has_rd_staff()) {
    a.Signal("rd_staff", absl::StrCat(f->rd_staff()), kF,
             f->rd_staff() >= 10  ? v1::SEVERITY_NONE
             : f->rd_staff() >= 3 ? v1::SEVERITY_LOW
             : f->rd_staff() >= 1 ? v1::SEVERITY_MEDIUM
                                  : v1::SEVERITY_HIGH);
  }
  if (f != nullptr && f->has_phd_staff()) {
    a.Signal("phd_staff", absl::StrCat(f->phd_staff()), kF,
             f->phd_staff() >= 3   ? v1::SEVERITY_NONE
             : f->phd_staff() >= 1 ? v1::SEVERITY_LOW
                                   : v1::SEVERITY_MEDIUM);
  }
  if (f != nullptr && f->has_graduate_share()) {
    a.Signal("graduate_share", Num(f->graduate_share()), kF,
             f->graduate_share() >= 0.5   ? v1::SEVERITY_NONE
             : f->graduate_share() >= 0.2 ? v1::SEVERITY_LOW
                                          : v1::SEVERITY_MEDIUM);
  }
  if (in.firm_university_ties >= 0 && in.firm != nullptr) {
    a.Signal("earlier_university_ties", absl::StrCat(in.firm_university_ties),
             kF,
             in.firm_university_ties >= 3   ? v1::SEVERITY_NONE
             : in.firm_university_ties >= 1 ? v1::SEVERITY_LOW
                                            : v1::SEVERITY_MEDIUM);
  }
  return a.Finish("the firm's ability to take up research results",
                  "no signal on the firm's R&D staff or earlier university "
                  "work",
                  "Graduate placement and training channels before research "
                  "contracts",
                  false);
}

BarrierAssessment Orientation(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_ORIENTATION, v1::BARRIER_LEVEL_PAIR, 2);
  const bool cap_trl =
      in.capability != nullptr && in.capability->trl().max() > 0;
  const bool need_trl = in.need != nullptr && in.need->trl_wanted().max() > 0;
  if (cap_trl && need_trl) {
    const auto& c = in.capability->trl();
    const auto& n = in.need->trl_wanted();
    const int gap = std::max({0, n.min() - c.max(), c.min() - n.max()});
    a.Signal("trl_gap",
             absl::StrCat(gap, " (lab TRL ", c.min(), "-", c.max(), ", wanted ",
                          n.min(), "-", n.max(), ")"),
             kP,
             gap == 0   ? v1::SEVERITY_NONE
             : gap <= 1 ? v1::SEVERITY_LOW
             : gap <= 3 ? v1::SEVERITY_MEDIUM
                        : v1::SEVERITY_HIGH);
  }
  if (in.need != nullptr &&
      in.need->time_horizon() != v1::TIME_HORIZON_UNSPECIFIED) {
    const auto h = in.need->time_horizon();
    a.Signal("firm_time_horizon", v1::TimeHorizon_Name(h), kF,
             h == v1::TIME_HORIZON_UNDER_6_MONTHS   ? v1::SEVERITY_MEDIUM
             : h == v1::TIME_HORIZON_6_TO_18_MONTHS ? v1::SEVERITY_LOW
                                                    : v1::SEVERITY_NONE);
  }
  return a.Finish("distance between the lab's and the firm's horizons",
                  "no TRL or time horizon on record for the pair",
                  "Use consultancy or staged milestones; agree publication "
                  "rules early",
                  true);
}

BarrierAssessment IpContract(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_IP_CONTRACT, v1::BARRIER_LEVEL_PAIR, 3);
  const auto* u = SignalsOf(in.university);
  if (u != nullptr && u->has_ip_policy()) {
    a.Signal("ip_policy", v1::IpPolicy_Name(u->ip_policy()), kU,
             u->ip_policy() == v1::IP_POLICY_FLEXIBLE   ? v1::SEVERITY_NONE
             : u->ip_policy() == v1::IP_POLICY_STANDARD ? v1::SEVERITY_LOW
                                                        : v1::SEVERITY_HIGH);
  }
  if (u != nullptr && u->has_licences_granted()) {
    a.Signal("licences_granted", absl::StrCat(u->licences_granted()), kU,
             u->licences_granted() >= 3   ? v1::SEVERITY_NONE
             : u->licences_granted() >= 1 ? v1::SEVERITY_LOW
                                          : v1::SEVERITY_MEDIUM);
  }
  // Breadth of the planned interaction (Bruneel et al. 2010).
  // The path aims at the next rung: that is the breadth to plan for.
  const int planned = std::max(in.recommended_rung, in.next_rung);
  const int widen = planned - in.history.covered_rung;
  if (in.firm != nullptr) {
    a.Signal("planned_breadth",
             absl::StrCat("up to L", planned, ", ", widen,
                          " rung(s) above earlier ties"),
             kP,
             planned >= 4                ? v1::SEVERITY_MEDIUM
             : planned >= 3 || widen > 1 ? v1::SEVERITY_LOW
                                         : v1::SEVERITY_NONE);
  }
  return a.Finish("IP terms and the breadth of the planned work",
                  "no signal on IP policy or the planned interaction",
                  "Agree transparent IP terms up front: NDA stage, TTO "
                  "templates",
                  true);
}

BarrierAssessment Distance(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_DISTANCE, v1::BARRIER_LEVEL_PAIR, 1);
  const std::string mitigation =
      "Prefer local partners first, or a well-connected bridging partner";
  if (in.firm == nullptr || in.university == nullptr) {
    return a.Finish("", "the asker's location is unknown", mitigation, false);
  }
  const auto& u = *in.university;
  const auto& f = *in.firm;
  if (u.has_latitude() && f.has_latitude()) {
    constexpr double kEarthKm = 6371.0, kRad = M_PI / 180.0;
    const double dlat = (f.latitude() - u.latitude()) * kRad;
    const double dlon = (f.longitude() - u.longitude()) * kRad;
    const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(u.latitude() * kRad) *
                         std::cos(f.latitude() * kRad) * std::sin(dlon / 2) *
                         std::sin(dlon / 2);
    a.Evidence("distance_km",
               absl::StrFormat("%.0f", 2 * kEarthKm * std::asin(std::sqrt(h))),
               kP);
  }
  Severity s;
  std::string where;
  if (u.country() != f.country()) {
    s = v1::SEVERITY_HIGH;
    where = absl::StrCat("different countries (", u.country(), ", ",
                         f.country(), ")");
  } else if (!u.city().empty() && u.city() == f.city()) {
    s = v1::SEVERITY_NONE;
    where = absl::StrCat("same city (", u.city(), ")");
  } else if (!u.region().empty() && u.region() == f.region()) {
    s = v1::SEVERITY_LOW;
    where = absl::StrCat("same region (", u.region(), ")");
  } else {
    s = v1::SEVERITY_MEDIUM;
    where = absl::StrCat("same country (", u.country(), "), different region");
  }
  a.Signal("location", where, kP, s);
  const bool precise = !u.city().empty() && !f.city().empty();
  a.ForceSeverity(s);
  return a.FinishForced(where, mitigation, precise ? 1.0 : 0.7);
}

BarrierAssessment StateSteering(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_STATE_STEERING, v1::BARRIER_LEVEL_SYSTEMIC, 3);
  const PairHistory& h = in.history;
  if (!h.ties.empty()) {
    const double share = static_cast<double>(h.programme) / h.ties.size();
    a.Signal("programme_share_of_ties",
             absl::StrCat(h.programme, " of ", h.ties.size()), kP,
             share >= 0.99  ? v1::SEVERITY_HIGH
             : share >= 0.5 ? v1::SEVERITY_MEDIUM
             : share > 0    ? v1::SEVERITY_LOW
                            : v1::SEVERITY_NONE);
  }
  const auto* u = SignalsOf(in.university);
  if (u != nullptr && u->has_autonomy_constraints()) {
    a.Signal(
        "autonomy_constraints", u->autonomy_constraints() ? "yes" : "no", kU,
        u->autonomy_constraints() ? v1::SEVERITY_MEDIUM : v1::SEVERITY_NONE);
  }
  if (in.need != nullptr && !in.need->benefits_sought().empty()) {
    const bool compliance_only = std::all_of(
        in.need->benefits_sought().begin(), in.need->benefits_sought().end(),
        [](int b) { return b == v1::BENEFIT_COMPLIANCE; });
    a.Signal("firm_benefits",
             compliance_only ? "compliance only" : "beyond compliance", kF,
             compliance_only ? v1::SEVERITY_HIGH : v1::SEVERITY_NONE);
  }
  return a.Finish("how far the partnership rests on programme demands",
                  "no signal on programme-driven ties or autonomy limits",
                  "Let the university initiate; align with programme calls "
                  "without making them the only reason",
                  true);
}

BarrierAssessment WeakDemand(const BarrierInput& in) {
  Assessment a(v1::BARRIER_CODE_WEAK_DEMAND, v1::BARRIER_LEVEL_SYSTEMIC, 2);
  const auto* f = SignalsOf(in.firm);
  if (f != nullptr && f->has_rd_obligation()) {
    a.Signal("firm_rd_obligation", f->rd_obligation() ? "yes" : "no", kF,
             f->rd_obligation() ? v1::SEVERITY_NONE : v1::SEVERITY_LOW);
  }
  if (in.regional_firms >= 0 && in.university != nullptr &&
      !in.university->region().empty()) {
    a.Signal("firms_in_university_region",
             absl::StrCat(in.regional_firms, " in ", in.university->region()),
             kU,
             in.regional_firms >= 5   ? v1::SEVERITY_NONE
             : in.regional_firms >= 2 ? v1::SEVERITY_LOW
                                      : v1::SEVERITY_MEDIUM);
  }
  return a.Finish("demand for research around the pair",
                  "no signal on R&D obligations or regional industry",
                  "Target firms with legal R&D or training obligations, or "
                  "with R&D units",
                  false);
}

}  // namespace

std::vector<v1::BarrierAssessment> AssessBarriers(const BarrierInput& input) {
  using Assess = BarrierAssessment (*)(const BarrierInput&);
  static constexpr Assess kInOrder[] = {
      Trust,      Unawareness, ResearchCapacity,   Resources,
      OrgSupport, FacultyTime, AbsorptiveCapacity, Orientation,
      IpContract, Distance,    StateSteering,      WeakDemand};
  // Moved in one by one: a braced list would copy each assessment, with
  // its evidence strings, once more (this runs for every suggestion).
  std::vector<v1::BarrierAssessment> all;
  all.reserve(std::size(kInOrder));
  for (Assess assess : kInOrder) all.push_back(assess(input));
  return all;
}

std::string SeverityName(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_UNKNOWN:
      return "unknown";
    case v1::SEVERITY_NONE:
      return "none";
    case v1::SEVERITY_LOW:
      return "low";
    case v1::SEVERITY_MEDIUM:
      return "medium";
    case v1::SEVERITY_HIGH:
      return "high";
    default:
      return "unspecified";
  }
}

std::string BarrierName(v1::BarrierCode code) {
  const std::string& name = v1::BarrierCode_Name(code);
  constexpr std::string_view kPrefix = "BARRIER_CODE_";
  return name.substr(name.rfind(kPrefix, 0) == 0 ? kPrefix.size() : 0);
}

}  // namespace helixmatch
