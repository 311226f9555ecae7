#include "services/monitoring/logging.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

CallSummary Recommend() {
  CallSummary call;
  call.transport = Transport::kHttp;
  call.method = "Recommend";
  call.principal = "org:tokyrau-copper";
  call.code = absl::StatusCode::kOk;
  call.seconds = 0.0123;
  call.k = 3;
  call.candidates = 40;
  call.http_status = 200;
  return call;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

TEST(LoggingTest, JsonLinesCarryTheRequestFieldsAsKeys) {
  ASSERT_TRUE(ConfigureLogging("test", LogFormat::kJson, "info").ok());
  ::testing::internal::CaptureStderr();
  LogRequest(Recommend());
  spdlog::info("a \"quoted\" message\twith a tab");
  spdlog::debug("below the level");
  spdlog::default_logger()->flush();
  const auto lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 2u);

  google::protobuf::Struct request;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[0], &request).ok())
      << lines[0];
  const auto& f = request.fields();
  EXPECT_EQ(f.at("logger").string_value(), "request");
  EXPECT_EQ(f.at("level").string_value(), "info");
  EXPECT_EQ(f.at("transport").string_value(), "http");
  EXPECT_EQ(f.at("method").string_value(), "Recommend");
  EXPECT_EQ(f.at("principal").string_value(), "org:tokyrau-copper");
  EXPECT_EQ(f.at("status").string_value(), "OK");
  EXPECT_EQ(f.at("http_status").number_value(), 200);
  EXPECT_NEAR(f.at("latency_ms").number_value(), 12.3, 1e-9);
  EXPECT_EQ(f.at("k").number_value(), 3);
  EXPECT_EQ(f.at("candidates").number_value(), 40);
  EXPECT_TRUE(absl::EndsWith(f.at("time").string_value(), "Z"));

  google::protobuf::Struct message;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[1], &message).ok())
      << lines[1];
  EXPECT_EQ(message.fields().at("message").string_value(),
            "a \"quoted\" message\twith a tab");
  EXPECT_EQ(message.fields().at("logger").string_value(), "test");
}

TEST(LoggingTest, TextLinesAreKeyValuePairs) {
  ASSERT_TRUE(ConfigureLogging("test", LogFormat::kText, "info").ok());
  ::testing::internal::CaptureStderr();
  CallSummary failed = Recommend();
  failed.transport = Transport::kGrpc;
  failed.code = absl::StatusCode::kNotFound;
  failed.http_status = 0;
  failed.candidates = -1;
  LogRequest(failed);
  spdlog::default_logger()->flush();
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(absl::StrContains(
      out,
      "grpc Recommend principal=org:tokyrau-copper status=NOT_FOUND "
      "latency_ms=12.300 k=3"))
      << out;
  EXPECT_FALSE(absl::StrContains(out, "candidates=")) << out;
}

TEST(LoggingTest, LevelsGateRequestLinesAndBadNamesAreRefused) {
  ASSERT_TRUE(ConfigureLogging("test", LogFormat::kText, "warn").ok());
  ::testing::internal::CaptureStderr();
  LogRequest(Recommend());
  spdlog::default_logger()->flush();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_FALSE(ConfigureLogging("test", LogFormat::kText, "loud").ok());
  EXPECT_FALSE(ParseLogFormat("xml").ok());
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  ASSERT_TRUE(ConfigureLogging("test", LogFormat::kText, "info").ok());
}

}  // namespace
}  // namespace helixmatch
