#include "indexer/index_snapshot.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/record_store.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int kDimension = 4;

// A unit-ish vector that differs per seed.
std::vector<float> VectorFor(int seed) {
  return {1.0f * seed, 0.5f, -0.25f * seed, 2.0f};
}

std::vector<float> Row(const VectorIndex& index, int64_t slot) {
  const auto v = index.Vector(slot);
  return std::vector<float>(v.begin(), v.end());
}

TEST(BuildVectorIndexTest, SlotsFollowTheGivenOrder) {
  std::vector<float> vectors;
  for (int seed : {3, 1, 2}) {
    const auto v = VectorFor(seed);
    vectors.insert(vectors.end(), v.begin(), v.end());
  }
  auto built =
      BuildVectorIndex({"c", "a", "b"}, vectors, kDimension, /*options=*/{});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_THAT(built->slot_ids, ElementsAre("c", "a", "b"));
  ASSERT_EQ(built->index->slots(), 3);
  EXPECT_EQ(Row(*built->index, 0), VectorFor(3));
  EXPECT_EQ(Row(*built->index, 2), VectorFor(2));
}

TEST(BuildVectorIndexTest, EmptyAndMismatchedInput) {
  auto empty = BuildVectorIndex({}, {}, kDimension);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->index->slots(), 0);
  const std::vector<float> five(5, 1.0f);
  const absl::Status status =
      BuildVectorIndex({"a"}, five, kDimension).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("5 floats for 1 ids"));
}

TEST(BuildVectorIndexTest, SameInputGivesTheSameHnswFile) {
  // Enough vectors for HNSW at a low threshold; two builds, two files with
  // the same bytes.
  VectorIndexOptions options;
  options.hnsw_threshold = 50;
  std::vector<std::string> ids;
  std::vector<float> vectors;
  for (int i = 0; i < 300; ++i) {
    ids.push_back(absl::StrCat("cap:", i));
    for (int d = 0; d < kDimension; ++d) {
      vectors.push_back(static_cast<float>((i * 7919 + d * 104729) % 1000) /
                        1000.0f);
    }
  }
  testing::TempDir dir;
  std::string bytes[2];
  for (int run = 0; run < 2; ++run) {
    auto built = BuildVectorIndex(ids, vectors, kDimension, options);
    ASSERT_TRUE(built.ok()) << built.status();
    EXPECT_EQ(built->index->kind(), VectorIndexKind::kHnsw);
    const std::string path = absl::StrCat(dir.path(), "/", run, ".hxidx");
    ASSERT_TRUE(SaveVectorIndex(*built->index, path, {7, ids}).ok());
    std::ifstream in(path, std::ios::binary);
    bytes[run].assign(std::istreambuf_iterator<char>(in),
                      std::istreambuf_iterator<char>());
  }
  EXPECT_FALSE(bytes[0].empty());
  EXPECT_TRUE(bytes[0] == bytes[1]);
}

TEST(SaveVectorIndexTest, CreatesTheFolderAndKeepsTheInfo) {
  testing::TempDir dir;
  auto built = BuildVectorIndex({"a"}, VectorFor(1), kDimension);
  ASSERT_TRUE(built.ok()) << built.status();
  const std::string path = dir.path() + "/new/folder/capabilities.hxidx";
  ASSERT_TRUE(SaveVectorIndex(*built->index, path, {42, {"a"}}).ok());
  VectorIndexFileInfo info;
  auto loaded = VectorIndex::Load(path, kDimension, &info);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(info.store_sequence, 42u);
  EXPECT_THAT(info.slot_ids, ElementsAre("a"));
}

class RecoverVectorIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = RecordStore::Open(dir_.path() + "/store");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    Put({{"cap:a", 1}, {"cap:b", 2}, {"cap:c", 3}});
  }

  void Put(const std::vector<std::pair<std::string, int>>& capabilities) {
    StoreBatch batch;
    for (const auto& [id, seed] : capabilities) {
      storage::StoredCapability stored;
      *stored.mutable_record() = testing::MakeCapability(id, "org:1", id);
      stored.set_vector(EncodeVector(VectorFor(seed)));
      batch.PutCapability(stored);
    }
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  void DeleteCapability(const std::string& id) {
    StoreBatch batch;
    batch.Delete(v1::RECORD_KIND_CAPABILITY, id);
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  // Saves an index of the given ids (vector seeds) as reflecting `sequence`.
  void Save(const std::vector<std::pair<std::string, int>>& slots,
            uint64_t sequence) {
    std::vector<std::string> ids;
    std::vector<float> vectors;
    for (const auto& [id, seed] : slots) {
      ids.push_back(id);
      const auto v = VectorFor(seed);
      vectors.insert(vectors.end(), v.begin(), v.end());
    }
    auto built = BuildVectorIndex(ids, vectors, kDimension);
    ASSERT_TRUE(built.ok()) << built.status();
    ASSERT_TRUE(SaveVectorIndex(*built->index, path_, {sequence, ids}).ok());
  }

  RecoveredIndex<storage::StoredCapability> Recover() {
    auto recovered = RecoverVectorIndex<storage::StoredCapability>(
        *store_, path_, kDimension);
    EXPECT_TRUE(recovered.ok()) << recovered.status();
    return recovered.ok() ? std::move(*recovered)
                          : RecoveredIndex<storage::StoredCapability>();
  }

  void ExpectRebuilt(const RecoveredIndex<storage::StoredCapability>& r,
                     const std::string& reason) {
    EXPECT_EQ(r.recovery.how, IndexRecovery::How::kRebuilt);
    EXPECT_EQ(r.recovery.description, "rebuilt: " + reason);
    EXPECT_THAT(r.slot_ids, ElementsAre("cap:a", "cap:b", "cap:c"));
    EXPECT_THAT(r.appended, IsEmpty());
    ASSERT_EQ(r.index->slots(), 3);
    EXPECT_EQ(Row(*r.index, 1), VectorFor(2));
  }

  testing::TempDir dir_;
  std::string path_ = dir_.path() + "/index/capabilities.hxidx";
  std::unique_ptr<RecordStore> store_;
};

TEST_F(RecoverVectorIndexTest, LoadsAFileAtTheStoresSequence) {
  Save({{"cap:a", 1}, {"cap:b", 2}, {"cap:c", 3}}, store_->LatestSequence());
  const auto r = Recover();
  EXPECT_EQ(r.recovery.how, IndexRecovery::How::kLoaded);
  EXPECT_EQ(r.recovery.description, "loaded");
  EXPECT_THAT(r.slot_ids, ElementsAre("cap:a", "cap:b", "cap:c"));
  EXPECT_THAT(r.appended, IsEmpty());
  EXPECT_EQ(r.stored.size(), 3u);
  EXPECT_EQ(r.stored.at("cap:b").record().title(), "cap:b");
}

TEST_F(RecoverVectorIndexTest, ReplaysTheChangesSinceTheFile) {
  const uint64_t saved_at = store_->LatestSequence();
  Save({{"cap:a", 1}, {"cap:b", 2}, {"cap:c", 3}}, saved_at);
  Put({{"cap:b", 20}, {"cap:d", 4}});
  DeleteCapability("cap:c");
  const auto r = Recover();
  EXPECT_EQ(r.recovery.how, IndexRecovery::How::kReplayed);
  EXPECT_EQ(
      r.recovery.description,
      absl::StrCat("replayed 3 capability changes since sequence ", saved_at));
  EXPECT_THAT(r.slot_ids, ElementsAre("cap:a", "", ""));
  ASSERT_EQ(r.appended.size(), 2u);
  EXPECT_EQ(r.appended[0].id, "cap:b");
  EXPECT_EQ(r.appended[0].vector, VectorFor(20));
  EXPECT_EQ(r.appended[1].id, "cap:d");
  EXPECT_EQ(r.appended[1].vector, VectorFor(4));
  EXPECT_EQ(r.index->slots(), 3);  // the caller appends
  EXPECT_EQ(r.stored.size(), 3u);
}

TEST_F(RecoverVectorIndexTest, RebuildsWithoutAFile) {
  ExpectRebuilt(Recover(), absl::StrCat("index file '", path_, "' missing"));
}

TEST_F(RecoverVectorIndexTest, RebuildsADamagedFile) {
  Save({{"cap:a", 1}, {"cap:b", 2}, {"cap:c", 3}}, store_->LatestSequence());
  {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-3, std::ios::end);
    file.put('\x5a');
  }
  ExpectRebuilt(Recover(), absl::StrCat("index file '", path_,
                                        "': payload checksum mismatch"));
}

TEST_F(RecoverVectorIndexTest, RebuildsAFileAheadOfTheStore) {
  const uint64_t latest = store_->LatestSequence();
  Save({{"cap:a", 1}, {"cap:b", 2}, {"cap:c", 3}}, latest + 5);
  ExpectRebuilt(Recover(),
                absl::StrCat("index file reflects store sequence ", latest + 5,
                             ", beyond the store's ", latest));
}

TEST_F(RecoverVectorIndexTest, RebuildsAFileThatNamesAnUnknownId) {
  Save({{"cap:a", 1}, {"cap:x", 2}, {"cap:c", 3}}, store_->LatestSequence());
  ExpectRebuilt(Recover(), "index file names unknown capability 'cap:x'");
}

TEST_F(RecoverVectorIndexTest, RebuildsWhenTheLiveCountDiffers) {
  Save({{"cap:a", 1}, {"", 2}, {"cap:c", 3}}, store_->LatestSequence());
  ExpectRebuilt(Recover(),
                "index file and replay give 2 live capability vectors, the "
                "store has 3");
}

TEST_F(RecoverVectorIndexTest, AStoredVectorOfTheWrongSizeIsDataLoss) {
  StoreBatch batch;
  storage::StoredCapability stored;
  *stored.mutable_record() = testing::MakeCapability("cap:b", "org:1", "b");
  stored.set_vector(EncodeVector(std::vector<float>{1.0f, 2.0f}));
  batch.PutCapability(stored);
  ASSERT_TRUE(store_->Write(batch).ok());
  const absl::Status status =
      RecoverVectorIndex<storage::StoredCapability>(*store_, path_, kDimension)
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(status.message(),
            "capability 'cap:b': stored vector is 8 bytes, expected 16");
}

TEST_F(RecoverVectorIndexTest, NeedsHaveTheirOwnKind) {
  StoreBatch batch;
  storage::StoredNeed need;
  *need.mutable_record() = testing::MakeNeed("need:1", "org:1", "Grinding");
  need.set_vector(EncodeVector(VectorFor(5)));
  batch.PutNeed(need);
  ASSERT_TRUE(store_->Write(batch).ok());
  const std::string path = dir_.path() + "/index/needs.hxidx";
  auto r = RecoverVectorIndex<storage::StoredNeed>(*store_, path, kDimension);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->recovery.how, IndexRecovery::How::kRebuilt);
  EXPECT_THAT(r->slot_ids, ElementsAre("need:1"));
  EXPECT_EQ(Row(*r->index, 0), VectorFor(5));
  ASSERT_TRUE(
      SaveVectorIndex(*r->index, path, {store_->LatestSequence(), r->slot_ids})
          .ok());
  auto again =
      RecoverVectorIndex<storage::StoredNeed>(*store_, path, kDimension);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->recovery.description, "loaded");
}

}  // namespace
}  // namespace helixmatch
