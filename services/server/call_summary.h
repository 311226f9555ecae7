// What the request log and the metrics record of a MatchApi call beyond
// its method and status, for every transport alike: who called, and for
// Recommend, k and the candidates considered. No record ids or text.
#ifndef HELIXMATCH_SERVICES_SERVER_CALL_SUMMARY_H_
#define HELIXMATCH_SERVICES_SERVER_CALL_SUMMARY_H_

#include <string>

#include "helixmatch/v1/matching.pb.h"
#include "services/monitoring/logging.h"
#include "services/server/principals.h"

namespace helixmatch {

// "operator", or the organization id of an organization or programme.
inline std::string PrincipalName(const Principal& principal) {
  return principal.role == Role::kOperator ? "operator"
                                           : principal.organization_id;
}

// Adds what a call's request and response (null when the call failed)
// tell; nothing for most methods.
template <typename Request, typename Response>
void DescribeCall(const Request&, const Response*, CallSummary*) {}

inline void DescribeCall(const v1::RecommendRequest& request,
                         const v1::RecommendResponse* response,
                         CallSummary* call) {
  call->k = request.k();
  if (response != nullptr) call->candidates = response->candidates_considered();
}

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SERVER_CALL_SUMMARY_H_
