// Backup and restore: a RocksDB checkpoint plus both vector
// indexes, through the engine and through the Backup RPC of a real gRPC
// server on port 0. The backup folder, served on its own, answers a fixed
// set of twenty Recommend queries identically (organizations, order,
// scores, profiles, explanations); writes after the backup are not in it.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/message_differencer.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/engine/matching_engine.h"
#include "services/server/match_service.h"
#include "services/server/principals.h"
#include "tests/testing/synthetic_corpus.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

namespace fs = std::filesystem;
using ::google::protobuf::util::DefaultFieldComparator;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using testing::TempDir;

EngineOptions OptionsFor(const std::string& folder) {
  EngineOptions options;
  options.data_dir = folder;
  options.word_vectors = testing::SyntheticWordVectors();
  options.reference_year = 2025;
  return options;
}

// Equal messages; floating-point fields may differ in the last bits (see
// testing::SameAnswers), and a profile's matched terms of equal weight
// may come in another order (the engine orders them by term id, which
// depends on the order the catalog first saw the words).
bool Identical(const google::protobuf::Message& a,
               const google::protobuf::Message& b, std::string* diff) {
  DefaultFieldComparator comparator;
  comparator.set_float_comparison(DefaultFieldComparator::APPROXIMATE);
  comparator.SetDefaultFractionAndMargin(1e-9, 1e-12);
  MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  differencer.TreatAsSet(
      v1::MatchedProfile::descriptor()->FindFieldByName("matched_terms"));
  differencer.ReportDifferencesToString(diff);
  return differencer.Compare(a, b);
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = MatchingEngine::Open(OptionsFor(root_));
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ASSERT_TRUE(engine_->BatchUpsert(testing::SyntheticCorpus()).ok());
    auto s = testing::ApplyWrites(*engine_, testing::SessionWrites(1));
    ASSERT_TRUE(s.ok()) << s;
  }

  std::unique_ptr<MatchingEngine> OpenBackup(const std::string& folder) {
    auto engine = MatchingEngine::Open(OptionsFor(folder));
    EXPECT_TRUE(engine.ok()) << engine.status();
    if (!engine.ok()) return nullptr;
    // The backup's indexes reflect its store: loaded as they are.
    EXPECT_EQ((*engine)->Stats().capability_index_recovery(), "loaded");
    EXPECT_EQ((*engine)->Stats().need_index_recovery(), "loaded");
    return std::move(*engine);
  }

  static void ExpectIdenticalAnswers(const MatchingEngine& original,
                                     const MatchingEngine& restored) {
    const auto queries = testing::FixedQueries();
    ASSERT_EQ(queries.size(), 20u);
    for (size_t i = 0; i < queries.size(); ++i) {
      SCOPED_TRACE(i);
      auto a = original.Recommend(queries[i]);
      auto b = restored.Recommend(queries[i]);
      ASSERT_TRUE(a.ok()) << a.status();
      ASSERT_TRUE(b.ok()) << b.status();
      EXPECT_GT(a->suggestions_size(), 0);
      std::string diff;
      EXPECT_TRUE(Identical(*a, *b, &diff)) << diff;
    }
  }

  TempDir dir_;
  std::string root_ = dir_.path() + "/data";
  std::string backup_ = dir_.path() + "/backup";
  std::unique_ptr<MatchingEngine> engine_;
};

TEST_F(BackupTest, RestoredEngineAnswersIdenticallyAndLacksLaterWrites) {
  auto made = engine_->Backup(backup_);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->folder(), backup_);
  EXPECT_EQ(made->store_sequence(), engine_->Stats().store_sequence());

  // Later writes: a new profile, a deletion, a replacement.
  const std::string later = "cap-after-backup";
  ASSERT_TRUE(engine_
                  ->Upsert(testing::AsRecord(testing::MakeCapability(
                      later, testing::UniversityId(0, 0), "copper flotation")))
                  .ok());
  const std::string removed = testing::CapabilityId(5, 1, 3);
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, removed).ok());

  auto restored = OpenBackup(backup_);
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(restored->Stats().store_sequence(), made->store_sequence());
  EXPECT_EQ(restored->Get(v1::RECORD_KIND_CAPABILITY, later).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(restored->Get(v1::RECORD_KIND_CAPABILITY, removed).ok());

  // Undo the later writes on the original: both answer identically.
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, later).ok());
  auto back = restored->Get(v1::RECORD_KIND_CAPABILITY, removed);
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(engine_->Upsert(*back).ok());
  ExpectIdenticalAnswers(*engine_, *restored);
}

TEST_F(BackupTest, BackupAnswersIdenticallyAfterAReopenToo) {
  auto made = engine_->Backup(backup_);
  ASSERT_TRUE(made.ok()) << made.status();
  {
    auto restored = OpenBackup(backup_);
    ASSERT_NE(restored, nullptr);
    ExpectIdenticalAnswers(*engine_, *restored);
  }
  // A restored folder is a data folder like any other: it stops cleanly
  // and reopens.
  auto restored = OpenBackup(backup_);
  ASSERT_NE(restored, nullptr);
  ExpectIdenticalAnswers(*engine_, *restored);
}

TEST_F(BackupTest, ExistingOrEmptyFolderIsRefused) {
  fs::create_directories(backup_);
  auto exists = engine_->Backup(backup_);
  EXPECT_EQ(exists.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(exists.status().message(), HasSubstr(backup_));
  EXPECT_TRUE(fs::is_empty(backup_));  // left as it was

  const std::string file = dir_.path() + "/a-file";
  { std::ofstream(file) << "x"; }
  EXPECT_EQ(engine_->Backup(file).status().code(),
            absl::StatusCode::kAlreadyExists);

  auto empty = engine_->Backup("");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(empty.status().message(), HasSubstr("folder"));
}

// Writes keep coming while the backup is taken: it holds every write
// acknowledged before the call, and exactly a prefix of one writer's
// sequential writes (taken between two writes, never in the middle).
TEST_F(BackupTest, BackupDuringWritesHoldsEveryEarlierWrite) {
  std::atomic<int> acknowledged{-1};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    std::mt19937 rng(3);
    for (int i = 0; !stop.load(); ++i) {
      const int topic = i % testing::kTopics;
      if (!engine_
               ->Upsert(testing::AsRecord(testing::TopicCapability(
                   rng, absl::StrCat("w-", i), testing::UniversityId(topic, 0),
                   topic)))
               .ok()) {
        break;
      }
      acknowledged.store(i);
    }
  });
  while (acknowledged.load() < 20) std::this_thread::yield();
  const int before = acknowledged.load();
  auto made = engine_->Backup(backup_);
  stop.store(true);
  writer.join();
  ASSERT_TRUE(made.ok()) << made.status();
  auto restored = OpenBackup(backup_);
  ASSERT_NE(restored, nullptr);
  int present = 0;
  while (restored->Get(v1::RECORD_KIND_CAPABILITY, absl::StrCat("w-", present))
             .ok()) {
    ++present;
  }
  EXPECT_GT(present, before);
  for (int i = present; i <= acknowledged.load(); ++i) {
    EXPECT_FALSE(
        restored->Get(v1::RECORD_KIND_CAPABILITY, absl::StrCat("w-", i)).ok())
        << "w-" << i << " after a gap at w-" << present;
  }
}

// ------------------------------------------------------------------ gRPC

class BackupRpcTest : public BackupTest {
 protected:
  struct Served {
    std::unique_ptr<MatchServer> server;
    std::unique_ptr<v1::MatchService::Stub> stub;
  };

  // Backups may go anywhere under the test's temporary folder.
  Served Serve(MatchingEngine* engine,
               const ReloadablePrincipals* principals = nullptr) {
    Served s;
    MatchServerOptions options;
    options.api.principals = principals;
    options.api.backup_root = dir_.path();
    auto server = MatchServer::Start(engine, "127.0.0.1:0", std::move(options));
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return s;
    s.server = std::move(*server);
    s.stub = v1::MatchService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", s.server->port()),
                            grpc::InsecureChannelCredentials()));
    return s;
  }

  static grpc::Status Backup(v1::MatchService::Stub& stub,
                             const std::string& folder,
                             v1::BackupResponse* response,
                             const std::string& token = "") {
    grpc::ClientContext context;
    if (!token.empty()) {
      context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
    v1::BackupRequest request;
    request.set_folder(folder);
    return stub.Backup(&context, request, response);
  }
};

TEST_F(BackupRpcTest, ServerOnTheBackupAnswersTwentyQueriesIdentically) {
  Served original = Serve(engine_.get());
  ASSERT_NE(original.stub, nullptr);
  v1::BackupResponse made;
  const grpc::Status status = Backup(*original.stub, backup_, &made);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(made.folder(), backup_);
  {
    grpc::ClientContext context;
    v1::StatsResponse stats;
    ASSERT_TRUE(original.stub->Stats(&context, {}, &stats).ok());
    EXPECT_EQ(made.store_sequence(), stats.store_sequence());
  }
  // A write after the backup, over gRPC.
  {
    grpc::ClientContext context;
    v1::UpsertRequest request;
    *request.mutable_record() = testing::AsRecord(testing::MakeCapability(
        "cap-after-backup", testing::UniversityId(1, 1), "oil pipeline"));
    v1::UpsertResponse response;
    ASSERT_TRUE(original.stub->Upsert(&context, request, &response).ok());
  }

  auto restored = OpenBackup(backup_);
  ASSERT_NE(restored, nullptr);
  Served copy = Serve(restored.get());
  ASSERT_NE(copy.stub, nullptr);
  {
    grpc::ClientContext context;
    v1::GetRequest request;
    request.set_kind(v1::RECORD_KIND_CAPABILITY);
    request.set_id("cap-after-backup");
    v1::Record record;
    EXPECT_EQ(copy.stub->Get(&context, request, &record).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    v1::DeleteRequest request;
    request.set_kind(v1::RECORD_KIND_CAPABILITY);
    request.set_id("cap-after-backup");
    v1::DeleteResponse response;
    ASSERT_TRUE(original.stub->Delete(&context, request, &response).ok());
  }
  const auto queries = testing::FixedQueries();
  ASSERT_EQ(queries.size(), 20u);
  for (size_t i = 0; i < queries.size(); ++i) {
    SCOPED_TRACE(i);
    v1::RecommendResponse a, b;
    grpc::ClientContext ca, cb;
    ASSERT_TRUE(original.stub->Recommend(&ca, queries[i], &a).ok());
    ASSERT_TRUE(copy.stub->Recommend(&cb, queries[i], &b).ok());
    EXPECT_GT(a.suggestions_size(), 0);
    std::string diff;
    EXPECT_TRUE(Identical(a, b, &diff)) << diff;
  }
}

TEST_F(BackupRpcTest, ExistingOrEmptyFolderAndNonOperatorsAreRefused) {
  auto principals = PrincipalTable::Parse(
      "operator-token-0123456789 operator\n"
      "firm-token-0123456789abcd organization f0-0\n",
      "test tokens");
  ASSERT_TRUE(principals.ok()) << principals.status();
  ReloadablePrincipals tokens(std::move(*principals));
  Served served = Serve(engine_.get(), &tokens);
  ASSERT_NE(served.stub, nullptr);
  const std::string op = "operator-token-0123456789";
  v1::BackupResponse response;

  fs::create_directories(backup_);
  grpc::Status s = Backup(*served.stub, backup_, &response, op);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(), HasSubstr(backup_));

  s = Backup(*served.stub, "", &response, op);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("folder"));

  const std::string fresh = dir_.path() + "/fresh";
  s = Backup(*served.stub, fresh, &response, "firm-token-0123456789abcd");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_FALSE(fs::exists(fresh));
  s = Backup(*served.stub, fresh, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = Backup(*served.stub, fresh, &response, op);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(fs::exists(fresh));
}

}  // namespace
}  // namespace helixmatch
