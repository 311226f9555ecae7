#include "services/partnership/engagement_ladder.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace helixmatch {

int RungOf(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_MEETINGS:
    case v1::CHANNEL_ADVISORY_BOARD:
    case v1::CHANNEL_EVENTS:
      return 0;
    case v1::CHANNEL_INTERNSHIP:
    case v1::CHANNEL_CAPSTONE:
    case v1::CHANNEL_GUEST_LECTURE:
      return 1;
    case v1::CHANNEL_JOINT_CURRICULUM:
    case v1::CHANNEL_STAFF_TRAINING:
      return 2;
    case v1::CHANNEL_CONSULTANCY:
    case v1::CHANNEL_TESTING:
    case v1::CHANNEL_EQUIPMENT_ACCESS:
      return 3;
    case v1::CHANNEL_CONTRACT_RESEARCH:
      return 4;
    case v1::CHANNEL_JOINT_RESEARCH:
    case v1::CHANNEL_JOINT_BID:
    case v1::CHANNEL_COSUPERVISED_PHD:
      return 5;
    case v1::CHANNEL_LICENSING:
    case v1::CHANNEL_SPIN_OFF:
    case v1::CHANNEL_JOINT_LAB:
      return 6;
    default:
      return -1;
  }
}

std::vector<v1::Channel> ChannelsOfRung(int rung) {
  std::vector<v1::Channel> channels;
  for (int c = v1::Channel_MIN; c <= v1::Channel_MAX; ++c) {
    if (v1::Channel_IsValid(c) && RungOf(static_cast<v1::Channel>(c)) == rung) {
      channels.push_back(static_cast<v1::Channel>(c));
    }
  }
  return channels;
}

std::string RungName(int rung) {
  static constexpr const char* kNames[] = {
      "meetings, advisory boards, events",
      "internships, capstones, guest lectures",
      "joint curricula, staff training",
      "consultancy, testing, equipment access",
      "contract research",
      "joint research, joint bids, co-supervised PhDs",
      "licensing, spin-offs, joint labs"};
  if (rung < 0 || rung > kTopRung) return "none";
  return absl::StrCat("L", rung, " ", kNames[rung]);
}

namespace {

// Channels of `rung` that appear in `list`, in list order, without
// repeats.
std::vector<v1::Channel> ListedAt(int rung,
                                  const std::vector<v1::Channel>& list) {
  std::vector<v1::Channel> listed;
  for (v1::Channel c : list) {
    if (RungOf(c) == rung &&
        std::find(listed.begin(), listed.end(), c) == listed.end()) {
      listed.push_back(c);
    }
  }
  return listed;
}

// Channels of `rung` that appear in `list`, or all of the rung's channels
// when none do.
std::vector<v1::Channel> PreferListed(int rung,
                                      const std::vector<v1::Channel>& list) {
  std::vector<v1::Channel> listed = ListedAt(rung, list);
  return listed.empty() ? ChannelsOfRung(rung) : listed;
}

}  // namespace

v1::LadderStep RecommendLadderStep(const LadderInput& input) {
  v1::LadderStep step;
  step.set_covered_rung(input.covered_rung);
  const int recommended = std::min(input.covered_rung + 1, kTopRung);
  step.set_recommended_rung(recommended);
  const auto& preferred = input.wanted.empty() ? input.offered : input.wanted;
  for (v1::Channel c : PreferListed(recommended, preferred)) {
    step.add_recommended_channels(c);
  }
  // The path forward: the lowest rung above the first step that the firm
  // asks for (or the lab offers), else simply the next rung.
  int next = recommended < kTopRung ? recommended + 1 : -1;
  std::string toward = "the next rung";
  const std::vector<v1::Channel>* next_source = &preferred;
  for (const auto* list : {&input.wanted, &input.offered}) {
    int best = kTopRung + 1;
    for (v1::Channel c : *list) {
      const int rung = RungOf(c);
      if (rung > recommended && rung < best) best = rung;
    }
    if (best <= kTopRung) {
      next = best;
      next_source = list;
      toward = list == &input.wanted ? "what the firm asks for"
                                     : "what the lab offers";
      break;
    }
  }
  step.set_next_rung(next);
  if (next >= 0) {
    for (v1::Channel c : PreferListed(next, *next_source)) {
      step.add_next_channels(c);
    }
  }
  // Breadth raises transaction barriers: contracts start at consultancy.
  step.set_transaction_support(recommended >= 3 || next >= 4);
  step.set_rationale(absl::StrCat(
      input.covered_rung < 0
          ? std::string("no earlier interaction on record")
          : absl::StrCat("earlier ties cover ", RungName(input.covered_rung)),
      "; start at ", RungName(recommended),
      next >= 0 ? absl::StrCat(", then ", RungName(next), " (", toward, ")")
                : std::string(),
      step.transaction_support()
          ? "; bring the TTO's contract template and agree IP terms early"
          : ""));
  return step;
}

int TargetRungOf(const std::vector<v1::Channel>& channels) {
  int highest = -1;
  for (v1::Channel c : channels) highest = std::max(highest, RungOf(c));
  return highest;
}

// What a completed step on each rung is expected to lower, from the
// signals and mitigations of barriers.md:
//
// TRUST, every rung: each completed step is a completed tie, the evidence
//   the TRUST assessment counts (barriers.md: prior joint projects,
//   internships hosted, repeat contracts); low rungs are its remedy.
// L0 UNAWARENESS: its remedy is "an introduction ..., an event".
// L1 ABSORPTIVE_CAPACITY: "graduate placement ... before research
//   contracts"; graduates raise the firm's graduate share, its signal.
//   ORIENTATION: prior collaboration lowers orientation barriers
//   (Bruneel et al. 2010).
// L2 ABSORPTIVE_CAPACITY: "training channels" (staff training), the same
//   remedy; ORIENTATION: a curriculum built together is prior
//   collaboration on agreed goals.
// L3 ORIENTATION: "consultancy or staged milestones" is its remedy.
//   RESOURCES: small budgets and "equipment access agreements", its
//   remedy. RESEARCH_CAPACITY: a test or consultancy shows what the lab
//   delivers before a larger contract (less uncertainty, not more
//   capacity).
// L4 ABSORPTIVE_CAPACITY: prior university work is a firm-side signal.
//   RESOURCES: the firm pays for the lab's research. WEAK_DEMAND: a
//   research contract is demand for research, and its remedy targets
//   firms with R&D units or obligations, which such contracts serve.
// L5 RESEARCH_CAPACITY: joint bids can "bring in a stronger lab as
//   consortium partner", co-supervised PhDs add researchers. RESOURCES:
//   joint bids draw co-funding (its remedy). ABSORPTIVE_CAPACITY:
//   co-supervised PhDs raise the firm's PhD staff, a signal.
// L6 RESEARCH_CAPACITY: licences and patents are its signals, a joint
//   lab is lasting capacity. RESOURCES: licence income, shared staff and
//   equipment. WEAK_DEMAND: a spin-off or joint lab is a research-using
//   unit in the region.
//
// No rung lowers DISTANCE (geography), FACULTY_TIME (low rungs avoid it,
// none reduces teaching load), or IP_CONTRACT and ORG_SUPPORT: breadth
// raises those two, which is why steps from L3 carry transaction support.
// STATE_STEERING falls with who starts a step, not with its rung; see
// PlanPathway.
std::vector<v1::BarrierCode> BarriersLoweredAt(int rung) {
  switch (rung) {
    case 0:
      return {v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_UNAWARENESS};
    case 1:
    case 2:
      return {v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_ABSORPTIVE_CAPACITY,
              v1::BARRIER_CODE_ORIENTATION};
    case 3:
      return {v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_RESEARCH_CAPACITY,
              v1::BARRIER_CODE_RESOURCES, v1::BARRIER_CODE_ORIENTATION};
    case 4:
      return {v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_RESOURCES,
              v1::BARRIER_CODE_ABSORPTIVE_CAPACITY,
              v1::BARRIER_CODE_WEAK_DEMAND};
    case 5:
      return {v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_RESEARCH_CAPACITY,
              v1::BARRIER_CODE_RESOURCES, v1::BARRIER_CODE_ABSORPTIVE_CAPACITY};
    case 6:
      return {v1::BARRIER_CODE_TRUST, v1::BARRIER_CODE_RESEARCH_CAPACITY,
              v1::BARRIER_CODE_RESOURCES, v1::BARRIER_CODE_WEAK_DEMAND};
    default:
      return {};
  }
}

namespace {

constexpr int kFirstContractRung = 3;  // consultancy: contracts start here
constexpr int kResearchRung = 4;       // contract research and above
constexpr int kCurriculumRung = 2;

// Short rung names for the one-sentence summary.
std::string ShortRungName(int rung) {
  static constexpr const char* kNames[] = {
      "meetings",          "internships",    "joint curricula", "consultancy",
      "contract research", "joint research", "licensing"};
  if (rung < 0 || rung > kTopRung) return "none";
  return absl::StrCat("L", rung, " ", kNames[rung]);
}

// Why each rung, in plain words: the start of a step's rationale.
std::string RungReason(int rung) {
  switch (rung) {
    case 0:
      return "Meet first, at a meeting, an advisory board or an event, so "
             "the two sides get to know each other and start a shared "
             "history";
    case 1:
      return "Host interns or capstone students: it takes little effort "
             "from either side, builds trust and shows the firm what "
             "graduates can do";
    case 2:
      return "Build a course or train staff together, so the firm's people "
             "learn the lab's methods and both sides agree on goals";
    case 3:
      return "Start paid work small, with consultancy, a test or equipment "
             "use, so the lab shows what it can deliver at little cost and "
             "the two horizons meet on a short job";
    case 4:
      return "Commission research on the firm's own problem, so its demand "
             "becomes a funded project and the pair gains a contract record";
    case 5:
      return "Do research together, bid jointly or co-supervise a PhD, "
             "pooling both sides' people and money over a longer horizon";
    default:  // L6
      return "License, spin off or set up a joint lab to carry the results "
             "to market and keep the capacity they built";
  }
}

std::string TransactionNote(const std::optional<bool>& tto_or_templates) {
  const char* what =
      !tto_or_templates.has_value()
          ? "use the university's TTO or contract templates if it has them "
            "and agree IP terms early"
      : *tto_or_templates
          ? "route the contract through the university's TTO and templates"
          : "agree IP terms in writing early, as the university has no TTO "
            "or contract templates on record";
  return absl::StrCat(
      "wider work raises IP and contract barriers (IP_CONTRACT, "
      "ORG_SUPPORT), so ",
      what);
}

bool FirmLacksRdStaff(const PathwayInput& input) {
  return input.firm_rd_staff.has_value() && !*input.firm_rd_staff;
}

bool HasRung(const std::vector<v1::Channel>& channels, int rung) {
  return !ListedAt(rung, channels).empty();
}

// The L2 rule of PlanPathway (see the header): skip curricula strictly
// inside a research path unless someone asked for them or the firm is
// known to lack R&D staff, whom staff training would serve.
bool SkipCurriculum(const PathwayInput& input, int first, int target) {
  return first < kCurriculumRung && kCurriculumRung < target &&
         target >= kResearchRung && !HasRung(input.wanted, kCurriculumRung) &&
         !HasRung(input.target_channels, kCurriculumRung) &&
         !FirmLacksRdStaff(input);
}

void InsertInCodeOrder(v1::BarrierCode code,
                       std::vector<v1::BarrierCode>& codes) {
  auto at = std::lower_bound(codes.begin(), codes.end(), code);
  if (at == codes.end() || *at != code) codes.insert(at, code);
}

}  // namespace

namespace {

// The rung a pathway aims at: given, else planned, else wanted, else just
// the first uncovered rung (`given` is false then).
int PathwayTarget(const PathwayInput& input, int first, bool* given) {
  int target = std::min(input.target_rung, kTopRung);
  *given = true;
  if (target < 0) target = TargetRungOf(input.target_channels);
  if (target < 0) target = TargetRungOf(input.wanted);
  if (target < 0) {
    target = std::min(first, kTopRung);
    *given = false;
  }
  return target;
}

std::string HistoryPhrase(const PathwayInput& input, int covered) {
  if (covered >= 0) {
    return absl::StrCat("Earlier ties cover ", ShortRungName(covered));
  }
  return input.failed_tie ? std::string(
                                "No completed or ongoing interaction (an "
                                "earlier one failed)")
                          : std::string("No earlier interaction");
}

// Why this step, beyond the rung's own reason.
std::vector<std::string> StepNotes(const PathwayInput& input, int rung,
                                   int first, int target,
                                   bool skip_curriculum) {
  std::vector<std::string> notes = {RungReason(rung)};
  if (rung == first && input.programme_only_history) {
    notes.push_back(
        "earlier ties were all made by programmes, so let the pair start "
        "this one itself (STATE_STEERING)");
  }
  if (rung == first && input.failed_tie) {
    notes.push_back(
        "an earlier tie between the two failed, so agree scope and "
        "milestones in writing first");
  }
  if (skip_curriculum && rung == kCurriculumRung + 1) {
    notes.push_back(
        "L2 joint curricula are left out, since the internships already "
        "place graduates with the firm and consultancy is the remedy for "
        "differing horizons");
  }
  if (rung == kCurriculumRung && first < rung && target >= kResearchRung &&
      FirmLacksRdStaff(input)) {
    notes.push_back(
        "kept on this research path because the firm has no R&D staff on "
        "record to take up research (ABSORPTIVE_CAPACITY)");
  }
  if (rung >= kResearchRung && FirmLacksRdStaff(input)) {
    notes.push_back(
        "the firm has no R&D staff on record, so name who there will take "
        "up the results");
  }
  if (rung >= kFirstContractRung) {
    notes.push_back(TransactionNote(input.tto_or_templates));
  }
  return notes;
}

void FillStep(const PathwayInput& input, int rung, int first, int target,
              bool skip_curriculum, v1::PathwayStep* step) {
  step->set_rung(rung);
  step->set_rung_name(RungName(rung));
  // The firm's wishes first, then what the university offers, then the
  // plan; a source with nothing at this rung gives way to the next.
  std::vector<v1::Channel> channels;
  for (const auto* source :
       {&input.wanted, &input.offered, &input.target_channels}) {
    channels = ListedAt(rung, *source);
    if (!channels.empty()) break;
  }
  if (channels.empty()) channels = ChannelsOfRung(rung);
  for (v1::Channel c : channels) step->add_channels(c);
  std::vector<v1::BarrierCode> lowers = BarriersLoweredAt(rung);
  if (rung == first && input.programme_only_history) {
    InsertInCodeOrder(v1::BARRIER_CODE_STATE_STEERING, lowers);
  }
  for (v1::BarrierCode code : lowers) step->add_lowers(code);
  step->set_transaction_support(rung >= kFirstContractRung);
  step->set_rationale(absl::StrCat(
      absl::StrJoin(StepNotes(input, rung, first, target, skip_curriculum),
                    "; "),
      "."));
}

std::string PathwaySummary(const std::string& history, int steps, int first,
                           int target, bool skip_curriculum,
                           bool target_given) {
  std::string summary = absl::StrCat(history, ": ");
  if (steps == 1) {
    absl::StrAppend(&summary, "1 step, ", ShortRungName(first));
  } else {
    absl::StrAppend(&summary, steps, " steps from ", ShortRungName(first),
                    " to ", ShortRungName(target));
  }
  if (skip_curriculum) {
    absl::StrAppend(&summary, " (", ShortRungName(kCurriculumRung),
                    " skipped)");
  }
  if (!target_given) {
    absl::StrAppend(&summary, ", as no target rung is given or wanted");
  }
  if (target >= kFirstContractRung) {
    absl::StrAppend(&summary, "; transaction support from L",
                    std::max(first, kFirstContractRung), ".");
  } else {
    absl::StrAppend(&summary, "; no transaction support needed.");
  }
  return summary;
}

}  // namespace

v1::Pathway PlanPathway(const PathwayInput& input) {
  v1::Pathway pathway;
  const int covered = std::clamp(input.covered_rung, -1, kTopRung);
  const int first = covered + 1;
  bool target_given = true;
  const int target = PathwayTarget(input, first, &target_given);
  pathway.set_covered_rung(covered);
  pathway.set_target_rung(target);
  const std::string history = HistoryPhrase(input, covered);
  if (target <= covered) {
    pathway.set_summary(
        target_given
            ? absl::StrCat(history, ", which already reaches the target ",
                           ShortRungName(target), ": do it directly.")
            : absl::StrCat(history, ", the top rung: no step is left."));
    return pathway;
  }
  const bool skip_curriculum = SkipCurriculum(input, first, target);
  for (int rung = first; rung <= target; ++rung) {
    if (skip_curriculum && rung == kCurriculumRung) continue;
    FillStep(input, rung, first, target, skip_curriculum, pathway.add_steps());
  }
  pathway.set_summary(PathwaySummary(history, pathway.steps_size(), first,
                                     target, skip_curriculum, target_given));
  return pathway;
}

}  // namespace helixmatch
