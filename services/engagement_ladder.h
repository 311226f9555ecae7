// The engagement ladder of barriers.md: channels ordered by commitment,
// L0 meetings ... L6 licensing, spin-offs, joint labs.
//
// Rule (Bruneel, D'Este & Salter 2010; Jonbekova et al. 2025): recommend
// the lowest rung the pair's trust evidence does not already cover; the
// path forward is the lowest rung above it that the firm wants (or the
// lab offers), else the next rung. From consultancy upward, attach
// transaction support (TTO, templates, IP terms): breadth raises
// transaction barriers.
#ifndef HELIXMATCH_SERVICES_ENGAGEMENT_LADDER_H_
#define HELIXMATCH_SERVICES_ENGAGEMENT_LADDER_H_

#include <string>
#include <vector>

#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

inline constexpr int kTopRung = 6;

// Rung 0..6 of a channel; -1 for CHANNEL_UNSPECIFIED.
int RungOf(v1::Channel channel);
std::vector<v1::Channel> ChannelsOfRung(int rung);
std::string RungName(
    int rung);  // e.g. "L3 consultancy, testing, equipment access"

struct LadderInput {
  // Highest rung covered by completed or ongoing ties of the pair; -1: none.
  int covered_rung = -1;
  // What the two sides want and offer (may be empty: unknown).
  std::vector<v1::Channel> wanted;
  std::vector<v1::Channel> offered;
};

v1::LadderStep RecommendLadderStep(const LadderInput& input);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGAGEMENT_LADDER_H_
