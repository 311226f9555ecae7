#include "indexer/file_contents.h"

#include <fstream>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;

std::string WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(ReadFileContentsTest, ReturnsEveryByte) {
  testing::TempDir dir;
  std::mt19937 rng(7);
  std::string bytes(3 * 4096 + 17, '\0');  // not a multiple of any buffer
  for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
  auto read = ReadFileContents(WriteFile(dir.path() + "/random", bytes));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, bytes);
}

TEST(ReadFileContentsTest, EmptyFileIsEmpty) {
  testing::TempDir dir;
  auto read = ReadFileContents(WriteFile(dir.path() + "/empty", ""));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "");
}

TEST(ReadFileContentsTest, FileWithoutKnownSizeIsReadToItsEnd) {
  // /proc files report size 0: the contents come from the reads alone.
  auto read = ReadFileContents("/proc/self/status");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_THAT(*read, HasSubstr("Name:"));
}

TEST(ReadFileContentsTest, MissingFileIsNotFoundAndNamesPath) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/nope";
  auto read = ReadFileContents(path);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(read.status().message(), HasSubstr(path));
}

TEST(ReadFileContentsTest, FolderIsUnavailableAndNamesPath) {
  testing::TempDir dir;
  auto read = ReadFileContents(dir.path());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(read.status().message(), HasSubstr(dir.path()));
}

TEST(FileLengthTest, LengthOfAFileAndErrorsNamingThePath) {
  testing::TempDir dir;
  const std::string path = WriteFile(dir.path() + "/ten", "0123456789");
  auto length = FileLength(path);
  ASSERT_TRUE(length.ok()) << length.status();
  EXPECT_EQ(*length, 10u);
  auto missing = FileLength(dir.path() + "/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr(dir.path() + "/nope"));
  auto folder = FileLength(dir.path());
  EXPECT_EQ(folder.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(folder.status().message(), HasSubstr(dir.path()));
}

TEST(ReadFileRangeTest, ReadsTheBytesAtAnOffset) {
  testing::TempDir dir;
  const std::string path = WriteFile(dir.path() + "/ten", "0123456789");
  std::string out(4, '\0');
  ASSERT_TRUE(ReadFileRange(path, 3, out).ok());
  EXPECT_EQ(out, "3456");
  std::string all(10, '\0');
  ASSERT_TRUE(ReadFileRange(path, 0, all).ok());
  EXPECT_EQ(all, "0123456789");
}

TEST(ReadFileRangeTest, AFileEndingEarlyIsDataLossWithTheOffsets) {
  testing::TempDir dir;
  const std::string path = WriteFile(dir.path() + "/ten", "0123456789");
  std::string out(4, '\0');
  const absl::Status s = ReadFileRange(path, 8, out);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr(path));
  EXPECT_THAT(s.message(), HasSubstr("ends at byte 10, expected 12"));
}

TEST(ReadFileRangeTest, MissingFileIsNotFoundAndFolderUnavailable) {
  testing::TempDir dir;
  std::string out(4, '\0');
  EXPECT_EQ(ReadFileRange(dir.path() + "/nope", 0, out).code(),
            absl::StatusCode::kNotFound);
  const absl::Status folder = ReadFileRange(dir.path(), 0, out);
  EXPECT_EQ(folder.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(folder.message(), HasSubstr(dir.path()));
}

}  // namespace
}  // namespace helixmatch
