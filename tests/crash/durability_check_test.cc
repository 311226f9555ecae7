// The checker must see every kind of failure it counts: the server below
// is changed behind the ledger's back, the way a broken recovery would.
#include "tests/crash/durability_check.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "services/engine/matching_engine.h"
#include "services/server/match_service.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch::crash {
namespace {

using ::helixmatch::testing::MakeCapability;
using ::helixmatch::testing::MakeNeed;
using ::helixmatch::testing::MakeOrganization;
using ::helixmatch::testing::TempDir;

v1::Record AsRecord(const v1::Organization& o) {
  v1::Record r;
  *r.mutable_organization() = o;
  return r;
}
v1::Record AsRecord(const v1::CapabilityProfile& c) {
  v1::Record r;
  *r.mutable_capability() = c;
  return r;
}
v1::Record AsRecord(const v1::FirmNeed& n) {
  v1::Record r;
  *r.mutable_need() = n;
  return r;
}

class DurabilityCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path();
    options.word_vectors = testing::SyntheticWordVectors();
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_ = std::move(*engine);
    auto server = MatchServer::Start(engine_.get(), "127.0.0.1:0");
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    channel_ =
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials());
    auto university =
        MakeOrganization("org:u", v1::ORGANIZATION_KIND_UNIVERSITY);
    university.set_region("region u");
    Write(AsRecord(university));
    auto firm = MakeOrganization("org:f", v1::ORGANIZATION_KIND_FIRM);
    firm.set_region("region f");
    Write(AsRecord(firm));
  }

  void Write(const v1::Record& record) {
    ASSERT_TRUE(engine_->Upsert(record).ok());
  }

  // A capability written and acknowledged in round 1.
  TrackedRecord& AckedCapability(const std::string& id,
                                 const std::string& token) {
    TrackedRecord& r =
        ledger_.Track(v1::RECORD_KIND_CAPABILITY, id, token, "region u");
    auto capability = MakeCapability(id, "org:u", "copper flotation " + token);
    capability.set_description("ore concentrator services");
    const auto content = AsRecord(capability);
    Write(content);
    ledger_.WriteAcked(r, content, 1);
    return r;
  }

  CheckCounts Check(bool search_all = true) {
    CheckOptions options;
    options.round = 1;
    options.threads = 2;
    options.search_all = search_all;
    return CheckDurability({&ledger_}, channel_, options);
  }

  TempDir dir_;
  std::unique_ptr<MatchingEngine> engine_;
  std::unique_ptr<MatchServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  WriteLedger ledger_;
};

TEST_F(DurabilityCheckTest, AcknowledgedRecordsPassAndAreSearched) {
  AckedCapability("cap:a", "zqa1");
  TrackedRecord& need =
      ledger_.Track(v1::RECORD_KIND_NEED, "need:b", "zqb2", "region f");
  const auto content = AsRecord(MakeNeed("need:b", "org:f", "grid zqb2"));
  Write(content);
  ledger_.WriteAcked(need, content, 1);
  TrackedRecord& gone = AckedCapability("cap:c", "zqc3");
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap:c").ok());
  ledger_.DeleteAcked(gone, 1);

  const CheckCounts counts = Check();
  EXPECT_TRUE(counts.clean());
  EXPECT_EQ(counts.checked, 3);
  EXPECT_EQ(counts.searched, 3);
}

TEST_F(DurabilityCheckTest, MissingRecordIsLostAndCountedOnce) {
  AckedCapability("cap:a", "zqa1");
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap:a").ok());
  EXPECT_EQ(Check().missing, 1);
  EXPECT_EQ(Check().missing, 0);  // already counted
}

TEST_F(DurabilityCheckTest, EarlierVersionIsStale) {
  TrackedRecord& r = AckedCapability("cap:a", "zqa1");
  const auto first = r.acked;
  auto second = first;
  second.mutable_capability()->set_description("revision 2");
  Write(second);
  ledger_.WriteAcked(r, second, 1);
  Write(first);  // the replacement "did not survive"
  const CheckCounts counts = Check();
  EXPECT_EQ(counts.stale, 1);
  EXPECT_EQ(counts.lost(), 1);
}

TEST_F(DurabilityCheckTest, UnconfirmedReplacementMayHaveLanded) {
  TrackedRecord& r = AckedCapability("cap:a", "zqa1");
  auto second = r.acked;
  second.mutable_capability()->set_description("revision 2");
  ledger_.WriteUnconfirmed(r, second);
  EXPECT_TRUE(Check().clean());
  Write(second);
  EXPECT_TRUE(Check().clean());
}

TEST_F(DurabilityCheckTest, ContentNoWriteSentIsWrong) {
  TrackedRecord& r = AckedCapability("cap:a", "zqa1");
  auto other = r.acked;
  other.mutable_capability()->set_title("copper zqa1 corrupted");
  Write(other);
  EXPECT_EQ(Check().wrong_content, 1);
}

TEST_F(DurabilityCheckTest, RecordItsWordDoesNotFindIsUnsearchable) {
  AckedCapability("cap:other", "zqshared");
  TrackedRecord& r = AckedCapability("cap:a", "zqa1");
  // The server holds the record, but its word now finds another one (which
  // returns cap:a too, as a weaker profile of the same organization).
  r.search_token = "zqshared";
  EXPECT_EQ(Check().unsearchable, 1);
}

TEST_F(DurabilityCheckTest, RecordItsTextDoesNotFindIsUnsearchable) {
  TrackedRecord& r = AckedCapability("cap:a", "zqa1");
  r.owner_region = "region f";  // ranks only another organization's profiles
  EXPECT_EQ(Check().unsearchable, 1);
}

TEST_F(DurabilityCheckTest, DeletedRecordThatCameBackIsResurrected) {
  TrackedRecord& r = AckedCapability("cap:a", "zqa1");
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap:a").ok());
  ledger_.DeleteAcked(r, 1);
  EXPECT_TRUE(Check().clean());
  Write(r.acked);
  EXPECT_EQ(Check().resurrected, 1);
}

TEST_F(DurabilityCheckTest, UnconfirmedDeleteMayHaveLanded) {
  TrackedRecord& r = AckedCapability("cap:a", "zqa1");
  ledger_.DeleteUnconfirmed(r);
  EXPECT_TRUE(Check().clean());
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap:a").ok());
  EXPECT_TRUE(Check().clean());
}

TEST_F(DurabilityCheckTest, BatchFoundInPartIsTorn) {
  std::vector<v1::Record> contents;
  for (const char* id : {"cap:x", "cap:y", "cap:z"}) {
    TrackedRecord& r = ledger_.Track(v1::RECORD_KIND_CAPABILITY, id, "");
    contents.push_back(AsRecord(MakeCapability(id, "org:u", "ore")));
    ledger_.WriteUnconfirmed(r, contents.back(), /*batch=*/7);
  }
  EXPECT_TRUE(Check().clean());  // none landed
  for (const auto& c : contents) Write(c);
  EXPECT_TRUE(Check().clean());  // all landed
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap:y").ok());
  EXPECT_EQ(Check().torn_batches, 1);
}

TEST_F(DurabilityCheckTest, SampleSearchesChangedRecordsAndSomeOthers) {
  for (int i = 0; i < 5; ++i) {
    TrackedRecord& r =
        ledger_.Track(v1::RECORD_KIND_CAPABILITY, "cap:old" + std::to_string(i),
                      "zqold" + std::to_string(i), "region u");
    const auto content =
        AsRecord(MakeCapability(r.id, "org:u", "ore " + r.search_token));
    Write(content);
    ledger_.WriteAcked(r, content, /*round=*/0);  // before this round
  }
  AckedCapability("cap:new", "zqnew");
  CheckOptions options;
  options.round = 1;
  options.search_sample = 2;
  const CheckCounts counts = CheckDurability({&ledger_}, channel_, options);
  EXPECT_TRUE(counts.clean());
  EXPECT_EQ(counts.checked, 6);
  EXPECT_EQ(counts.searched, 3);
}

}  // namespace
}  // namespace helixmatch::crash
