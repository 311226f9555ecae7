// Reopening a data folder: same answers; missing, corrupt and stale
// index files are rebuilt; other word vectors are refused.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "indexer/data_dir.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace ::helixmatch::testing;  // NOLINT: the fixture's helpers

// ------------------------------------------------------------- persistence

struct Snapshot {
  std::vector<std::string> organizations;
  std::vector<double> scores;
  std::vector<std::vector<std::string>> profiles;
};

Snapshot Take(const v1::RecommendResponse& response) {
  Snapshot s;
  for (const auto& suggestion : response.suggestions()) {
    s.organizations.push_back(suggestion.organization().id());
    s.scores.push_back(suggestion.score());
    std::vector<std::string> ids;
    for (const auto& p : suggestion.profiles()) ids.push_back(p.id());
    s.profiles.push_back(std::move(ids));
  }
  return s;
}

void ExpectSame(const Snapshot& a, const Snapshot& b) {
  ASSERT_EQ(a.organizations, b.organizations);
  ASSERT_EQ(a.scores.size(), b.scores.size());
  for (size_t i = 0; i < a.scores.size(); ++i) {
    EXPECT_NEAR(a.scores[i], b.scores[i], 1e-6) << a.organizations[i];
  }
  EXPECT_EQ(a.profiles, b.profiles);
}

class PersistenceTest : public MatchingEngineTest {
 protected:
  void SetUp() override {
    MatchingEngineTest::SetUp();
    LoadCorpus();
    // A replaced and a deleted profile leave dead slots in the indexes.
    Put(MakeCapability("cap_mining_2", "u_mining",
                       "Crushing and grinding of copper ore in the mine"));
    Put(MakeNeed("need_oil", "f_oil", "Corrosion of the oil and gas pipeline"));
    ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap_agri_2").ok());
    Put(MakeTie("t1", "u_mining", "f_mining", 2024));
    before_ = Answers();
    stats_ = engine_->Stats();
  }

  std::vector<Snapshot> Answers() {
    std::vector<Snapshot> out;
    v1::RecommendRequest need = ForNeed("need_mining", 10);
    need.set_profiles_per_organization(10);
    out.push_back(Take(Recommend(need)));
    out.push_back(Take(Recommend(ForCapability("cap_oil_1", 10))));
    out.push_back(Take(Recommend(
        ForText("copper ore wheat", v1::DIRECTION_NEED_TO_CAPABILITIES, 10))));
    return out;
  }

  void ExpectSameAnswers() {
    const std::vector<Snapshot> after = Answers();
    ASSERT_EQ(after.size(), before_.size());
    for (size_t i = 0; i < after.size(); ++i) {
      SCOPED_TRACE(i);
      ExpectSame(before_[i], after[i]);
    }
    const v1::StatsResponse stats = engine_->Stats();
    EXPECT_EQ(stats.organizations(), stats_.organizations());
    EXPECT_EQ(stats.capabilities(), stats_.capabilities());
    EXPECT_EQ(stats.needs(), stats_.needs());
    EXPECT_EQ(stats.ties(), stats_.ties());
    EXPECT_EQ(stats.model(), stats_.model());
    EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "cap_agri_2"),
              absl::StatusCode::kNotFound);
    EXPECT_EQ(engine_->Get(v1::RECORD_KIND_CAPABILITY, "cap_mining_2")
                  ->capability()
                  .title(),
              "Crushing and grinding of copper ore in the mine");
  }

  // Writes still work on the reopened engine and are found.
  void ExpectWritable() {
    Put(MakeCapability("cap_new", "u_agri", "Copper flotation reagent"));
    const auto response = Recommend(
        ForText("flotation reagent", v1::DIRECTION_NEED_TO_CAPABILITIES, 10));
    EXPECT_EQ(ProfileIds(response).count("cap_new"), 1u);
    ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap_new").ok());
  }

  std::string IndexPath(v1::RecordKind kind) const {
    return DataDir{dir_.path()}.IndexPath(kind);
  }

  std::vector<Snapshot> before_;
  v1::StatsResponse stats_;
};

TEST_F(PersistenceTest, ReopenGivesTheSameAnswers) {
  Reopen();
  ExpectSameAnswers();
  ExpectWritable();
  Reopen();
  ExpectSameAnswers();
}

TEST_F(PersistenceTest, MissingIndexFilesAreRebuilt) {
  engine_.reset();
  for (auto kind : {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    ASSERT_TRUE(std::filesystem::exists(IndexPath(kind)));
  }
  ASSERT_TRUE(std::filesystem::remove(IndexPath(v1::RECORD_KIND_CAPABILITY)));
  Reopen();
  ExpectSameAnswers();
  ExpectWritable();

  engine_.reset();
  ASSERT_TRUE(std::filesystem::remove(IndexPath(v1::RECORD_KIND_CAPABILITY)));
  ASSERT_TRUE(std::filesystem::remove(IndexPath(v1::RECORD_KIND_NEED)));
  Reopen();
  ExpectSameAnswers();
}

void FlipByte(const std::string& path, std::streamoff offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file.good()) << path;
  file.seekg(offset);
  char c = 0;
  file.read(&c, 1);
  ASSERT_TRUE(file.good());
  c = static_cast<char>(c ^ 0x5A);
  file.seekp(offset);
  file.write(&c, 1);
  ASSERT_TRUE(file.good());
}

TEST_F(PersistenceTest, CorruptIndexFileIsRebuilt) {
  engine_.reset();
  const std::string caps = IndexPath(v1::RECORD_KIND_CAPABILITY);
  const auto size =
      static_cast<std::streamoff>(std::filesystem::file_size(caps));
  ASSERT_GT(size, 64);
  FlipByte(caps, size / 2);
  Reopen();
  ExpectSameAnswers();
  ExpectWritable();

  for (std::streamoff offset : {std::streamoff{0}, std::streamoff{10}}) {
    engine_.reset();
    FlipByte(IndexPath(v1::RECORD_KIND_NEED), offset);
    Reopen();
    ExpectSameAnswers();
  }

  engine_.reset();
  std::filesystem::resize_file(caps, std::filesystem::file_size(caps) - 7);
  Reopen();
  ExpectSameAnswers();
}

TEST_F(PersistenceTest, StaleIndexFileIsRebuilt) {
  engine_.reset();
  const std::string caps = IndexPath(v1::RECORD_KIND_CAPABILITY);
  const std::string stale = dir_.path() + "/stale.hxidx";
  std::filesystem::copy_file(caps, stale);
  Reopen();
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap_agri_1").ok());
  Put(MakeCapability("cap_agri_1", "u_agri", "Copper flotation reagent"));
  before_ = Answers();
  engine_.reset();
  std::filesystem::copy_file(stale, caps,
                             std::filesystem::copy_options::overwrite_existing);
  Reopen();
  ExpectSameAnswers();
}

TEST_F(MatchingEngineTest, OpenRefusesOtherWordVectors) {
  Put(University("u1", "KZ", "Almaty", "it"));
  engine_.reset();
  auto other =
      WordVectors::FromRows(4, {"copper", "ore"}, {{1, 0, 0, 0}, {0, 1, 0, 0}});
  ASSERT_TRUE(other.ok()) << other.status();
  EngineOptions options = Options();
  options.word_vectors = *other;
  auto engine = MatchingEngine::Open(options);
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kFailedPrecondition);
  Reopen();
  EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, "u1"), absl::StatusCode::kOk);
}

}  // namespace
}  // namespace helixmatch
