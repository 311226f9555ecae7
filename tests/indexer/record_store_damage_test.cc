// A table file damaged where RocksDB 7.8 looks before checking a checksum:
// Debian's build asserts (aborting the process) on a properties block
// whose last word claims a hash index. RecordStore::Open must refuse it
// with DATA_LOSS instead, and leave the folder as it was.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/record_store.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class RecordStoreDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = RecordStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    StoreBatch batch;
    for (int i = 0; i < 20; ++i) {
      batch.PutOrganization(testing::MakeOrganization(
          "org:" + std::to_string(i), v1::ORGANIZATION_KIND_FIRM));
    }
    ASSERT_TRUE((*store)->Write(batch).ok());
  }  // a clean close: the organizations are in a table file

  std::string Table() {
    for (const auto& e : fs::directory_iterator(path_)) {
      if (e.path().extension() == ".sst") return e.path().string();
    }
    return "";
  }

  // Sets the top bit of the properties block's last word. The block-based
  // table writer puts the properties block, then its 5-byte trailer,
  // right before the metaindex block, whose offset the footer gives.
  static void ClaimHashIndex(const std::string& table) {
    std::fstream file(table, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(file.good());
    const auto size = static_cast<std::streamoff>(fs::file_size(table));
    char footer[53];
    file.seekg(size - 53);
    file.read(footer, sizeof(footer));
    uint64_t offset = 0;
    for (int i = 1, shift = 0; i < 11; ++i, shift += 7) {
      offset |= static_cast<uint64_t>(footer[i] & 0x7f) << shift;
      if ((footer[i] & 0x80) == 0) break;
    }
    const auto at = static_cast<std::streamoff>(offset) - 5 - 1;
    char c = 0;
    file.seekg(at);
    file.read(&c, 1);
    c = static_cast<char>(c | 0x80);
    file.seekp(at);
    file.write(&c, 1);
    ASSERT_TRUE(file.good());
  }

  testing::TempDir dir_;
  std::string path_ = dir_.path() + "/store";
};

TEST_F(RecordStoreDamageTest, PropertiesBlockClaimingAHashIndexIsDataLoss) {
  const std::string table = Table();
  ASSERT_FALSE(table.empty());
  ClaimHashIndex(table);
  auto store = RecordStore::Open(path_);
  ASSERT_EQ(store.status().code(), absl::StatusCode::kDataLoss)
      << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr(table));
  EXPECT_THAT(store.status().message(), HasSubstr("properties block"));
  // The table is back where it was, for a second look or a restore.
  EXPECT_TRUE(fs::exists(table));
  EXPECT_FALSE(fs::exists(table + ".damaged"));
  EXPECT_EQ(RecordStore::Open(path_).status().code(),
            absl::StatusCode::kDataLoss);
}

// The same damage in a table the store does not use (as a flush cut short
// by a crash leaves one) is no reason to refuse the store: it goes.
TEST_F(RecordStoreDamageTest, DamagedTableTheStoreDoesNotUseIsRemoved) {
  const std::string stray = path_ + "/999999.sst";
  fs::copy_file(Table(), stray);
  ClaimHashIndex(stray);
  auto store = RecordStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_FALSE(fs::exists(stray));
  EXPECT_FALSE(fs::exists(stray + ".damaged"));
  int n = 0;
  ASSERT_TRUE((*store)
                  ->ForEach<v1::Organization>([&](const v1::Organization&) {
                    ++n;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(n, 20);
}

}  // namespace
}  // namespace helixmatch
