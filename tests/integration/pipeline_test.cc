// End to end: the demo data imported by the product's importer with the
// real GloVe vectors, served by a real gRPC server on port 0, asked over
// gRPC. Needs the word vector file that scripts/test.sh fetches.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "helixmatch/v1/matching.grpc.pb.h"
#include "indexer/corpus_importer.h"
#include "indexer/record_store.h"
#include "services/engine/matching_engine.h"
#include "services/cli/health_probe.h"
#include "services/server/match_service.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::helixmatch::testing::DemoFile;
using ::helixmatch::testing::GloveFile;
using ::helixmatch::testing::TempDir;

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto vectors = WordVectors::Load(GloveFile());
    ASSERT_TRUE(vectors.ok())
        << vectors.status().message()
        << " (scripts/test.sh runs scripts/fetch-word-vectors.sh first)";
    vectors_ = new std::shared_ptr<const WordVectors>(*vectors);
    dir_ = new TempDir();
    ImportDemo(dir_->path());
    StartServer();
  }

  static void TearDownTestSuite() {
    StopServer();
    delete dir_;
    delete vectors_;
  }

  static void ImportDemo(const std::string& root) {
    const auto imported = testing::ImportDemo(root, *vectors_);
    ASSERT_TRUE(imported.ok()) << imported.message();
  }

  static void StartServer() {
    EngineOptions options;
    options.data_dir = dir_->path();
    options.word_vectors = *vectors_;
    options.reference_year = 2025;
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_ = engine->release();
    auto server = MatchServer::Start(engine_, "127.0.0.1:0");
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = server->release();
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials()));
    stub_ = v1::MatchService::NewStub(*channel_).release();
  }

  static void StopServer() {
    delete stub_;
    delete channel_;
    delete server_;
    delete engine_;
    stub_ = nullptr;
    channel_ = nullptr;
    server_ = nullptr;
    engine_ = nullptr;
  }

  static grpc::Status Recommend(const v1::RecommendRequest& request,
                                v1::RecommendResponse* response) {
    grpc::ClientContext context;
    return stub_->Recommend(&context, request, response);
  }

  static v1::ExplainResponse Explain(const std::string& need,
                                     const std::string& capability) {
    grpc::ClientContext context;
    v1::ExplainRequest request;
    request.set_need_id(need);
    request.set_capability_id(capability);
    v1::ExplainResponse response;
    const auto status = stub_->Explain(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static v1::StatsResponse Stats() {
    grpc::ClientContext context;
    v1::StatsResponse response;
    EXPECT_TRUE(stub_->Stats(&context, {}, &response).ok());
    return response;
  }

  static const v1::BarrierAssessment& Barrier(const v1::Suggestion& s,
                                              v1::BarrierCode code) {
    for (const auto& b : s.barriers()) {
      if (b.code() == code) return b;
    }
    ADD_FAILURE() << "no assessment for " << v1::BarrierCode_Name(code);
    return s.barriers(0);
  }

  static void ExpectUnchanged(const v1::StatsResponse& before) {
    const auto after = Stats();
    EXPECT_EQ(after.organizations(), before.organizations());
    EXPECT_EQ(after.capabilities(), before.capabilities());
    EXPECT_EQ(after.needs(), before.needs());
    EXPECT_EQ(after.ties(), before.ties());
  }

  static std::shared_ptr<const WordVectors>* vectors_;
  static TempDir* dir_;
  static MatchingEngine* engine_;
  static MatchServer* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  static v1::MatchService::Stub* stub_;
};

std::shared_ptr<const WordVectors>* PipelineTest::vectors_ = nullptr;
TempDir* PipelineTest::dir_ = nullptr;
MatchingEngine* PipelineTest::engine_ = nullptr;
MatchServer* PipelineTest::server_ = nullptr;
std::shared_ptr<grpc::Channel>* PipelineTest::channel_ = nullptr;
v1::MatchService::Stub* PipelineTest::stub_ = nullptr;

TEST_F(PipelineTest, HealthIsServing) {
  auto state = CheckHealth(*channel_, std::chrono::seconds(5));
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(*state, "SERVING");
}

TEST_F(PipelineTest, DemoDataIsIndexed) {
  const auto stats = Stats();
  EXPECT_GE(stats.organizations(), 60);
  EXPECT_GE(stats.capabilities(), 60);
  EXPECT_GE(stats.needs(), 40);
  EXPECT_GT(stats.ties(), 0);
  EXPECT_NE(stats.model().find("glove-idf"), std::string::npos);
}

TEST_F(PipelineTest, MiningNeedRanksTheFlotationLabFirst) {
  v1::RecommendRequest request;
  request.set_need_id("need:demo-flotation");
  request.set_k(5);
  v1::RecommendResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  ASSERT_EQ(response.suggestions_size(), 5);
  const auto& top = response.suggestions(0);
  EXPECT_EQ(top.organization().id(), "org:saryarka-tu");
  ASSERT_GT(top.profiles_size(), 0);
  EXPECT_EQ(top.profiles(0).id(), "cap:demo-flotation-lab");
  EXPECT_EQ(top.barriers_size(), 12);
  EXPECT_FALSE(top.ladder().rationale().empty());
  // Evidence terms are words the two texts share.
  EXPECT_NE(std::find(top.evidence_terms().begin(), top.evidence_terms().end(),
                      "flotation"),
            top.evidence_terms().end());
  // Grouped: each organization once, best first.
  std::set<std::string> seen;
  for (int i = 0; i < response.suggestions_size(); ++i) {
    EXPECT_TRUE(
        seen.insert(response.suggestions(i).organization().id()).second);
    if (i > 0) {
      EXPECT_GE(response.suggestions(i - 1).score(),
                response.suggestions(i).score());
    }
  }
}

TEST_F(PipelineTest, OmittingExplanationsKeepsTheRanking) {
  v1::RecommendRequest request;
  request.set_need_id("need:demo-flotation");
  request.set_k(8);
  v1::RecommendResponse full, lean;
  ASSERT_TRUE(Recommend(request, &full).ok());
  request.set_omit_explanations(true);
  ASSERT_TRUE(Recommend(request, &lean).ok());
  ASSERT_EQ(full.suggestions_size(), lean.suggestions_size());
  for (int i = 0; i < full.suggestions_size(); ++i) {
    EXPECT_EQ(full.suggestions(i).organization().id(),
              lean.suggestions(i).organization().id());
    EXPECT_DOUBLE_EQ(full.suggestions(i).score(), lean.suggestions(i).score());
    EXPECT_EQ(lean.suggestions(i).barriers_size(), 0);
  }
}

TEST_F(PipelineTest, FreeTextQueryFindsMiningCapabilities) {
  v1::RecommendRequest request;
  request.set_text("copper ore flotation and reagent dosing at a concentrator");
  request.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
  request.set_k(3);
  v1::RecommendResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  ASSERT_GT(response.suggestions_size(), 0);
  EXPECT_EQ(response.suggestions(0).profiles(0).id(), "cap:demo-flotation-lab");
  // Nobody asked as an organization: trust and distance are unknown.
  const auto& trust = Barrier(response.suggestions(0), v1::BARRIER_CODE_TRUST);
  EXPECT_EQ(trust.severity(), v1::SEVERITY_UNKNOWN);
}

TEST_F(PipelineTest, TtoFindsTheFirmWithTheMatchingNeed) {
  v1::RecommendRequest request;
  request.set_capability_id("cap:demo-flotation-lab");
  request.set_k(5);
  v1::RecommendResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  ASSERT_GT(response.suggestions_size(), 0);
  EXPECT_EQ(response.suggestions(0).organization().id(), "org:tokyrau-copper");
  for (const auto& s : response.suggestions()) {
    EXPECT_EQ(s.organization().kind(), v1::ORGANIZATION_KIND_FIRM);
    EXPECT_NE(s.organization().id(), "org:saryarka-tu");
  }
}

TEST_F(PipelineTest, EarlierTiesLowerTrustSeverity) {
  const auto with_ties =
      Explain("need:demo-flotation", "cap:demo-flotation-lab");
  const auto strangers = Explain("need:demo-flotation", "cap:altai-hydromet");
  const auto& a = Barrier(with_ties.suggestion(), v1::BARRIER_CODE_TRUST);
  const auto& b = Barrier(strangers.suggestion(), v1::BARRIER_CODE_TRUST);
  EXPECT_LT(a.severity(), b.severity());
  EXPECT_EQ(b.severity(), v1::SEVERITY_HIGH);
  EXPECT_GT(with_ties.suggestion().trust_evidence_size(), 1);
  EXPECT_EQ(strangers.suggestion().trust_evidence_size(), 0);
  EXPECT_GT(with_ties.suggestion().breakdown().trust(),
            strangers.suggestion().breakdown().trust());
  // Capacity cites the matching profiles; trust the earlier joint work.
  const auto& capacity =
      Barrier(with_ties.suggestion(), v1::BARRIER_CODE_RESEARCH_CAPACITY);
  EXPECT_TRUE(std::any_of(
      capacity.evidence().begin(), capacity.evidence().end(),
      [](const v1::Evidence& e) {
        return e.signal() == "matching_profile" &&
               e.value().find("Flotation process control") != std::string::npos;
      }));
  EXPECT_NE(with_ties.suggestion().trust_evidence(0).find("consultancy"),
            std::string::npos);
  // Trust covers earlier rungs, so the pair with ties starts higher.
  EXPECT_GT(with_ties.suggestion().ladder().recommended_rung(),
            strangers.suggestion().ladder().recommended_rung());
}

TEST_F(PipelineTest, UnknownSignalsComeBackUnknown) {
  // Neither organization has any signals in the demo data.
  const auto r = Explain("need:aksu-gold-tailings", "cap:radeco-monitoring");
  for (auto code : {v1::BARRIER_CODE_ORG_SUPPORT, v1::BARRIER_CODE_RESOURCES,
                    v1::BARRIER_CODE_FACULTY_TIME}) {
    const auto& b = Barrier(r.suggestion(), code);
    EXPECT_EQ(b.severity(), v1::SEVERITY_UNKNOWN) << v1::BarrierCode_Name(code);
    EXPECT_EQ(b.confidence(), 0.0) << v1::BarrierCode_Name(code);
    EXPECT_EQ(b.evidence_size(), 0) << v1::BarrierCode_Name(code);
    EXPECT_FALSE(b.mitigation().empty());
  }
  EXPECT_EQ(r.suggestion().breakdown().capacity(), 0.0);
  const auto& unknown = r.suggestion().breakdown().unknown_features();
  EXPECT_NE(std::find(unknown.begin(), unknown.end(), "capacity"),
            unknown.end());
}

// ------------------------------------------------------------ bad input

TEST_F(PipelineTest, BadRecommendRequestsGetPreciseErrors) {
  struct Case {
    std::function<void(v1::RecommendRequest*)> edit;
    grpc::StatusCode code;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {[](auto* r) { r->set_k(0); }, grpc::INVALID_ARGUMENT, "k: 0"},
      {[](auto* r) { r->set_k(101); }, grpc::INVALID_ARGUMENT, "1..100"},
      {[](auto* r) {
         r->set_text("   ");
         r->set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
       },
       grpc::INVALID_ARGUMENT, "text: is empty"},
      {[](auto* r) {
         r->set_text(std::string(4097, 'a'));
         r->set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
       },
       grpc::INVALID_ARGUMENT, "limit is 4096"},
      {[](auto* r) { r->set_text("flotation"); }, grpc::INVALID_ARGUMENT,
       "direction"},
      {[](auto* r) { r->set_need_id("need:nope"); }, grpc::NOT_FOUND,
       "need:nope"},
      {[](auto* r) { r->set_need_id("bad id!"); }, grpc::INVALID_ARGUMENT,
       "need_id"},
      {[](auto* r) { r->mutable_filter()->add_countries("kz"); },
       grpc::INVALID_ARGUMENT, "filter.countries[0]"},
      {[](auto* r) { r->mutable_filter()->set_trl(12); },
       grpc::INVALID_ARGUMENT, "filter.trl"},
      {[](auto* r) { r->set_profiles_per_organization(11); },
       grpc::INVALID_ARGUMENT, "profiles_per_organization"},
  };
  for (const auto& c : cases) {
    v1::RecommendRequest request;
    request.set_need_id("need:demo-flotation");
    request.set_k(5);
    c.edit(&request);
    v1::RecommendResponse response;
    const auto status = Recommend(request, &response);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_NE(status.error_message().find(c.mentions), std::string::npos)
        << "'" << status.error_message() << "' should mention '" << c.mentions
        << "'";
  }
}

TEST_F(PipelineTest, BadWritesAreRejectedAndLeaveTheStoreUnchanged) {
  const auto before = Stats();
  const auto upsert = [](const v1::Record& record) {
    grpc::ClientContext context;
    v1::UpsertRequest request;
    *request.mutable_record() = record;
    v1::UpsertResponse response;
    return stub_->Upsert(&context, request, &response);
  };
  v1::Record missing_name;
  *missing_name.mutable_organization() =
      testing::MakeOrganization("org:new", v1::ORGANIZATION_KIND_FIRM);
  missing_name.mutable_organization()->clear_name();
  auto status = upsert(missing_name);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("organization.name"),
            std::string::npos);

  v1::Record unknown_enum;
  *unknown_enum.mutable_organization() =
      testing::MakeOrganization("org:new", v1::ORGANIZATION_KIND_FIRM);
  unknown_enum.mutable_organization()->set_kind(
      static_cast<v1::OrganizationKind>(99));
  status = upsert(unknown_enum);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("organization.kind"),
            std::string::npos);

  v1::Record long_title;
  *long_title.mutable_capability() = testing::MakeCapability(
      "cap:new", "org:saryarka-tu", std::string(2000, 'x'));
  status = upsert(long_title);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("capability.title"), std::string::npos);
  EXPECT_NE(status.error_message().find("1024"), std::string::npos);

  v1::Record orphan;
  *orphan.mutable_need() =
      testing::MakeNeed("need:new", "org:missing", "copper flotation");
  status = upsert(orphan);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("org:missing"), std::string::npos);

  status = upsert(v1::Record());
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);

  // Duplicate ids in one batch: nothing of the batch is written.
  {
    grpc::ClientContext context;
    v1::BatchUpsertRequest request;
    *request.add_records()->mutable_organization() =
        testing::MakeOrganization("org:dup", v1::ORGANIZATION_KIND_FIRM);
    *request.add_records()->mutable_organization() =
        testing::MakeOrganization("org:other", v1::ORGANIZATION_KIND_FIRM);
    *request.add_records()->mutable_organization() =
        testing::MakeOrganization("org:dup", v1::ORGANIZATION_KIND_FIRM);
    v1::BatchUpsertResponse response;
    status = stub_->BatchUpsert(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("records[2]"), std::string::npos);
    EXPECT_NE(status.error_message().find("org:dup"), std::string::npos);
  }
  // Unknown ids.
  {
    grpc::ClientContext context;
    v1::DeleteRequest request;
    request.set_kind(v1::RECORD_KIND_CAPABILITY);
    request.set_id("cap:nope");
    v1::DeleteResponse response;
    status = stub_->Delete(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    v1::GetRequest request;
    request.set_kind(v1::RECORD_KIND_NEED);
    request.set_id("need:nope");
    v1::Record response;
    status = stub_->Get(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
    EXPECT_NE(status.error_message().find("need:nope"), std::string::npos);
  }
  {
    grpc::ClientContext context;
    v1::ExplainRequest request;
    request.set_need_id("need:demo-flotation");
    request.set_capability_id("cap:nope");
    v1::ExplainResponse response;
    status = stub_->Explain(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  }
  // A message above the size limit is refused by the transport.
  {
    grpc::ClientContext context;
    v1::UpsertRequest request;
    *request.mutable_record()->mutable_capability() =
        testing::MakeCapability("cap:huge", "org:saryarka-tu", "huge");
    request.mutable_record()->mutable_capability()->set_description(
        std::string(kMaxMessageBytes + 1, 'a'));
    v1::UpsertResponse response;
    status = stub_->Upsert(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::RESOURCE_EXHAUSTED);
  }
  ExpectUnchanged(before);
}

TEST_F(PipelineTest, IngestKeepsGoodRecordsAndReportsBadOnes) {
  grpc::ClientContext context;
  v1::IngestResponse response;
  auto writer = stub_->Ingest(&context, &response);
  v1::IngestRequest request;
  *request.mutable_record()->mutable_organization() =
      testing::MakeOrganization("org:ingest-firm", v1::ORGANIZATION_KIND_FIRM);
  ASSERT_TRUE(writer->Write(request));
  request.Clear();
  *request.mutable_record()->mutable_need() = testing::MakeNeed(
      "need:ingest-1", "org:ingest-firm", "gold recovery from tailings");
  ASSERT_TRUE(writer->Write(request));
  request.Clear();
  *request.mutable_record()->mutable_need() =
      testing::MakeNeed("need:ingest-2", "org:ingest-firm", "");  // no title
  ASSERT_TRUE(writer->Write(request));
  request.Clear();
  *request.mutable_record()->mutable_need() = testing::MakeNeed(
      "need:ingest-1", "org:ingest-firm", "duplicate in the stream");
  ASSERT_TRUE(writer->Write(request));
  writer->WritesDone();
  const auto status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), 2);
  ASSERT_EQ(response.rejected_size(), 2);
  EXPECT_EQ(response.rejected(0).position(), 2);
  EXPECT_NE(response.rejected(0).message().find("need.title"),
            std::string::npos);
  EXPECT_EQ(response.rejected(1).position(), 3);
  EXPECT_NE(response.rejected(1).message().find("duplicate"),
            std::string::npos);

  grpc::ClientContext get_context;
  v1::GetRequest get;
  get.set_kind(v1::RECORD_KIND_NEED);
  get.set_id("need:ingest-1");
  v1::Record record;
  ASSERT_TRUE(stub_->Get(&get_context, get, &record).ok());
  EXPECT_EQ(record.need().title(), "gold recovery from tailings");
}

TEST_F(PipelineTest, ImporterRejectsBadLinesAndKeepsTheRest) {
  TempDir dir;
  const std::string file = dir.path() + "/bad.jsonl";
  {
    std::ofstream out(file);
    out << R"({"organization": {"id": "org:a", "kind": "ORGANIZATION_KIND_FIRM", "name": "A", "country": "KZ"}})"
        << "\n"
        << R"({"organization": {"id": "org:b", "kind": )"
        << "\n"
        << R"({"organization": {"id": "org:c", "kind": "ORGANIZATION_KIND_MOON", "name": "C", "country": "KZ"}})"
        << "\n"
        << R"({"need": {"id": "need:a", "organization_id": "org:a"}})"
        << "\n"
        << R"({"need": {"id": "need:b", "organization_id": "org:a", "title": "copper"}})"
        << "\n";
  }
  DataDir data{dir.path() + "/db"};
  std::filesystem::create_directories(data.root);
  auto store = RecordStore::Open(data.StorePath());
  ASSERT_TRUE(store.ok());
  CorpusImporter importer(store->get(), &data, *vectors_);
  ASSERT_TRUE(importer.AddJsonlFile(file).ok());
  auto report = importer.Commit();
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->accepted, 2);
  ASSERT_EQ(report->rejected.size(), 3u);
  EXPECT_EQ(report->rejected[0].line, 2);
  EXPECT_NE(report->rejected[0].reason.find("malformed"), std::string::npos);
  EXPECT_EQ(report->rejected[1].line, 3);
  EXPECT_NE(report->rejected[1].reason.find("kind"), std::string::npos);
  EXPECT_EQ(report->rejected[2].line, 4);
  EXPECT_NE(report->rejected[2].reason.find("need.title"), std::string::npos);
  EXPECT_TRUE((*store)->GetNeed("need:b").ok());
  EXPECT_FALSE((*store)->GetNeed("need:a").ok());
}

TEST_F(PipelineTest, RestartServesTheSameAnswers) {
  v1::RecommendRequest request;
  request.set_need_id("need:demo-flotation");
  request.set_k(10);
  v1::RecommendResponse before;
  ASSERT_TRUE(Recommend(request, &before).ok());
  StopServer();
  StartServer();
  v1::RecommendResponse after;
  ASSERT_TRUE(Recommend(request, &after).ok());
  ASSERT_EQ(before.suggestions_size(), after.suggestions_size());
  for (int i = 0; i < before.suggestions_size(); ++i) {
    EXPECT_EQ(before.suggestions(i).organization().id(),
              after.suggestions(i).organization().id());
    EXPECT_NEAR(before.suggestions(i).score(), after.suggestions(i).score(),
                1e-9);
  }
}

}  // namespace
}  // namespace helixmatch
