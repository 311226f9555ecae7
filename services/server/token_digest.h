// Bearer tokens at rest and in comparison: their SHA-256 digest, a
// comparison that takes the same time wherever two digests differ, and
// new random tokens. The tokens file stores `sha256:HEX` digests
// (principals.h), so a copy of the file does not give the tokens away;
// `helixmatch token hash` prints such lines.
//
// Thread-safe: pure functions (NewRandomToken reads the OpenSSL RNG,
// which is thread-safe).
#ifndef HELIXMATCH_SERVICES_SERVER_TOKEN_DIGEST_H_
#define HELIXMATCH_SERVICES_SERVER_TOKEN_DIGEST_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace helixmatch {

using TokenDigest = std::array<uint8_t, 32>;

// The prefix of a digest in a tokens file line.
inline constexpr absl::string_view kTokenDigestPrefix = "sha256:";

// SHA-256 of the token's bytes.
TokenDigest DigestToken(absl::string_view token);

// 64 lower-case hex digits.
std::string HexDigest(const TokenDigest& digest);
// Parses 64 hex digits (either case); nullopt otherwise.
std::optional<TokenDigest> ParseHexDigest(absl::string_view hex);

// Equality in time independent of where the digests differ.
bool DigestsEqual(const TokenDigest& a, const TokenDigest& b);

// Names a token in logs without revealing it: "sha256:" and the first 12
// hex digits of its digest.
std::string TokenId(const TokenDigest& digest);

// A new token: 32 bytes from the OpenSSL CSPRNG in unpadded base64url
// (43 characters of [A-Za-z0-9_-]).
std::string NewRandomToken();

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SERVER_TOKEN_DIGEST_H_
