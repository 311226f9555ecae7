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

}  // namespace
}  // namespace helixmatch
