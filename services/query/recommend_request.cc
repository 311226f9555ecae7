#include "services/query/recommend_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace helixmatch {
namespace {

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::Status TooMany(absl::string_view path, int n) {
  return Invalid(path, absl::StrCat("has ", n, " values, the limit is ",
                                    kMaxFilterValues));
}

}  // namespace

absl::Status ValidateRecommendRequest(const v1::RecommendRequest& request) {
  if (request.k() < 1 || request.k() > kMaxK) {
    return Invalid("k", absl::StrCat(request.k(), " is outside 1..", kMaxK));
  }
  if (request.profiles_per_organization() < 0 ||
      request.profiles_per_organization() > kMaxProfilesPerOrganization) {
    return Invalid(
        "profiles_per_organization",
        absl::StrCat(request.profiles_per_organization(), " is outside 0..",
                     kMaxProfilesPerOrganization));
  }
  if (!v1::Direction_IsValid(request.direction())) {
    return Invalid("direction",
                   absl::StrCat("unknown value ", request.direction()));
  }
  return ValidateFilter(request.filter());
}

absl::Status ValidateFilter(const v1::Filter& f) {
  if (f.kinds_size() > kMaxFilterValues) {
    return TooMany("filter.kinds", f.kinds_size());
  }
  for (int i = 0; i < f.kinds_size(); ++i) {
    if (!v1::OrganizationKind_IsValid(f.kinds(i)) || f.kinds(i) == 0) {
      return Invalid(absl::StrCat("filter.kinds[", i, "]"),
                     absl::StrCat("unknown organization kind ", f.kinds(i)));
    }
  }
  if (f.countries_size() > kMaxFilterValues) {
    return TooMany("filter.countries", f.countries_size());
  }
  for (int i = 0; i < f.countries_size(); ++i) {
    const auto& c = f.countries(i);
    if (c.size() != 2 || !absl::ascii_isupper(c[0]) ||
        !absl::ascii_isupper(c[1])) {
      return Invalid(absl::StrCat("filter.countries[", i, "]"),
                     "is not an ISO 3166 alpha-2 code (two upper-case "
                     "letters)");
    }
  }
  if (f.regions_size() > kMaxFilterValues) {
    return TooMany("filter.regions", f.regions_size());
  }
  if (f.sectors_size() > kMaxFilterValues) {
    return TooMany("filter.sectors", f.sectors_size());
  }
  if (f.trl() < 0 || f.trl() > 9) {
    return Invalid("filter.trl", absl::StrCat(f.trl(), " is outside 0..9"));
  }
  return absl::OkStatus();
}

}  // namespace helixmatch
