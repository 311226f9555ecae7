#include "services/engagement_ladder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

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

// Channels of `rung` that appear in `list`, or all of the rung's channels
// when none do.
std::vector<v1::Channel> PreferListed(int rung,
                                      const std::vector<v1::Channel>& list) {
  std::vector<v1::Channel> listed;
  for (v1::Channel c : list) {
    if (RungOf(c) == rung &&
        std::find(listed.begin(), listed.end(), c) == listed.end()) {
      listed.push_back(c);
    }
  }
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

}  // namespace helixmatch
