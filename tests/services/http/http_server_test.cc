// HttpServer's own life: addresses it refuses, a stop right after the
// start, and a connection that stalls. No records are needed: the engine
// is empty and runs on the synthetic word vectors.
#include "services/http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/engine/matching_engine.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path() + "/db";
    options.word_vectors = testing::SyntheticWordVectors();
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_ = std::move(*engine);
    api_ = std::make_unique<MatchApi>(engine_.get(), MatchApiOptions());
  }

  testing::TempDir dir_;
  std::unique_ptr<MatchingEngine> engine_;
  std::unique_ptr<MatchApi> api_;
};

TEST_F(HttpServerTest, RefusesAddressesItCannotUse) {
  for (const char* address :
       {"nowhere", ":8080", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:-1",
        "127.0.0.1:65536"}) {
    HttpServerOptions options;
    options.address = address;
    auto server = HttpServer::Start(api_.get(), nullptr, options);
    ASSERT_FALSE(server.ok()) << address;
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(server.status().message(), address))
        << server.status().message();
  }
  // A port already taken.
  auto first = HttpServer::Start(api_.get(), nullptr, {});
  ASSERT_TRUE(first.ok()) << first.status().message();
  HttpServerOptions taken;
  taken.address = absl::StrCat("127.0.0.1:", (*first)->port());
  auto second = HttpServer::Start(api_.get(), nullptr, taken);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(second.status().message(), "cannot listen"));
  // TLS files that are not there.
  HttpServerOptions tls;
  tls.tls = {dir_.path() + "/cert.pem", dir_.path() + "/key.pem", ""};
  auto missing = HttpServer::Start(api_.get(), nullptr, tls);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(absl::StrContains(missing.status().message(), "cert.pem"))
      << missing.status().message();
}

// cpp-httplib ignores a stop() that comes before its thread listens;
// Shutdown must not hang then.
TEST_F(HttpServerTest, StopsRightAfterStart) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    auto server = HttpServer::Start(api_.get(), nullptr, {});
    ASSERT_TRUE(server.ok()) << server.status().message();
    (*server)->Shutdown();
    (*server)->Shutdown();  // a second call does nothing
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

// A client that sends half a request and stalls is disconnected after the
// read timeout, so it cannot hold one of the server's threads.
TEST_F(HttpServerTest, ClosesAStalledConnection) {
  HttpServerOptions options;
  options.read_timeout_seconds = 1;
  options.keep_alive_seconds = 1;
  auto server = HttpServer::Start(api_.get(), nullptr, options);
  ASSERT_TRUE(server.ok()) << server.status().message();

  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>((*server)->port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address),
            0);
  const std::string half =
      "POST /helixmatch.v1.MatchService/Stats HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\n";
  ASSERT_EQ(send(fd, half.data(), half.size(), 0),
            static_cast<ssize_t>(half.size()));
  const auto sent = std::chrono::steady_clock::now();
  // Whatever the server answers, it then closes (recv returns 0) or
  // resets; each poll gives up after 15 s.
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    ASSERT_EQ(poll(&p, 1, 15000), 1) << "the connection is still open";
    char buffer[256];
    if (recv(fd, buffer, sizeof buffer, 0) <= 0) break;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(10));
  close(fd);
}

}  // namespace
}  // namespace helixmatch
