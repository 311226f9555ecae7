#include "services/partnership/pair_history.h"

#include <algorithm>

#include "services/partnership/engagement_ladder.h"

namespace helixmatch {

PairHistory SummarizeTies(std::vector<const v1::Tie*> ties) {
  PairHistory h;
  h.ties = std::move(ties);
  std::sort(h.ties.begin(), h.ties.end(),
            [](const v1::Tie* x, const v1::Tie* y) {
              return x->year() != y->year() ? x->year() > y->year()
                                            : x->id() < y->id();
            });
  for (const v1::Tie* t : h.ties) {
    switch (t->outcome()) {
      case v1::TIE_OUTCOME_COMPLETED:
        ++h.completed;
        break;
      case v1::TIE_OUTCOME_ONGOING:
        ++h.ongoing;
        break;
      case v1::TIE_OUTCOME_FAILED:
        ++h.failed;
        break;
      default:
        break;
    }
    if (t->origin() == v1::TIE_ORIGIN_PROGRAMME) ++h.programme;
    if (t->outcome() == v1::TIE_OUTCOME_COMPLETED ||
        t->outcome() == v1::TIE_OUTCOME_ONGOING) {
      h.covered_rung = std::max(h.covered_rung, RungOf(t->channel()));
    }
    h.latest_year = std::max(h.latest_year, t->year());
  }
  return h;
}

}  // namespace helixmatch
