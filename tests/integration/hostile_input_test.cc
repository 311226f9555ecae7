// Hostile input against a real gRPC server on port 0: oversized messages,
// limits on text, k and batch size, non-finite numbers, invalid UTF-8,
// expired deadlines; and damaged word-vector files. Each refusal
// has the right code and a message naming the field and the limit, and
// the server stays healthy and unchanged after it.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "indexer/word_vectors.h"
#include "services/engine/matching_engine.h"
#include "services/cli/health_probe.h"
#include "services/server/match_service.h"
#include "tests/testing/synthetic_corpus.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::TempDir;

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    EngineOptions options;
    options.data_dir = dir_->path();
    options.word_vectors = testing::SyntheticWordVectors();
    options.reference_year = 2025;
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = engine->release();
    ASSERT_TRUE(engine_->BatchUpsert(testing::SyntheticCorpus()).ok());
    auto server = MatchServer::Start(engine_, "127.0.0.1:0");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
    stub_ = v1::MatchService::NewStub(*channel_).release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete channel_;
    delete server_;
    delete engine_;
    delete dir_;
  }

  // The server answers, and holds what it held before.
  static void ExpectHealthyAndUnchanged() {
    auto state = CheckHealth(*channel_, std::chrono::seconds(10));
    ASSERT_TRUE(state.ok()) << state.status();
    EXPECT_EQ(*state, "SERVING");
    grpc::ClientContext context;
    v1::StatsResponse stats;
    ASSERT_TRUE(stub_->Stats(&context, {}, &stats).ok());
    EXPECT_EQ(stats.organizations(), 36);
    EXPECT_EQ(stats.capabilities(), 72);
    EXPECT_EQ(stats.needs(), 36);
    EXPECT_EQ(stats.ties(), 24);
    v1::RecommendRequest request = testing::FixedQueries()[0];
    v1::RecommendResponse response;
    grpc::ClientContext recommend;
    ASSERT_TRUE(stub_->Recommend(&recommend, request, &response).ok());
    EXPECT_GT(response.suggestions_size(), 0);
  }

  static grpc::Status Upsert(const v1::Record& record) {
    grpc::ClientContext context;
    v1::UpsertRequest request;
    *request.mutable_record() = record;
    v1::UpsertResponse response;
    return stub_->Upsert(&context, request, &response);
  }

  static grpc::Status Recommend(const v1::RecommendRequest& request) {
    grpc::ClientContext context;
    v1::RecommendResponse response;
    return stub_->Recommend(&context, request, &response);
  }

  static TempDir* dir_;
  static MatchingEngine* engine_;
  static MatchServer* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  static v1::MatchService::Stub* stub_;
};

TempDir* HostileInputTest::dir_ = nullptr;
MatchingEngine* HostileInputTest::engine_ = nullptr;
MatchServer* HostileInputTest::server_ = nullptr;
std::shared_ptr<grpc::Channel>* HostileInputTest::channel_ = nullptr;
v1::MatchService::Stub* HostileInputTest::stub_ = nullptr;

MATCHER_P2(IsStatus, code, mentions, "") {
  *result_listener << "code " << arg.error_code() << ": "
                   << arg.error_message();
  return arg.error_code() == code &&
         arg.error_message().find(mentions) != std::string::npos;
}

TEST_F(HostileInputTest, MessageOver8MiBIsResourceExhausted) {
  v1::CapabilityProfile p = testing::MakeCapability(
      "cap-huge", testing::UniversityId(0, 0), "copper flotation");
  p.set_description(std::string(kMaxMessageBytes + 1024, 'a'));
  const grpc::Status status = Upsert(testing::AsRecord(p));
  EXPECT_THAT(status, IsStatus(grpc::StatusCode::RESOURCE_EXHAUSTED,
                               std::to_string(kMaxMessageBytes)));
  // Many huge requests at once do not take the server down either.
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      EXPECT_EQ(Upsert(testing::AsRecord(p)).error_code(),
                grpc::StatusCode::RESOURCE_EXHAUSTED);
    });
  }
  for (auto& t : threads) t.join();
  ExpectHealthyAndUnchanged();
}

TEST_F(HostileInputTest, JustUnder8MiBReachesValidationAndIsRefusedThere) {
  v1::CapabilityProfile p = testing::MakeCapability(
      "cap-big", testing::UniversityId(0, 0), "copper flotation");
  p.set_description(std::string(kMaxMessageBytes - 4096, 'a'));
  EXPECT_THAT(
      Upsert(testing::AsRecord(p)),
      IsStatus(grpc::StatusCode::INVALID_ARGUMENT, "capability.description"));
  EXPECT_THAT(Upsert(testing::AsRecord(p)),
              IsStatus(grpc::StatusCode::INVALID_ARGUMENT, "16384"));
  ExpectHealthyAndUnchanged();
}

TEST_F(HostileInputTest, RecommendLimits) {
  v1::RecommendRequest text;
  text.set_text(std::string(kMaxQueryTextBytes + 1, 'a'));
  text.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
  text.set_k(5);
  EXPECT_THAT(Recommend(text),
              IsStatus(grpc::StatusCode::INVALID_ARGUMENT,
                       "text: is 4097 bytes, the limit is 4096"));
  v1::RecommendRequest k = testing::FixedQueries()[0];
  k.set_k(0);
  EXPECT_THAT(Recommend(k), IsStatus(grpc::StatusCode::INVALID_ARGUMENT,
                                     "k: 0 is outside 1..100"));
  k.set_k(101);
  EXPECT_THAT(Recommend(k), IsStatus(grpc::StatusCode::INVALID_ARGUMENT,
                                     "k: 101 is outside 1..100"));
  k.set_k(-2147483647 - 1);
  EXPECT_THAT(Recommend(k),
              IsStatus(grpc::StatusCode::INVALID_ARGUMENT, "k: -2147483648"));
  k.set_k(100);
  EXPECT_TRUE(Recommend(k).ok());
  v1::RecommendRequest filter = testing::FixedQueries()[0];
  for (int i = 0; i < kMaxFilterValues + 1; ++i) {
    filter.mutable_filter()->add_regions("r");
  }
  EXPECT_THAT(Recommend(filter),
              IsStatus(grpc::StatusCode::INVALID_ARGUMENT,
                       "filter.regions: has 65 values, the limit is 64"));
  ExpectHealthyAndUnchanged();
}

TEST_F(HostileInputTest, BatchOf1001RecordsIsRefusedWhole) {
  grpc::ClientContext context;
  v1::BatchUpsertRequest request;
  for (int i = 0; i < kMaxBatchRecords + 1; ++i) {
    *request.add_records() = testing::AsRecord(testing::MakeOrganization(
        absl::StrCat("org-", i), v1::ORGANIZATION_KIND_FIRM));
  }
  v1::BatchUpsertResponse response;
  EXPECT_THAT(stub_->BatchUpsert(&context, request, &response),
              IsStatus(grpc::StatusCode::INVALID_ARGUMENT,
                       "records: has 1001 records, the limit is 1000"));
  ExpectHealthyAndUnchanged();
}

TEST_F(HostileInputTest, NonFiniteNumbersAreRefusedNamingTheField) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    std::function<void(v1::Organization*)> edit;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {[&](auto* o) {
         o->set_latitude(nan);
         o->set_longitude(10);
       },
       "organization.latitude: nan is outside -90..90"},
      {[&](auto* o) {
         o->set_latitude(10);
         o->set_longitude(-inf);
       },
       "organization.longitude: -inf is outside -180..180"},
      {[&](auto* o) { o->mutable_signals()->set_rd_spend_usd(inf); },
       "organization.signals.rd_spend_usd: is not finite"},
      {[&](auto* o) { o->mutable_signals()->set_rd_spend_usd(nan); },
       "organization.signals.rd_spend_usd: nan is negative or not a number"},
      {[&](auto* o) { o->mutable_signals()->set_teaching_hours_per_fte(-inf); },
       "organization.signals.teaching_hours_per_fte"},
      {[&](auto* o) { o->mutable_signals()->set_graduate_share(nan); },
       "organization.signals.graduate_share"},
  };
  for (const auto& c : cases) {
    v1::Organization org = testing::MakeOrganization(
        testing::UniversityId(0, 0), v1::ORGANIZATION_KIND_UNIVERSITY);
    c.edit(&org);
    EXPECT_THAT(Upsert(testing::AsRecord(org)),
                IsStatus(grpc::StatusCode::INVALID_ARGUMENT, c.mentions));
  }
  ExpectHealthyAndUnchanged();
}

// Protobuf refuses a string field that is not UTF-8 when it parses the
// request, before any handler runs: gRPC answers INTERNAL with an empty
// message (its deserializer reports no reason; protobuf logs the field on
// the server's stderr). The bytes are sent as they are, with a generic
// stub.
TEST_F(HostileInputTest, InvalidUtf8IsRefusedByProtobuf) {
  v1::GetRequest request;
  request.set_kind(v1::RECORD_KIND_CAPABILITY);
  request.set_id("cap-XX");
  std::string bytes = request.SerializeAsString();
  const size_t at = bytes.find("XX");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = static_cast<char>(0xC3);  // a lead byte without continuation
  bytes[at + 1] = static_cast<char>(0x28);
  grpc::GenericStub generic(*channel_);
  grpc::ClientContext context;
  grpc::Slice slice(bytes);
  grpc::ByteBuffer send(&slice, 1), receive;
  grpc::CompletionQueue queue;
  grpc::Status status;
  auto call = generic.PrepareUnaryCall(
      &context, "/helixmatch.v1.MatchService/Get", send, &queue);
  call->StartCall();
  call->Finish(&receive, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(queue.Next(&tag, &ok));
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL)
      << status.error_message();
  EXPECT_EQ(receive.Length(), 0u);
  // The same bytes with valid UTF-8 reach the handler.
  grpc::ClientContext valid;
  request.set_id("cap-\xC3\xA9");
  v1::Record record;
  EXPECT_THAT(stub_->Get(&valid, request, &record),
              IsStatus(grpc::StatusCode::INVALID_ARGUMENT, "id"));
  ExpectHealthyAndUnchanged();
}

TEST_F(HostileInputTest, ExpiredDeadlineIsDeadlineExceeded) {
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() -
                         std::chrono::seconds(1));
    v1::RecommendResponse response;
    const grpc::Status status =
        stub_->Recommend(&context, testing::FixedQueries()[0], &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
        << status.error_message();
  }
  // A deadline too short for the work (a k = 100 query with explanations)
  // ends the call, not the server.
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::microseconds(50));
    v1::RecommendRequest request = testing::FixedQueries()[0];
    request.set_k(100);
    v1::RecommendResponse response;
    const grpc::Status status = stub_->Recommend(&context, request, &response);
    EXPECT_TRUE(status.ok() ||
                status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
        << status.error_message();
  }
  ExpectHealthyAndUnchanged();
}

// ---------------------------------------------------------- word vectors

// A file in the format of word_vectors.h.
std::string VectorFile(uint32_t dimension,
                       const std::vector<std::string>& words,
                       const std::vector<float>& values) {
  std::string bytes = "HXWVEC01";
  const uint32_t count = static_cast<uint32_t>(words.size());
  bytes.append(reinterpret_cast<const char*>(&dimension), 4);
  bytes.append(reinterpret_cast<const char*>(&count), 4);
  for (const auto& w : words) {
    const uint16_t length = static_cast<uint16_t>(w.size());
    bytes.append(reinterpret_cast<const char*>(&length), 2);
    bytes.append(w);
  }
  while (bytes.size() % 4 != 0) bytes.push_back('\0');
  bytes.append(reinterpret_cast<const char*>(values.data()),
               values.size() * sizeof(float));
  return bytes;
}

class HostileWordVectorsTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& bytes) {
    const std::string path = dir_.path() + "/vectors.hxwv";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return path;
  }
  TempDir dir_;
};

TEST_F(HostileWordVectorsTest, NonFiniteValuesAreDataLossNamingTheWord) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(),
                    std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
    const std::string path =
        Write(VectorFile(2, {"ore", "copper"}, {0.5f, 0.5f, bad, 1.0f}));
    auto vectors = WordVectors::Load(path);
    EXPECT_EQ(vectors.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(
        vectors.status().message(),
        AllOf(HasSubstr(path), HasSubstr("non-finite"), HasSubstr("'copper'")));
  }
}

TEST_F(HostileWordVectorsTest, WrongDimensionIsDataLossNamingIt) {
  for (uint32_t dimension : {0u, 4097u, 0xFFFFFFFFu}) {
    const std::string path = Write(VectorFile(dimension, {"ore"}, {1.0f}));
    auto vectors = WordVectors::Load(path);
    EXPECT_EQ(vectors.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(
        vectors.status().message(),
        AllOf(HasSubstr(path), HasSubstr(absl::StrCat("dimension ", dimension,
                                                      " outside 1..4096"))));
  }
  // A dimension that does not match the values that follow.
  const std::string path =
      Write(VectorFile(3, {"ore", "copper"}, {1, 0, 0, 1}));
  auto vectors = WordVectors::Load(path);
  EXPECT_EQ(vectors.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(
      std::string(vectors.status().message()),
      HasSubstr("size 48 bytes, expected 56 for 2 words of dimension 3"));
}

TEST_F(HostileWordVectorsTest, EngineRefusesVectorsOfAnotherDimension) {
  {
    EngineOptions options;
    options.data_dir = dir_.path() + "/data";
    options.word_vectors = testing::SyntheticWordVectors();
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    ASSERT_TRUE((*engine)->BatchUpsert(testing::SyntheticCorpus()).ok());
  }
  EngineOptions options;
  options.data_dir = dir_.path() + "/data";
  options.word_vectors_path =
      Write(VectorFile(2, {"ore", "copper"}, {0.5f, 0.5f, 1.0f, 0.0f}));
  auto engine = MatchingEngine::Open(options);
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kFailedPrecondition)
      << engine.status();
}

}  // namespace
}  // namespace helixmatch
