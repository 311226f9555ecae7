// Internal types of MatchingEngine shared by its source files
// (matching_engine.cc, screening.cc). Not part of the engine's API.
#ifndef HELIXMATCH_SERVICES_ENGINE_INTERNAL_H_
#define HELIXMATCH_SERVICES_ENGINE_INTERNAL_H_

#include <unordered_set>
#include <utility>
#include <vector>

#include "services/matching_engine.h"

namespace helixmatch {

// A resolved Recommend query.
struct MatchingEngine::Query {
  v1::Direction direction;
  const ProfileSet* target = nullptr;
  std::vector<float> vector;
  std::vector<uint32_t> terms;         // distinct term ids
  std::vector<double> term_idf;        // BM25 idf per term, over the target
  double bm25_max = 0;                 // score of a doc matching every term
  uint32_t requester = kNoIndex;       // organization asking
  const v1::FirmNeed* need = nullptr;  // query record, if any
  const v1::CapabilityProfile* capability = nullptr;
  v1::Filter filter;
  bool programme_requester = false;
  // A profile counts towards topic depth only from this fit up (besides
  // being close to the best one); screening sets its weak-fit line.
  double min_match_fit = 0;
  std::unordered_set<uint32_t> partners;  // of the requester, by tie
};

struct MatchingEngine::Candidate {
  uint32_t slot;
  double dense = 0;
  double lexical = 0;
  double fit = 0;
  std::vector<std::pair<double, uint32_t>> matched;  // (weight, term)
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_ENGINE_INTERNAL_H_
