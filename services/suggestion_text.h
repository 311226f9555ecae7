// Plain-text rendering of suggestions and explanations for people (the
// command-line client and the demo), after the illustration in
// barriers.md.
#ifndef HELIXMATCH_SERVICES_SUGGESTION_TEXT_H_
#define HELIXMATCH_SERVICES_SUGGESTION_TEXT_H_

#include <string>

#include "helixmatch/v1/matching.pb.h"

namespace helixmatch {

// One suggestion, numbered `rank` (1-based; 0 omits the number).
std::string FormatSuggestion(const v1::Suggestion& suggestion, int rank);

// A screening report in full, and as one summary line (batch listings).
std::string FormatScreeningReport(const v1::ScreeningReport& report);
std::string FormatScreeningSummary(const v1::ScreeningReport& report);
// A pathway: its summary, then one line per step.
std::string FormatPathway(const v1::Pathway& pathway);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SUGGESTION_TEXT_H_
