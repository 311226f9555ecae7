#include "indexer/record_store.h"

#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/record_store_internal.h"
#include "rocksdb/db.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeCapability;
using testing::MakeNeed;
using testing::MakeOrganization;
using testing::MakeTie;

class RecordStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = RecordStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  void Put(StoreBatch& batch) {
    const absl::Status status = store_->Write(batch);
    ASSERT_TRUE(status.ok()) << status;
  }

  testing::TempDir dir_;
  std::string path_ = dir_.path() + "/store";
  std::unique_ptr<RecordStore> store_;
};

storage::StoredCapability StoredCap(const std::string& id) {
  storage::StoredCapability stored;
  *stored.mutable_record() = MakeCapability(id, "org:1", "Flotation " + id);
  stored.set_vector(std::string("\x01\x02\x03\x04", 4));
  return stored;
}

TEST_F(RecordStoreTest, PutAndGetEachKind) {
  StoreBatch batch;
  const v1::Organization org =
      MakeOrganization("org:1", v1::ORGANIZATION_KIND_UNIVERSITY);
  batch.PutOrganization(org);
  batch.PutCapability(StoredCap("cap:1"));
  storage::StoredNeed need;
  *need.mutable_record() = MakeNeed("need:1", "org:1", "Graduates");
  need.set_vector("vec");
  batch.PutNeed(need);
  batch.PutTie(MakeTie("tie:1", "org:1", "org:2", 2020));
  EXPECT_EQ(batch.size(), 4u);
  Put(batch);

  auto got_org = store_->GetOrganization("org:1");
  ASSERT_TRUE(got_org.ok()) << got_org.status();
  EXPECT_EQ(got_org->SerializeAsString(), org.SerializeAsString());
  auto got_cap = store_->GetCapability("cap:1");
  ASSERT_TRUE(got_cap.ok()) << got_cap.status();
  EXPECT_EQ(got_cap->record().title(), "Flotation cap:1");
  EXPECT_EQ(got_cap->vector(), std::string("\x01\x02\x03\x04", 4));
  auto got_need = store_->GetNeed("need:1");
  ASSERT_TRUE(got_need.ok()) << got_need.status();
  EXPECT_EQ(got_need->record().title(), "Graduates");
  EXPECT_EQ(got_need->vector(), "vec");
  auto got_tie = store_->GetTie("tie:1");
  ASSERT_TRUE(got_tie.ok()) << got_tie.status();
  EXPECT_EQ(got_tie->organization_b(), "org:2");
  EXPECT_EQ(got_tie->year(), 2020);
}

TEST_F(RecordStoreTest, KindsAreSeparateNamespaces) {
  StoreBatch batch;
  batch.PutOrganization(MakeOrganization("same", v1::ORGANIZATION_KIND_FIRM));
  batch.PutTie(MakeTie("same", "a", "b", 2000));
  Put(batch);
  EXPECT_TRUE(store_->GetOrganization("same").ok());
  EXPECT_TRUE(store_->GetTie("same").ok());
  EXPECT_EQ(store_->GetCapability("same").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_NEED, "same"));
  EXPECT_EQ(store_->GetOrganization("same")->kind(),
            v1::ORGANIZATION_KIND_FIRM);
}

TEST_F(RecordStoreTest, Exists) {
  StoreBatch batch;
  batch.PutCapability(StoredCap("cap:1"));
  Put(batch);
  auto exists = store_->Exists(v1::RECORD_KIND_CAPABILITY, "cap:1");
  ASSERT_TRUE(exists.ok()) << exists.status();
  EXPECT_TRUE(*exists);
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_CAPABILITY, "cap:2"));
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_ORGANIZATION, "cap:1"));
  EXPECT_EQ(
      store_->Exists(v1::RECORD_KIND_UNSPECIFIED, "cap:1").status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(RecordStoreTest, NotFoundNamesKindAndId) {
  const struct {
    absl::Status status;
    const char* kind;
  } cases[] = {
      {store_->GetOrganization("org:missing").status(), "organization"},
      {store_->GetCapability("org:missing").status(), "capability"},
      {store_->GetNeed("org:missing").status(), "need"},
      {store_->GetTie("org:missing").status(), "tie"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.code(), absl::StatusCode::kNotFound) << c.status;
    EXPECT_THAT(std::string(c.status.message()), HasSubstr(c.kind));
    EXPECT_THAT(std::string(c.status.message()), HasSubstr("org:missing"));
  }
}

TEST_F(RecordStoreTest, ForEachVisitsInIdOrder) {
  StoreBatch batch;
  for (const char* id : {"cap:c", "cap:a", "cap:b", "cap:aa"}) {
    batch.PutCapability(StoredCap(id));
  }
  batch.PutOrganization(MakeOrganization("org:1", v1::ORGANIZATION_KIND_FIRM));
  Put(batch);
  std::vector<std::string> ids;
  const absl::Status status = store_->ForEach<storage::StoredCapability>(
      [&](storage::StoredCapability cap) {
        EXPECT_EQ(cap.record().title(), "Flotation " + cap.record().id());
        EXPECT_EQ(cap.vector(), std::string("\x01\x02\x03\x04", 4));
        ids.push_back(cap.record().id());
        return absl::OkStatus();
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(ids, ElementsAre("cap:a", "cap:aa", "cap:b", "cap:c"));

  int needs = 0;
  EXPECT_TRUE(
      store_
          ->ForEach<storage::StoredNeed>([&](const storage::StoredNeed&) {
            ++needs;
            return absl::OkStatus();
          })
          .ok());
  EXPECT_EQ(needs, 0);
}

TEST_F(RecordStoreTest, ForEachStopsAtTheFirstError) {
  StoreBatch batch;
  for (const char* id : {"a", "b", "c", "d"}) {
    batch.PutTie(MakeTie(id, "x", "y", 2001));
  }
  Put(batch);
  std::vector<std::string> seen;
  const absl::Status status = store_->ForEach<v1::Tie>([&](const v1::Tie& t) {
    seen.push_back(t.id());
    if (t.id() == "b") return absl::AbortedError("stop at b");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(status.message(), "stop at b");
  EXPECT_THAT(seen, ElementsAre("a", "b"));
}

TEST_F(RecordStoreTest, ForEachHandsOverEachKind) {
  StoreBatch batch;
  batch.PutOrganization(MakeOrganization("org:1", v1::ORGANIZATION_KIND_FIRM));
  batch.PutCapability(StoredCap("cap:1"));
  storage::StoredNeed need;
  *need.mutable_record() = MakeNeed("need:1", "org:1", "Graduates");
  batch.PutNeed(need);
  batch.PutTie(MakeTie("tie:1", "org:1", "org:2", 2020));
  v1::Outcome outcome;
  outcome.set_id("o:1");
  outcome.set_offered_by("org:1");
  batch.PutOutcome(outcome);
  Put(batch);
  std::vector<std::string> ids;
  const auto add = [&](const std::string& id) {
    ids.push_back(id);
    return absl::OkStatus();
  };
  ASSERT_TRUE(store_
                  ->ForEach<v1::Organization>(
                      [&](v1::Organization o) { return add(o.id()); })
                  .ok());
  ASSERT_TRUE(
      store_
          ->ForEach<storage::StoredCapability>(
              [&](storage::StoredCapability c) { return add(c.record().id()); })
          .ok());
  ASSERT_TRUE(store_
                  ->ForEach<storage::StoredNeed>([&](storage::StoredNeed n) {
                    return add(n.record().id());
                  })
                  .ok());
  ASSERT_TRUE(
      store_->ForEach<v1::Tie>([&](v1::Tie t) { return add(t.id()); }).ok());
  ASSERT_TRUE(store_
                  ->ForEach<v1::Outcome>([&](v1::Outcome o) {
                    EXPECT_EQ(o.offered_by(), "org:1");
                    return add(o.id());
                  })
                  .ok());
  EXPECT_THAT(ids, ElementsAre("org:1", "cap:1", "need:1", "tie:1", "o:1"));
}

// A value that does not parse as its kind's message: written with RocksDB
// itself, as damage that passes the checksums would look.
TEST_F(RecordStoreTest, ForEachReportsARecordThatDoesNotParse) {
  StoreBatch batch;
  batch.PutTie(MakeTie("tie:good", "a", "b", 2001));
  Put(batch);
  store_.reset();
  {
    rocksdb::Options options;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "organizations", "capabilities",
                             "needs", "ties", "model", "outcomes"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(options, path_, families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    // Field 1 claims 5 bytes; 2 follow.
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[4], "tie:torn",
                        "\x0a\x05"
                        "ab")
                    .ok());
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  }
  auto store = RecordStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<std::string> seen;
  const absl::Status status = (*store)->ForEach<v1::Tie>([&](const v1::Tie& t) {
    seen.push_back(t.id());
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_EQ(status.message(), "stored tie 'tie:torn' does not parse");
  EXPECT_THAT(seen, ElementsAre("tie:good"));
}

TEST_F(RecordStoreTest, DeleteAndOverwrite) {
  StoreBatch batch;
  batch.PutCapability(StoredCap("cap:1"));
  batch.PutCapability(StoredCap("cap:2"));
  Put(batch);
  StoreBatch update;
  update.Delete(v1::RECORD_KIND_CAPABILITY, "cap:1");
  auto changed = StoredCap("cap:2");
  changed.mutable_record()->set_title("Changed");
  update.PutCapability(changed);
  update.Delete(v1::RECORD_KIND_ORGANIZATION, "never-existed");
  Put(update);
  EXPECT_EQ(store_->GetCapability("cap:1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_CAPABILITY, "cap:1"));
  EXPECT_EQ(store_->GetCapability("cap:2")->record().title(), "Changed");
}

TEST_F(RecordStoreTest, BatchIsAppliedInOrder) {
  StoreBatch batch;
  batch.PutCapability(StoredCap("cap:1"));
  batch.Delete(v1::RECORD_KIND_CAPABILITY, "cap:1");
  batch.PutCapability(StoredCap("cap:2"));
  batch.Delete(v1::RECORD_KIND_CAPABILITY, "cap:2");
  batch.PutCapability(StoredCap("cap:2"));
  Put(batch);
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_CAPABILITY, "cap:1"));
  EXPECT_TRUE(*store_->Exists(v1::RECORD_KIND_CAPABILITY, "cap:2"));
}

TEST_F(RecordStoreTest, Model) {
  auto none = store_->GetModel();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
  storage::EmbeddingModel model;
  model.set_kind("glove-idf");
  model.set_dimension(16);
  model.set_documents(3);
  auto* entry = model.add_idf();
  entry->set_term("ore");
  entry->set_idf(1.5f);
  StoreBatch batch;
  batch.PutModel(model);
  Put(batch);
  auto got = store_->GetModel();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->SerializeAsString(), model.SerializeAsString());
  // The model is not a record of any kind.
  int organizations = 0;
  ASSERT_TRUE(store_
                  ->ForEach<v1::Organization>([&](const v1::Organization&) {
                    ++organizations;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(organizations, 0);
}

TEST_F(RecordStoreTest, LatestSequenceIncreasesWithWrites) {
  const uint64_t start = store_->LatestSequence();
  StoreBatch one;
  one.PutTie(MakeTie("t1", "a", "b", 2000));
  Put(one);
  const uint64_t after_one = store_->LatestSequence();
  EXPECT_GT(after_one, start);
  StoreBatch three;
  three.PutTie(MakeTie("t2", "a", "b", 2000));
  three.PutTie(MakeTie("t3", "a", "b", 2000));
  three.Delete(v1::RECORD_KIND_TIE, "t1");
  Put(three);
  EXPECT_GT(store_->LatestSequence(), after_one);
  const uint64_t before_read = store_->LatestSequence();
  ASSERT_TRUE(store_->GetTie("t2").ok());
  EXPECT_EQ(store_->LatestSequence(), before_read);
}

TEST_F(RecordStoreTest, ReopenKeepsData) {
  StoreBatch batch;
  batch.PutOrganization(MakeOrganization("org:1", v1::ORGANIZATION_KIND_FIRM));
  batch.PutCapability(StoredCap("cap:1"));
  storage::EmbeddingModel model;
  model.set_kind("glove-idf");
  batch.PutModel(model);
  Put(batch);
  const uint64_t sequence = store_->LatestSequence();
  store_.reset();

  auto reopened = RecordStore::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->path(), path_);
  EXPECT_TRUE((*reopened)->GetOrganization("org:1").ok());
  EXPECT_EQ((*reopened)->GetCapability("cap:1")->record().title(),
            "Flotation cap:1");
  auto got_model = (*reopened)->GetModel();
  ASSERT_TRUE(got_model.ok() && got_model->has_value());
  EXPECT_EQ((*got_model)->kind(), "glove-idf");
  EXPECT_GE((*reopened)->LatestSequence(), sequence);
}

TEST_F(RecordStoreTest, UnsyncedWritesSurviveFlushAndReopen) {
  store_.reset();
  {
    auto store = RecordStore::Open(path_, {.sync_writes = false});
    ASSERT_TRUE(store.ok()) << store.status();
    StoreBatch batch;
    batch.PutTie(MakeTie("t1", "a", "b", 2000));
    ASSERT_TRUE((*store)->Write(batch).ok());
    ASSERT_TRUE((*store)->Flush().ok());
  }
  auto reopened = RecordStore::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_TRUE((*reopened)->GetTie("t1").ok());
}

TEST(RecordStoreOpenTest, PathThatIsARegularFileFails) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/not-a-folder";
  std::ofstream(path) << "hello";
  auto store = RecordStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path));
}

TEST(RecordStoreOpenTest, MissingStoreWithoutCreateFails) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/absent";
  auto store = RecordStore::Open(path, {.create_if_missing = false});
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path));
}

TEST(RecordStoreOpenTest, SecondOpenOfTheSameStoreFails) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/store";
  auto first = RecordStore::Open(path);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = RecordStore::Open(path);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(path));
}

TEST(FromRocksDbTest, MapsCodes) {
  EXPECT_TRUE(FromRocksDb(rocksdb::Status::OK(), "ctx").ok());
  const absl::Status not_found =
      FromRocksDb(rocksdb::Status::NotFound("gone"), "reading x");
  EXPECT_EQ(not_found.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(not_found.message()), HasSubstr("reading x"));
  EXPECT_THAT(std::string(not_found.message()), HasSubstr("gone"));
  EXPECT_EQ(FromRocksDb(rocksdb::Status::Corruption("bad"), "c").code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::IOError("io"), "c").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::InvalidArgument("arg"), "c").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FamilyOfTest, RecordKindsHaveDistinctFamilies) {
  EXPECT_EQ(FamilyOf(v1::RECORD_KIND_UNSPECIFIED), 0);
  EXPECT_EQ(FamilyOf(static_cast<v1::RecordKind>(99)), 0);
  std::vector<int> families = {
      FamilyOf(v1::RECORD_KIND_ORGANIZATION),
      FamilyOf(v1::RECORD_KIND_CAPABILITY), FamilyOf(v1::RECORD_KIND_NEED),
      FamilyOf(v1::RECORD_KIND_TIE), FamilyOf(v1::RECORD_KIND_OUTCOME)};
  // Between ties and outcomes sits the model's family.
  EXPECT_THAT(families, ElementsAre(1, 2, 3, 4, 6));
}

TEST(StoredVectorTest, EncodeDecodeRoundTrip) {
  const std::vector<float> vector = {0.5f, -1.25f, 3.0f};
  const std::string bytes = EncodeVector(vector);
  EXPECT_EQ(bytes.size(), 12u);
  auto decoded = DecodeVector(bytes, 3);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, vector);
  const absl::Status wrong = DecodeVector(bytes, 4).status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(wrong.message(), "stored vector is 12 bytes, expected 16");
}

}  // namespace
}  // namespace helixmatch
