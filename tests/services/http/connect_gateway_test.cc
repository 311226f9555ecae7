// ConnectGateway without a server: it answers every method the proto
// declares, and its codes and HTTP statuses are Connect's.
#include "services/http/connect_gateway.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>

#include "helixmatch/v1/matching.pb.h"

namespace helixmatch {
namespace {

// A method added to matching.proto without a gateway entry fails here.
TEST(ConnectGatewayTest, AnswersEveryMethodOfTheService) {
  ConnectGateway gateway(nullptr, nullptr);
  const google::protobuf::ServiceDescriptor* service =
      v1::RecommendRequest::descriptor()->file()->FindServiceByName(
          "MatchService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* method = service->method(i);
    EXPECT_TRUE(gateway.HasMethod(method->name())) << method->name();
    const size_t expected = method->client_streaming()
                                ? GatewayLimits().max_stream_bytes
                                : GatewayLimits().max_message_bytes;
    EXPECT_EQ(gateway.MaxBodyBytes(method->name()), expected) << method->name();
  }
  EXPECT_FALSE(gateway.HasMethod("Teleport"));
  EXPECT_EQ(gateway.MaxBodyBytes("Teleport"), 0u);
}

// https://connectrpc.com/docs/protocol/#error-codes
TEST(ConnectGatewayTest, CodesAndStatusesAreConnects) {
  struct Row {
    absl::StatusCode code;
    const char* name;
    int http;
  };
  for (const Row& row : {
           Row{absl::StatusCode::kCancelled, "canceled", 499},
           Row{absl::StatusCode::kUnknown, "unknown", 500},
           Row{absl::StatusCode::kInvalidArgument, "invalid_argument", 400},
           Row{absl::StatusCode::kDeadlineExceeded, "deadline_exceeded", 504},
           Row{absl::StatusCode::kNotFound, "not_found", 404},
           Row{absl::StatusCode::kAlreadyExists, "already_exists", 409},
           Row{absl::StatusCode::kPermissionDenied, "permission_denied", 403},
           Row{absl::StatusCode::kResourceExhausted, "resource_exhausted", 429},
           Row{absl::StatusCode::kFailedPrecondition, "failed_precondition",
               400},
           Row{absl::StatusCode::kAborted, "aborted", 409},
           Row{absl::StatusCode::kOutOfRange, "out_of_range", 400},
           Row{absl::StatusCode::kUnimplemented, "unimplemented", 501},
           Row{absl::StatusCode::kInternal, "internal", 500},
           Row{absl::StatusCode::kUnavailable, "unavailable", 503},
           Row{absl::StatusCode::kDataLoss, "data_loss", 500},
           Row{absl::StatusCode::kUnauthenticated, "unauthenticated", 401},
       }) {
    EXPECT_EQ(ConnectCodeName(row.code), row.name);
    EXPECT_EQ(HttpStatusOf(row.code), row.http) << row.name;
  }
  const HttpAnswer answer =
      ErrorAnswer(absl::NotFoundError("need 'need:x' not found"));
  EXPECT_EQ(answer.status, 404);
  EXPECT_EQ(answer.content_type, "application/json");
  google::protobuf::Struct body;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(answer.body, &body).ok())
      << answer.body;
  EXPECT_EQ(body.fields().size(), 2u) << answer.body;
  EXPECT_EQ(body.fields().at("code").string_value(), "not_found");
  EXPECT_EQ(body.fields().at("message").string_value(),
            "need 'need:x' not found");
}

}  // namespace
}  // namespace helixmatch
