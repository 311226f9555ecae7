// The engagement ladder of barriers.md: channels ordered by commitment,
// L0 meetings ... L6 licensing, spin-offs, joint labs.
//
// Rule (Bruneel, D'Este & Salter 2010; Jonbekova et al. 2025): recommend
// the lowest rung the pair's trust evidence does not already cover; the
// path forward is the lowest rung above it that the firm wants (or the
// lab offers), else the next rung. From consultancy upward, attach
// transaction support (TTO, templates, IP terms): breadth raises
// transaction barriers.
#ifndef HELIXMATCH_SERVICES_PARTNERSHIP_ENGAGEMENT_LADDER_H_
#define HELIXMATCH_SERVICES_PARTNERSHIP_ENGAGEMENT_LADDER_H_

#include <optional>
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

// Highest rung among `channels`; -1 when none has a rung (empty, or only
// CHANNEL_UNSPECIFIED / unknown values).
int TargetRungOf(const std::vector<v1::Channel>& channels);

struct PathwayInput {
  // Highest rung covered by completed or ongoing ties of the pair; -1:
  // none. Values outside -1..kTopRung are clamped.
  int covered_rung = -1;
  // The rung aimed at, 0..kTopRung. Negative: the highest rung of
  // `target_channels`, else of `wanted`, else the lowest uncovered rung
  // (a one-step pathway). Values above kTopRung are clamped.
  int target_rung = -1;
  // Planned channels, e.g. a proposal's; also preferred at their rungs.
  std::vector<v1::Channel> target_channels;
  std::vector<v1::Channel> wanted;   // the firm's; empty: unknown
  std::vector<v1::Channel> offered;  // the university's; empty: unknown
  // Optional context; it changes the steps' rationales (and, where noted,
  // the steps). nullopt: no signal.
  // The university has a technology-transfer office or contract templates.
  std::optional<bool> tto_or_templates;
  // The firm has R&D staff. `false` keeps L2 on a research path.
  std::optional<bool> firm_rd_staff;
  // Every earlier tie of the pair was created by a programme.
  bool programme_only_history = false;
  // An earlier tie of the pair failed.
  bool failed_tie = false;
};

// The engagement pathway of a pair: one step per rung from the lowest
// rung its trust evidence does not cover, covered_rung + 1, up to the
// target rung, inclusive. The first step is always that rung, so it
// equals RecommendLadderStep's recommended rung for the same coverage;
// no rung is skipped at the start (barriers.md: start on the lowest
// uncovered rung), even when the target is L1 and there is no history.
// When the target is covered (target <= covered_rung) `steps` is empty
// and the summary says to do it directly.
//
// One rung may be skipped: L2 (joint curricula, staff training) when it
// lies strictly between the first step and a target of L4 or higher (a
// research path), neither `wanted` nor `target_channels` has an L2
// channel, and the firm is not known to lack R&D staff. L2 lowers
// ABSORPTIVE_CAPACITY and ORIENTATION; on such a path L1 (graduate
// placement) is a step already and L3 consultancy is barriers.md's first
// step against ORIENTATION, so L2 adds a rung without adding a remedy.
// The rationale of the step after it and the summary say so.
//
// Each step lists its channels (at that rung: the firm's wanted ones,
// else the university's offered ones, else the target channels, else all
// of the rung's), the barriers it is expected to lower (see
// BarriersLoweredAt, plus STATE_STEERING on the first step when every
// earlier tie was programme-made: a step the pair starts itself is
// barriers.md's remedy), and, from L3 upward, transaction support: breadth
// raises IP_CONTRACT and ORG_SUPPORT barriers (Bruneel et al. 2010).
//
// Pure function: no I/O, thread-safe.
v1::Pathway PlanPathway(const PathwayInput& input);

// The barrier codes a completed step on `rung` is expected to lower,
// in code order; empty outside 0..kTopRung. The reasoning per rung is in
// engagement_ladder.cc.
std::vector<v1::BarrierCode> BarriersLoweredAt(int rung);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PARTNERSHIP_ENGAGEMENT_LADDER_H_
