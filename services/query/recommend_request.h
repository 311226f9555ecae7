// Limits and catalog-free checks of a RecommendRequest (the limits are
// documented in matching.proto). Errors are INVALID_ARGUMENT naming the
// field and the limit, e.g. "k: 0 is outside 1..100".
#ifndef HELIXMATCH_SERVICES_QUERY_RECOMMEND_REQUEST_H_
#define HELIXMATCH_SERVICES_QUERY_RECOMMEND_REQUEST_H_

#include <cstddef>

#include "absl/status/status.h"
#include "helixmatch/v1/matching.pb.h"

namespace helixmatch {

inline constexpr int kMaxK = 100;
inline constexpr int kMaxProfilesPerOrganization = 10;
inline constexpr size_t kMaxQueryTextBytes = 4096;
inline constexpr int kMaxFilterValues = 64;
// Profiles shown per suggestion when the request leaves it at 0.
inline constexpr int kDefaultProfilesShown = 3;

// k, profiles_per_organization, direction and the filter.
absl::Status ValidateRecommendRequest(const v1::RecommendRequest& request);
absl::Status ValidateFilter(const v1::Filter& filter);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_QUERY_RECOMMEND_REQUEST_H_
