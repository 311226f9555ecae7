// Plain-text rendering of suggestions, explanations, screening reports
// and pathways for people (the `helixmatch` client, and through it the
// demo and scripts), after the illustration in barriers.md. Scripts match
// this text: a change to it is a change of the client's output.
//
// Thread safety: the functions are pure.
#ifndef HELIXMATCH_SERVICES_CLI_SUGGESTION_TEXT_H_
#define HELIXMATCH_SERVICES_CLI_SUGGESTION_TEXT_H_

#include <string>

#include "helixmatch/v1/matching.pb.h"

namespace helixmatch {

// One suggestion, numbered `rank` (1-based; 0 omits the number): name,
// place, id and score; the score breakdown; the matched profiles; one line
// per barrier, with the mitigation of high and medium ones; the ladder
// step. Ends with a newline.
std::string FormatSuggestion(const v1::Suggestion& suggestion, int rank);

// A screening report in full (ends with a newline), and as one summary
// line without a newline (batch listings).
std::string FormatScreeningReport(const v1::ScreeningReport& report);
std::string FormatScreeningSummary(const v1::ScreeningReport& report);
// A pathway: its summary, then one line per step.
std::string FormatPathway(const v1::Pathway& pathway);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CLI_SUGGESTION_TEXT_H_
