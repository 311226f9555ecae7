// The shared history of one pair of organizations, as the ranking, the
// barrier model and the ladder read it: their ties, newest first, with
// counts by outcome and the highest rung of the engagement ladder that
// their completed or ongoing ties cover. Pure; thread-safe.
#ifndef HELIXMATCH_SERVICES_PARTNERSHIP_PAIR_HISTORY_H_
#define HELIXMATCH_SERVICES_PARTNERSHIP_PAIR_HISTORY_H_

#include <vector>

#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

// What the data says about the pair's shared history.
struct PairHistory {
  std::vector<const v1::Tie*> ties;  // newest first
  int completed = 0;
  int ongoing = 0;
  int failed = 0;
  int programme = 0;      // ties a programme created
  int covered_rung = -1;  // highest rung of completed/ongoing ties
  int latest_year = 0;
};

// Orders the ties of one pair newest first and counts them.
PairHistory SummarizeTies(std::vector<const v1::Tie*> ties);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PARTNERSHIP_PAIR_HISTORY_H_
