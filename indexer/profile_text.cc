#include "indexer/profile_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "indexer/records.h"

namespace helixmatch {

std::string CapabilityText(const v1::CapabilityProfile& profile) {
  return absl::StrCat(profile.title(), ". ", profile.unit(), ". ",
                      profile.description(), ". ",
                      absl::StrJoin(profile.keywords(), ", "));
}

std::string NeedText(const v1::FirmNeed& need) {
  return absl::StrCat(need.title(), ". ", need.description(), ". ",
                      absl::StrJoin(need.keywords(), ", "));
}

std::string ProfileText(const v1::Record& record) {
  return VisitRecord(
      record,
      Overloaded{
          [](const v1::CapabilityProfile& c) { return CapabilityText(c); },
          [](const v1::FirmNeed& n) { return NeedText(n); },
          [](const auto&) { return std::string(); },
      });
}

}  // namespace helixmatch
