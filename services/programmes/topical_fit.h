// The topical fit of a proposal: its text as a query over the
// university's capability profiles, asked by the firm (so trust and
// distance are the pair's), and over the firm's needs (the named one, or
// its best among those the reader may see). Fills the report's fit,
// barriers and trust evidence; terms, statistics and cited ties are the
// reader's view (visibility.h).
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_TOPICAL_FIT_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_TOPICAL_FIT_H_

#include <cstdint>
#include <vector>

#include "helixmatch/v1/matching.pb.h"
#include "services/partnership/pair_history.h"
#include "services/programmes/screening_context.h"

namespace helixmatch {

// Topical fit below this is weak. Fit blends the cosine of IDF-weighted
// GloVe means (high even for unrelated texts) with BM25; on the demo data
// related proposal/profile pairs score 0.45-0.7, unrelated ones 0.25-0.4.
inline constexpr double kWeakFit = 0.40;

struct ProposalFit {
  // The firm's need the proposal answers: the named one, else the best
  // matching one; null when the firm has none on record.
  const v1::FirmNeed* need = nullptr;
  // The university's best matching profile; null when it has none.
  const v1::CapabilityProfile* best_capability = nullptr;
  std::vector<float> proposal_vector;  // the proposal text's embedding
  PairHistory history;
};

// `named_need` is the proposal's need_id resolved (or null). Sets
// report->fit, report->barriers and report->trust_evidence.
ProposalFit AssessProposalFit(const ScreeningContext& context,
                              const v1::Proposal& proposal, uint32_t university,
                              uint32_t firm, const v1::FirmNeed* named_need,
                              v1::ScreeningReport* report);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_TOPICAL_FIT_H_
