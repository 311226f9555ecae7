// Token digests (services/server/token_digest): the SHA-256 the tokens
// file stores, hex parsing, comparison and new random tokens.
#include "services/server/token_digest.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace helixmatch {
namespace {

TEST(TokenDigestTest, DigestIsSha256) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(HexDigest(DigestToken("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(TokenId(DigestToken("abc")), "sha256:ba7816bf8f01");
}

TEST(TokenDigestTest, HexRoundTripsInEitherCase) {
  const TokenDigest d = DigestToken("operator-token-0123456789");
  const std::string hex = HexDigest(d);
  ASSERT_EQ(hex.size(), 64u);
  EXPECT_EQ(ParseHexDigest(hex), d);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(ParseHexDigest(upper), d);
}

TEST(TokenDigestTest, BadHexIsRefused) {
  for (const std::string& bad :
       {std::string(), std::string(63, 'a'), std::string(65, 'a'),
        std::string(64, 'g'), std::string(63, 'a') + " ",
        std::string(62, 'a') + "0x"}) {
    EXPECT_FALSE(ParseHexDigest(bad).has_value()) << bad;
  }
}

TEST(TokenDigestTest, DigestsEqualComparesWholeDigests) {
  const TokenDigest a = DigestToken("a-token-0123456789");
  TokenDigest b = a;
  EXPECT_TRUE(DigestsEqual(a, b));
  b[31] ^= 1;  // differs only in the last byte
  EXPECT_FALSE(DigestsEqual(a, b));
  b = a;
  b[0] ^= 0x80;  // only in the first
  EXPECT_FALSE(DigestsEqual(a, b));
}

TEST(TokenDigestTest, NewTokensAreUrlSafeLongAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string t = NewRandomToken();
    EXPECT_EQ(t.size(), 43u) << t;
    for (char c : t) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                  c == '_')
          << t;
    }
    EXPECT_TRUE(seen.insert(t).second) << t;
  }
}

}  // namespace
}  // namespace helixmatch
