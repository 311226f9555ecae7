#include "services/catalog/funding_call.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace helixmatch {

std::string CallFamily(absl::string_view topic) {
  std::string family;
  for (absl::string_view part :
       absl::StrSplit(absl::StripAsciiWhitespace(topic), '-')) {
    if (part.empty() ||
        absl::ascii_isdigit(static_cast<unsigned char>(part[0]))) {
      break;
    }
    if (!family.empty()) family += '-';
    family.append(part.data(), part.size());
  }
  absl::AsciiStrToUpper(&family);
  return family;
}

}  // namespace helixmatch
