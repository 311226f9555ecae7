// Where a server may listen and with what (services/server/
// transport_security): loopback addresses, the refusals of a non-loopback
// address without a tokens file or TLS, and the TLS flags' files. The
// handshakes themselves are tests/integration/tls_test.cc.
#include "services/server/transport_security.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

TEST(IsLoopbackAddressTest, LoopbackForms) {
  for (const char* a : {"127.0.0.1:0", "127.0.0.1:50051", "127.1.2.3:1",
                        "localhost:50051", "LOCALHOST:1", "[::1]:50051", "::1",
                        "unix:/tmp/helixmatch.sock", "127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackAddress(a)) << a;
  }
}

TEST(IsLoopbackAddressTest, EverythingElseIsNot) {
  for (const char* a :
       {"0.0.0.0:50051", "[::]:50051", "10.0.0.5:50051", "128.0.0.1:1",
        "helixmatch.example.org:443", "localhost.example.org:1",
        "[::ffff:127.0.0.1]:1", "", ":50051", "126.255.255.255:1"}) {
    EXPECT_FALSE(IsLoopbackAddress(a)) << a;
  }
}

TEST(CheckListenSecurityTest, LoopbackIsAlwaysAllowed) {
  for (bool tls : {false, true}) {
    for (bool tokens : {false, true}) {
      EXPECT_TRUE(CheckListenSecurity("127.0.0.1:0", tls, tokens, false).ok());
    }
  }
}

TEST(CheckListenSecurityTest, NetworkWithoutATokensFileIsRefusedEvenInsecure) {
  for (bool allow_insecure : {false, true}) {
    const auto s =
        CheckListenSecurity("0.0.0.0:50051", true, false, allow_insecure);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(s.message()), HasSubstr("'0.0.0.0:50051'"));
    EXPECT_THAT(std::string(s.message()), HasSubstr("without --principals"));
    EXPECT_THAT(std::string(s.message()), HasSubstr("operator"));
  }
}

TEST(CheckListenSecurityTest, NetworkPlaintextNeedsAllowInsecure) {
  const auto s = CheckListenSecurity("[::]:50051", false, true, false);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("without TLS"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("--allow-insecure"));
  EXPECT_TRUE(CheckListenSecurity("[::]:50051", false, true, true).ok());
  EXPECT_TRUE(CheckListenSecurity("[::]:50051", true, true, false).ok());
}

class LoadTlsMaterialTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  TempDir dir_;
};

TEST_F(LoadTlsMaterialTest, NoFlagsIsNoTls) {
  auto tls = LoadTlsMaterial("", "", "");
  ASSERT_TRUE(tls.ok());
  EXPECT_FALSE(tls->has_value());
}

TEST_F(LoadTlsMaterialTest, ReadsThePemFiles) {
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n";
  auto tls = LoadTlsMaterial(Write("c.pem", pem), Write("k.pem", pem), "");
  ASSERT_TRUE(tls.ok()) << tls.status();
  ASSERT_TRUE(tls->has_value());
  EXPECT_EQ((*tls)->certificate_chain, pem);
  EXPECT_FALSE((*tls)->mutual());
  tls = LoadTlsMaterial(Write("c.pem", pem), Write("k.pem", pem),
                        Write("ca.pem", pem));
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_TRUE((*tls)->mutual());
}

TEST_F(LoadTlsMaterialTest, FlagsThatComeAloneAreNamed) {
  const std::string pem = Write("c.pem", "-----BEGIN X-----\n");
  EXPECT_EQ(LoadTlsMaterial(pem, "", "").status().message(),
            "--tls-key: is required with --tls-cert");
  EXPECT_EQ(LoadTlsMaterial("", pem, "").status().message(),
            "--tls-cert: is required with --tls-key");
  EXPECT_THAT(std::string(LoadTlsMaterial("", "", pem).status().message()),
              HasSubstr("--tls-client-ca: needs --tls-cert and --tls-key"));
}

TEST_F(LoadTlsMaterialTest, UnreadableOrNonPemFilesAreNamed) {
  const std::string pem = Write("c.pem", "-----BEGIN X-----\n");
  const std::string junk = Write("junk.pem", "not a certificate");
  auto s = LoadTlsMaterial(dir_.path() + "/missing.pem", pem, "").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--tls-cert: '"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot be read"));
  s = LoadTlsMaterial(pem, junk, "").status();
  EXPECT_THAT(std::string(s.message()), HasSubstr("--tls-key: '"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("holds no PEM block"));
  s = LoadTlsMaterial(pem, pem, junk).status();
  EXPECT_THAT(std::string(s.message()), HasSubstr("--tls-client-ca: '"));
  s = LoadTlsMaterial(pem, pem, dir_.path()).status();  // a folder
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace helixmatch
