// --server with one address or several (read replicas, round_robin).
#include <gtest/gtest.h>

#include "gmock/gmock.h"
#include "services/cli/connection.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;

TEST(ChannelTargetTest, OneAddressIsKeptAsGiven) {
  auto target = ChannelTargetFor("helixmatch.example.org:50051");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->target, "helixmatch.example.org:50051");
  EXPECT_THAT(target->service_config, HasSubstr("round_robin"));
}

TEST(ChannelTargetTest, SeveralAddressesBecomeOneBalancedTarget) {
  auto target = ChannelTargetFor("127.0.0.1:5001,localhost:5002");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->target, "ipv4:127.0.0.1:5001,127.0.0.1:5002");
  auto v6 = ChannelTargetFor("[::1]:5001,[::1]:5002");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->target, "ipv6:[::1]:5001,[::1]:5002");
  // Reads are retried on UNAVAILABLE; writes are not listed.
  EXPECT_THAT(target->service_config, HasSubstr("\"method\": \"Recommend\""));
  EXPECT_THAT(target->service_config, ::testing::Not(HasSubstr("Upsert")));
}

TEST(ChannelTargetTest, RefusesBadLists) {
  struct Case {
    const char* server;
    const char* error;
  } cases[] = {
      {"", "--server: is empty"},
      {"127.0.0.1:1,", "'' in '127.0.0.1:1,' is not IP:PORT"},
      {"127.0.0.1,127.0.0.1:2", "'127.0.0.1' in"},
      {"127.0.0.1:1,127.0.0.1:", "is not IP:PORT"},
      {"a.example:1,b.example:2", "'a.example:1': several servers must be"},
      {"127.0.0.1:1,[::1]:2", "mixes IPv4 and IPv6"},
  };
  for (const auto& c : cases) {
    auto target = ChannelTargetFor(c.server);
    EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument)
        << c.server;
    EXPECT_THAT(target.status().message(), HasSubstr(c.error)) << c.server;
  }
}

}  // namespace
}  // namespace helixmatch
