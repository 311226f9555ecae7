#include "services/monitoring/metrics.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace helixmatch {
namespace {

TEST(MetricsTest, CallsAreCountedTimedAndInFlightWhileOpen) {
  ServerMetrics metrics(nullptr, "test");
  {
    CallScope scope(&metrics, Transport::kGrpc, "Explain");
    EXPECT_TRUE(absl::StrContains(
        metrics.Scrape(),
        "helixmatch_requests_in_flight{transport=\"grpc\"} 1"))
        << metrics.Scrape();
    CallSummary call;
    call.code = absl::StatusCode::kPermissionDenied;
    call.principal = "org:someone";
    scope.Finish(call);
  }
  const std::string text = metrics.Scrape();
  EXPECT_TRUE(absl::StrContains(
      text,
      "helixmatch_requests_total{code=\"PERMISSION_DENIED\",method=\"Explain\","
      "transport=\"grpc\"} 1"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "helixmatch_request_duration_seconds_count{method=\"Explain\","
      "transport=\"grpc\"} 1"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "helixmatch_requests_in_flight{transport=\"grpc\"} 0"));
  EXPECT_FALSE(absl::StrContains(text, "org:someone"));
}

TEST(MetricsTest, ScopeWithoutMetricsOnlyLogs) {
  CallScope scope(nullptr, Transport::kHttp, "Stats");
  scope.Finish(CallSummary());
}

TEST(BucketCountsTest, CountsEachValueInTheFirstBucketThatHoldsIt) {
  BucketCounts<3> counts{{1, 2, 4}};
  for (double v : {0.5, 1.0, 1.5, 4.0, 9.0}) counts.Observe(v);
  EXPECT_EQ(counts.counts[0], 2);  // 0.5, 1.0
  EXPECT_EQ(counts.counts[1], 1);  // 1.5
  EXPECT_EQ(counts.counts[2], 1);  // 4.0
  EXPECT_EQ(counts.counts[3], 1);  // 9.0, above every bound
  EXPECT_DOUBLE_EQ(counts.sum, 16.0);
}

}  // namespace
}  // namespace helixmatch
