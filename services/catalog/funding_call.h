// Call families: what the ranking compares of two funding calls.
#ifndef HELIXMATCH_SERVICES_CATALOG_FUNDING_CALL_H_
#define HELIXMATCH_SERVICES_CATALOG_FUNDING_CALL_H_

#include <string>

#include "absl/strings/string_view.h"

namespace helixmatch {

// The topic code up to its first '-'-separated part that starts with a
// digit, upper-cased: "SC1-BHC-01-2019" -> "SC1-BHC", "msca-itn-2018" ->
// "MSCA-ITN", "ERC-StG-2014" -> "ERC-STG". Empty for an empty topic or one
// that starts with a digit.
std::string CallFamily(absl::string_view topic);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_CATALOG_FUNDING_CALL_H_
