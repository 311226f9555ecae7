#include "services/cli/command.h"

#include <cctype>

namespace helixmatch {

std::string EnumOptionName(const std::string& prefix, const std::string& text) {
  std::string upper;
  for (char c : text) {
    upper.push_back(c == '-' ? '_'
                             : static_cast<char>(std::toupper(
                                   static_cast<unsigned char>(c))));
  }
  return upper.rfind(prefix, 0) == 0 ? upper : prefix + upper;
}

}  // namespace helixmatch
