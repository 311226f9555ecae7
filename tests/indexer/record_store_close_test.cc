// The close record: after a clean close the next open refuses a store
// that lost acknowledged writes (RocksDB alone opens a log that lost its
// tail as if the last writes were torn by a crash).
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/record_store.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class RecordStoreCloseTest : public ::testing::Test {
 protected:
  // Writes `n` organizations, `batches` synced batches of them, then
  // closes the store cleanly.
  void WriteAndClose(int batches, int n) {
    auto store = RecordStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int b = 0; b < batches; ++b) {
      StoreBatch batch;
      for (int i = 0; i < n; ++i) {
        batch.PutOrganization(testing::MakeOrganization(
            "org:" + std::to_string(b) + "-" + std::to_string(i),
            v1::ORGANIZATION_KIND_FIRM));
      }
      ASSERT_TRUE((*store)->Write(batch).ok());
    }
  }

  int Count(RecordStore& store) {
    int n = 0;
    EXPECT_TRUE(store
                    .ForEach<v1::Organization>([&](const v1::Organization&) {
                      ++n;
                      return absl::OkStatus();
                    })
                    .ok());
    return n;
  }

  std::vector<std::string> Files(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path_)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) == 0) out.push_back(e.path().string());
    }
    return out;
  }

  testing::TempDir dir_;
  std::string path_ = dir_.path() + "/store";
  std::string record_ = path_ + "/HELIXMATCH-CLOSED";
};

TEST_F(RecordStoreCloseTest, CleanCloseWritesTheRecordAndOpenRemovesIt) {
  WriteAndClose(3, 10);
  ASSERT_TRUE(fs::exists(record_));
  // The close flushed every memtable: the live log holds nothing.
  for (const auto& log : Files("0")) {
    if (log.ends_with(".log")) {
      EXPECT_EQ(fs::file_size(log), 0u) << log;
    }
  }
  auto store = RecordStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_FALSE(fs::exists(record_));
  EXPECT_EQ(Count(**store), 30);
  store->reset();
  // Closed cleanly again, and reopened again.
  EXPECT_TRUE(fs::exists(record_));
  auto again = RecordStore::Open(path_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Count(**again), 30);
}

// Every cut of the MANIFEST's second half either keeps every record or
// is refused; without the close record RocksDB opens cuts that lose the
// last flush (and deletes the table file it no longer knows).
TEST_F(RecordStoreCloseTest, ManifestThatLostItsTailIsDataLoss) {
  WriteAndClose(1, 10);
  {
    auto store = RecordStore::Open(path_);  // flushes a second table file
    ASSERT_TRUE(store.ok()) << store.status();
    StoreBatch batch;
    batch.PutOrganization(
        testing::MakeOrganization("org:late", v1::ORGANIZATION_KIND_FIRM));
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  const auto manifests = Files("MANIFEST-");
  ASSERT_EQ(manifests.size(), 1u);
  const std::string manifest = fs::path(manifests[0]).filename().string();
  const auto size = fs::file_size(manifests[0]);
  const std::string pristine = dir_.path() + "/pristine";
  fs::rename(path_, pristine);
  int refused = 0;
  for (auto length = size / 2; length < size; length += 5) {
    SCOPED_TRACE(length);
    fs::remove_all(path_);
    fs::copy(pristine, path_, fs::copy_options::recursive);
    fs::resize_file(path_ + "/" + manifest, length);
    auto store = RecordStore::Open(path_);
    if (store.ok()) {
      EXPECT_EQ(Count(**store), 11);
      continue;
    }
    ++refused;
    EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss)
        << store.status();
    EXPECT_THAT(store.status().message(), HasSubstr(path_));
  }
  EXPECT_GT(refused, 0);
}

TEST_F(RecordStoreCloseTest, MissingTableFileIsDataLoss) {
  WriteAndClose(2, 10);
  const auto tables = Files("0");
  std::string table;
  for (const auto& t : tables) {
    if (t.ends_with(".sst")) table = t;
  }
  ASSERT_FALSE(table.empty());
  fs::remove(table);
  auto store = RecordStore::Open(path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss)
      << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr(path_));
}

TEST_F(RecordStoreCloseTest, DamagedCloseRecordIsDataLossNamingIt) {
  WriteAndClose(1, 5);
  {
    std::fstream file(record_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(30);
    file.put('9');
  }
  auto store = RecordStore::Open(path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(store.status().message(), HasSubstr(record_));
}

TEST_F(RecordStoreCloseTest, CheckpointOpensWithoutARecord) {
  WriteAndClose(1, 5);
  auto store = RecordStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string copy = dir_.path() + "/copy";
  ASSERT_TRUE((*store)->Checkpoint(copy).ok());
  EXPECT_FALSE(fs::exists(copy + "/HELIXMATCH-CLOSED"));
  auto opened = RecordStore::Open(copy);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(Count(**opened), 5);
}

}  // namespace
}  // namespace helixmatch
