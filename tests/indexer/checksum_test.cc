#include "indexer/checksum.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace helixmatch {
namespace {

// Bit-at-a-time reference CRC-32C.
uint32_t ReferenceCrc32c(const std::string& bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) {
      crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
  }
  return ~crc;
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
  return bytes;
}

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c(0, nullptr, 0), 0u);
  // RFC 3720 (iSCSI) appendix B.4.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending;
  std::string descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(descending), 0x113FDB5Cu);
}

TEST(Crc32cTest, MatchesReferenceForManyLengthsAndAlignments) {
  const std::string data = RandomBytes(300, 7);
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t length = 0; offset + length <= data.size(); length += 13) {
      const std::string part = data.substr(offset, length);
      ASSERT_EQ(Crc32c(0, data.data() + offset, length), ReferenceCrc32c(part))
          << "offset " << offset << " length " << length;
    }
  }
}

TEST(Crc32cTest, IncrementalEqualsOneShot) {
  const std::string data = RandomBytes(1000, 11);
  const uint32_t one_shot = Crc32c(data);
  for (size_t split = 0; split <= data.size(); split += 37) {
    const uint32_t first = Crc32c(0, data.data(), split);
    EXPECT_EQ(Crc32c(first, data.data() + split, data.size() - split), one_shot)
        << "split at " << split;
  }
  uint32_t byte_by_byte = 0;
  for (char c : data) byte_by_byte = Crc32c(byte_by_byte, &c, 1);
  EXPECT_EQ(byte_by_byte, one_shot);
  uint32_t three_parts = Crc32c(0, data.data(), 5);
  three_parts = Crc32c(three_parts, data.data() + 5, 500);
  three_parts = Crc32c(three_parts, data.data() + 505, data.size() - 505);
  EXPECT_EQ(three_parts, one_shot);
}

TEST(Crc32cTest, DifferentDataDiffer) {
  EXPECT_NE(Crc32c("123456789"), Crc32c("123456780"));
  EXPECT_NE(Crc32c("a"), Crc32c("b"));
  EXPECT_NE(Crc32c("ab"), Crc32c("ba"));
  EXPECT_NE(Crc32c(std::string(1, '\0')), Crc32c(std::string(2, '\0')));
  const std::string data = RandomBytes(64, 3);
  const uint32_t base = Crc32c(data);
  for (size_t bit = 0; bit < data.size() * 8; ++bit) {
    std::string flipped = data;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    ASSERT_NE(Crc32c(flipped), base) << "bit " << bit;
  }
}

TEST(Crc32cTest, IsDeterministic) {
  const std::string data = RandomBytes(4096, 5);
  EXPECT_EQ(Crc32c(data), Crc32c(data));
  EXPECT_EQ(Crc32c(data), ReferenceCrc32c(data));
}

}  // namespace
}  // namespace helixmatch
