// Assesses the barriers of barriers.md for one university-firm pair:
// for every code a level, severity, confidence (share of the code's
// signals present), the evidence values and the first step past it.
// Where the data has no signal the severity is UNKNOWN with confidence 0;
// a value is never guessed.
//
// Plain C++: no I/O, no locks; thread-safe.
#ifndef HELIXMATCH_SERVICES_PARTNERSHIP_BARRIER_MODEL_H_
#define HELIXMATCH_SERVICES_PARTNERSHIP_BARRIER_MODEL_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"
#include "services/partnership/pair_history.h"

namespace helixmatch {

struct BarrierInput {
  const v1::Organization* university = nullptr;  // capability side
  const v1::Organization* firm = nullptr;  // need side; null: unknown asker
  const v1::CapabilityProfile* capability = nullptr;  // best match
  const v1::FirmNeed* need = nullptr;  // null for a free-text query
  PairHistory history;
  // Which of the history's ties the reader may see cited (their text and
  // ids; services/catalog/visibility.h); the counts and severities use
  // every tie. Null: all of them.
  std::function<bool(const v1::Tie&)> citable;
  int shared_partners = -1;   // organizations tied to both; -1 unknown
  int matching_profiles = 0;  // the university's profiles matching the topic
  int total_profiles = 0;
  // The matching profiles, best first, as "reference: title" (cited as
  // evidence of topic depth; at most three are shown).
  std::vector<std::string> matching_references;
  int firm_university_ties = -1;  // firm's ties with any university
  int regional_firms = -1;        // firms in the university's region
  int recommended_rung = 0;
  int next_rung = -1;  // the path forward; -1 at the top of the ladder
  int reference_year = 2026;
};

std::vector<v1::BarrierAssessment> AssessBarriers(const BarrierInput& input);

std::string SeverityName(v1::Severity severity);  // "low", "unknown", ...
std::string BarrierName(v1::BarrierCode code);    // "TRUST", ...

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PARTNERSHIP_BARRIER_MODEL_H_
