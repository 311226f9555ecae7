// Transport security over real gRPC connections (docs/security.md, "a
// network observer"): TLS and mutual TLS with a throwaway CA and
// certificates that `openssl` makes at test time, and the refusals: a
// plaintext client, a client that trusts another CA, a client without a
// certificate or with one from another CA when the server asks for one,
// and a server that would listen on the network without TLS or tokens.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/engine/matching_engine.h"
#include "services/server/match_service.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using testing::TempDir;

constexpr char kToken[] = "tls-operator-token-0123456789";

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a shell command in `dir`; fails the test when it fails.
void Shell(const std::string& dir, const std::string& command) {
  const std::string line =
      absl::StrCat("cd '", dir, "' && ", command, " >>openssl.log 2>&1");
  ASSERT_EQ(std::system(line.c_str()), 0) << command << "\n"
                                          << Slurp(dir + "/openssl.log");
}

class TlsTest : public ::testing::Test {
 protected:
  // Two CAs (ca, other-ca); a server certificate for 127.0.0.1 and
  // localhost from ca; a client certificate from each CA.
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string& d = dir_->path();
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1";
    for (const char* ca : {"ca", "other-ca"}) {
      Shell(d, absl::StrCat("openssl req -x509 ", key,
                            " -nodes -days 2 -subj "
                            "'/CN=helixmatch test ",
                            ca, "' -keyout ", ca, ".key -out ", ca, ".pem"));
    }
    std::ofstream(d + "/server.ext")
        << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    Issue("server", "ca", "-extfile server.ext");
    Issue("client", "ca", "");
    Issue("other-client", "other-ca", "");
  }

  static void Issue(const std::string& name, const std::string& ca,
                    const std::string& extra) {
    const std::string& d = dir_->path();
    Shell(d,
          absl::StrCat("openssl req -new -newkey ec -pkeyopt "
                       "ec_paramgen_curve:prime256v1 -nodes -subj '/CN=",
                       name, "' -keyout ", name, ".key -out ", name, ".csr"));
    Shell(d,
          absl::StrCat("openssl x509 -req -in ", name, ".csr -CA ", ca,
                       ".pem -CAkey ", ca, ".key -CAcreateserial -days 2 -out ",
                       name, ".pem ", extra));
  }

  static void TearDownTestSuite() { delete dir_; }

  static std::string Pem(const std::string& name) {
    return Slurp(dir_->path() + "/" + name + ".pem");
  }
  static std::string Key(const std::string& name) {
    return Slurp(dir_->path() + "/" + name + ".key");
  }

  void SetUp() override {
    EngineOptions options;
    options.data_dir = data_.path();
    options.word_vectors = testing::SyntheticWordVectors();
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    auto table = PrincipalTable::Parse(absl::StrCat(kToken, " operator\n"),
                                       "tls tokens");
    ASSERT_TRUE(table.ok());
    principals_ = std::make_unique<ReloadablePrincipals>(std::move(*table));
  }

  // Starts a TLS server (mutual when `client_ca` is non-empty).
  void StartTls(const std::string& client_ca,
                const std::string& address = "127.0.0.1:0") {
    MatchServerOptions options;
    options.api.principals = principals_.get();
    options.tls = TlsMaterial{Pem("server"), Key("server"), client_ca};
    auto server =
        MatchServer::Start(engine_.get(), address, std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // Stats over a channel with `credentials`; the status.
  grpc::Status Call(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto stub = v1::MatchService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), credentials));
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::StatsResponse stats;
    return stub->Stats(&context, {}, &stats);
  }

  static std::shared_ptr<grpc::ChannelCredentials> Ssl(
      const std::string& root, const std::string& client = "") {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = Pem(root);
    if (!client.empty()) {
      ssl.pem_cert_chain = Pem(client);
      ssl.pem_private_key = Key(client);
    }
    return grpc::SslCredentials(ssl);
  }

  static TempDir* dir_;
  TempDir data_;
  std::unique_ptr<MatchingEngine> engine_;
  std::unique_ptr<ReloadablePrincipals> principals_;
  std::unique_ptr<MatchServer> server_;
};

TempDir* TlsTest::dir_ = nullptr;

TEST_F(TlsTest, TlsWorks) {
  StartTls("");
  const auto s = Call(Ssl("ca"));
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(TlsTest, PlaintextClientIsRefused) {
  StartTls("");
  const auto s = Call(grpc::InsecureChannelCredentials());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(TlsTest, ClientTrustingAnotherCaIsRefused) {
  StartTls("");
  const auto s = Call(Ssl("other-ca"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(TlsTest, MutualTlsWithTheRightClientCertificateWorks) {
  StartTls(Pem("ca"));
  const auto s = Call(Ssl("ca", "client"));
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(TlsTest, MutualTlsWithoutAClientCertificateIsRefused) {
  StartTls(Pem("ca"));
  const auto s = Call(Ssl("ca"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(TlsTest, MutualTlsWithACertificateFromAnotherCaIsRefused) {
  StartTls(Pem("ca"));
  const auto s = Call(Ssl("ca", "other-client"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(TlsTest, NetworkAddressNeedsTlsAndTokens) {
  MatchServerOptions plaintext;
  plaintext.api.principals = principals_.get();
  auto refused =
      MatchServer::Start(engine_.get(), "0.0.0.0:0", std::move(plaintext));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("without TLS"), std::string::npos);

  MatchServerOptions no_tokens;
  no_tokens.tls = TlsMaterial{Pem("server"), Key("server"), ""};
  no_tokens.allow_insecure = true;
  refused =
      MatchServer::Start(engine_.get(), "0.0.0.0:0", std::move(no_tokens));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("without --principals"),
            std::string::npos);

  // With TLS and tokens it listens there, and answers on loopback too.
  StartTls("", "0.0.0.0:0");
  const auto s = Call(Ssl("ca"));
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(TlsTest, AllowInsecureListensInPlaintextWithTokens) {
  MatchServerOptions options;
  options.api.principals = principals_.get();
  options.allow_insecure = true;
  auto server =
      MatchServer::Start(engine_.get(), "0.0.0.0:0", std::move(options));
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = std::move(*server);
  const auto s = Call(grpc::InsecureChannelCredentials());
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(TlsTest, LoopbackWithoutTokensIsTheSafeDefault) {
  auto server = MatchServer::Start(engine_.get(), "127.0.0.1:0");
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = std::move(*server);
  const auto s = Call(grpc::InsecureChannelCredentials());
  EXPECT_TRUE(s.ok()) << s.error_message();
}

}  // namespace
}  // namespace helixmatch
