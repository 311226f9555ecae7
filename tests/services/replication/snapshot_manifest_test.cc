// The manifest and LATEST formats, with bad input: what a replica reads
// from a shared volume is untrusted until checked.
#include "services/replication/snapshot_manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "services/replication/snapshot_follower.h"
#include "services/replication/snapshot_publisher.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;

const std::string kHash(64, 'a');

TEST(SnapshotManifestTest, RoundTrips) {
  SnapshotManifest manifest;
  manifest.info = {7, 1764567890123, 42};
  manifest.files.push_back({"index/needs.hxidx", 12, kHash});
  manifest.files.push_back({"store/000012.sst", 0, std::string(64, '0')});
  auto parsed = ParseManifest(SerializeManifest(manifest));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->info.sequence, 7);
  EXPECT_EQ(parsed->info.created_unix_ms, 1764567890123);
  EXPECT_EQ(parsed->info.store_sequence, 42u);
  ASSERT_EQ(parsed->files.size(), 2u);
  EXPECT_EQ(parsed->files[0].path, "index/needs.hxidx");
  EXPECT_EQ(parsed->files[0].bytes, 12u);
  EXPECT_EQ(parsed->files[1].sha256, std::string(64, '0'));
}

TEST(SnapshotManifestTest, RefusesMalformedManifests) {
  const std::string head = "helixmatch-snapshot 1\nsequence 3\n";
  const std::string file = "file " + kHash + " 5 store/CURRENT\n";
  struct Case {
    std::string text;
    std::string error;
  } cases[] = {
      {"", "line 1 is not 'helixmatch-snapshot 1'"},
      {"helixmatch-snapshot 2\nsequence 3\n" + file, "line 1"},
      {"helixmatch-snapshot 1\n" + file, "no sequence line"},
      {head, "lists no file"},
      {head + "sequence x\n" + file, "line 3: malformed: 'sequence x'"},
      {"helixmatch-snapshot 1\nsequence 0\n" + file, "line 2: malformed"},
      {head + "file " + kHash + " 5 ../../etc/passwd\n", "line 3: malformed"},
      {head + "file " + kHash + " 5 /etc/passwd\n", "line 3: malformed"},
      {head + "file ABC 5 store/CURRENT\n", "line 3: malformed"},
      {head + "file " + kHash + " -1 store/CURRENT\n", "line 3: malformed"},
      {head + "colour blue\n" + file, "line 3: malformed: 'colour blue'"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseManifest(c.text);
    EXPECT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kDataLoss) << c.text;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.error)) << c.text;
  }
}

TEST(SnapshotManifestTest, DescribesAFolderAndHashesItsFiles) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/index");
  std::ofstream(dir.path() + "/index/a") << "abc";
  std::ofstream(dir.path() + "/MANIFEST") << "not listed";
  auto manifest = DescribeFolder(dir.path(), {1, 0, 0});
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  ASSERT_EQ(manifest->files.size(), 1u);
  EXPECT_EQ(manifest->files[0].path, "index/a");
  EXPECT_EQ(manifest->files[0].bytes, 3u);
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(manifest->files[0].sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SnapshotManifestTest, ReadsLatestAndListsSnapshots) {
  testing::TempDir dir;
  EXPECT_EQ(ReadLatest(dir.path()).status().code(),
            absl::StatusCode::kNotFound);
  for (const char* name : {"2", "10", "007", ".partial-11", "x"}) {
    std::filesystem::create_directories(dir.path() + "/" + name);
  }
  EXPECT_EQ(ListSnapshots(dir.path()), (std::vector<int64_t>{2, 10}));
  std::ofstream(dir.path() + "/LATEST") << "10\n";
  auto latest = ReadLatest(dir.path());
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest, 10);
  std::ofstream(dir.path() + "/LATEST") << "ten\n";
  EXPECT_EQ(ReadLatest(dir.path()).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_THAT(ReadManifest(dir.path() + "/2").status().message(),
              HasSubstr("has no MANIFEST"));
}

TEST(SnapshotManifestTest, ChecksPublisherAndFollowerOptions) {
  EXPECT_THAT(CheckPublisherOptions({"", 30, 3}, true).message(),
              HasSubstr("--publish-dir: is empty"));
  EXPECT_THAT(CheckPublisherOptions({"d", 0, 3}, true).message(),
              HasSubstr("--publish-seconds: 0 is outside 1..86400"));
  EXPECT_TRUE(CheckPublisherOptions({"d", 0, 3}, false).ok());
  EXPECT_THAT(CheckPublisherOptions({"d", 30, 1}, true).message(),
              HasSubstr("--publish-keep: 1 is outside 2..1000"));
  FollowerOptions follower;
  EXPECT_THAT(CheckFollowerOptions(follower, true).message(),
              HasSubstr("--replica-of: is empty"));
  follower.publish_dir = "d";
  follower.poll_ms = 10;
  EXPECT_THAT(CheckFollowerOptions(follower, true).message(),
              HasSubstr("--replica-poll-ms: 10 is outside 100..3600000"));
}

TEST(SnapshotManifestTest, FollowerRefusesAMissingPublishDir) {
  testing::TempDir dir;
  EngineSlot slot(ServerRole::kReplica);
  FollowerOptions options;
  options.publish_dir = dir.path() + "/nowhere";
  options.work_dir = dir.path() + "/work";
  options.poll_ms = 0;
  options.engine.word_vectors = testing::SyntheticWordVectors();
  auto follower = SnapshotFollower::Start(&slot, options, nullptr);
  EXPECT_EQ(follower.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(
      follower.status().message(),
      HasSubstr("--replica-of: '" + options.publish_dir + "' is not a folder"));
}

}  // namespace
}  // namespace helixmatch
