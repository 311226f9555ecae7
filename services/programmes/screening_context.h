// What screening reads: the catalog (under the engine's read lock), the
// embedding model, the programmes' rules, the ranking weights, the year
// trust recency is measured from, and who reads the report (a need or a
// tie it may not see is neither chosen, named nor cited). All
// referenced, none owned.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_SCREENING_CONTEXT_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_SCREENING_CONTEXT_H_

#include "indexer/embedder.h"
#include "services/catalog/catalog.h"
#include "services/catalog/visibility.h"
#include "services/programmes/rules_file.h"
#include "services/ranking/weights.h"

namespace helixmatch {

struct ScreeningContext {
  const Catalog& catalog;
  const Embedder& embedder;
  const ProgrammeRegistry& programmes;
  const RankingWeights& weights;
  int reference_year;
  // Who reads the reports; the engine passes its caller.
  Viewer viewer = Viewer::Operator();
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_SCREENING_CONTEXT_H_
