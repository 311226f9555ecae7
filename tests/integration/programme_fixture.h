// The fixture of the programme-side tests over gRPC (programme_test.cc,
// outcome_loop_test.cc): the demo data imported with the real GloVe
// vectors, the demo programmes' rules, and a real server on port 0 with a
// tokens file, so every call carries a role.
#ifndef HELIXMATCH_TESTS_INTEGRATION_PROGRAMME_FIXTURE_H_
#define HELIXMATCH_TESTS_INTEGRATION_PROGRAMME_FIXTURE_H_

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/engine/matching_engine.h"
#include "services/server/match_service.h"
#include "services/server/principals.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch::testing {

inline constexpr char kOperator[] = "operator-token-0123456789";
inline constexpr char kProgramme[] = "programme-token-0123456789";
inline constexpr char kSaryarka[] = "saryarka-token-0123456789";
inline constexpr char kAltai[] = "altai-token-0123456789abc";
inline constexpr char kTokyrau[] = "tokyrau-token-0123456789ab";

class ProgrammeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto vectors = WordVectors::Load(GloveFile());
    ASSERT_TRUE(vectors.ok())
        << vectors.status().message()
        << " (scripts/test.sh runs scripts/fetch-word-vectors.sh first)";
    dir_ = new TempDir();
    auto imported = testing::ImportDemo(dir_->path(), *vectors);
    ASSERT_TRUE(imported.ok()) << imported.message();
    auto principals = PrincipalTable::Parse(
        absl::StrCat(kOperator, " operator\n", kProgramme,
                     " programme org:prog-applied-research\n", kSaryarka,
                     " organization org:saryarka-tu\n", kAltai,
                     " organization org:altai-mmu\n", kTokyrau,
                     " organization org:tokyrau-copper\n"),
        "test principals");
    ASSERT_TRUE(principals.ok()) << principals.status().message();
    principals_ = new ReloadablePrincipals(std::move(*principals));
    EngineOptions options;
    options.data_dir = dir_->path();
    options.word_vectors = *vectors;
    options.reference_year = 2025;
    options.programmes_path = DemoFile("programmes");
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_ = engine->release();
    MatchServerOptions server_options;
    server_options.api.principals = principals_;
    auto server =
        MatchServer::Start(engine_, "127.0.0.1:0", std::move(server_options));
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = server->release();
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials()));
    stub_ = v1::MatchService::NewStub(*channel_).release();
    proposals_ = new std::map<std::string, v1::Proposal>();
    std::ifstream in(DemoFile("proposals/2025-batch.jsonl"));
    std::string line;
    while (std::getline(in, line)) {
      v1::Proposal p;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &p).ok())
          << line;
      (*proposals_)[p.id()] = p;
    }
    ASSERT_GE(proposals_->size(), 10u);
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete channel_;
    delete server_;
    delete engine_;
    delete principals_;
    delete proposals_;
    delete dir_;
  }

  // A client context carrying `token` (none when empty).
  static std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) {
      context->AddMetadata("authorization", "Bearer " + token);
    }
    return context;
  }

  static const v1::Proposal& Proposal(const std::string& id) {
    return proposals_->at(id);
  }

  static absl::StatusOr<v1::ScreeningReport> Screen(const v1::Proposal& p,
                                                    const std::string& token) {
    v1::ScreenProposalRequest request;
    *request.mutable_proposal() = p;
    v1::ScreeningReport report;
    const auto status =
        stub_->ScreenProposal(As(token).get(), request, &report);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return report;
  }

  static const v1::BarrierAssessment& Barrier(
      const google::protobuf::RepeatedPtrField<v1::BarrierAssessment>& all,
      v1::BarrierCode code) {
    for (const auto& b : all) {
      if (b.code() == code) return b;
    }
    ADD_FAILURE() << "no assessment for " << v1::BarrierCode_Name(code);
    return all.Get(0);
  }

  static bool HasWarning(const v1::ScreeningReport& r, v1::WarningCode code) {
    for (const auto& w : r.warnings()) {
      if (w.code() == code) return true;
    }
    return false;
  }

  static v1::ExplainResponse Explain(const std::string& need,
                                     const std::string& capability) {
    v1::ExplainRequest request;
    request.set_need_id(need);
    request.set_capability_id(capability);
    v1::ExplainResponse response;
    const auto status = stub_->Explain(As(kOperator).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Score of `organization` among the suggestions for `need` (-1: absent).
  static double ScoreOf(const std::string& need,
                        const std::string& organization) {
    v1::RecommendRequest request;
    request.set_need_id(need);
    request.set_k(100);
    request.set_omit_explanations(true);
    v1::RecommendResponse response;
    const auto status =
        stub_->Recommend(As(kOperator).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const auto& s : response.suggestions()) {
      if (s.organization().id() == organization) return s.score();
    }
    return -1;
  }

  static TempDir* dir_;
  static ReloadablePrincipals* principals_;
  static MatchingEngine* engine_;
  static MatchServer* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  static v1::MatchService::Stub* stub_;
  static std::map<std::string, v1::Proposal>* proposals_;
};

inline TempDir* ProgrammeTest::dir_ = nullptr;
inline ReloadablePrincipals* ProgrammeTest::principals_ = nullptr;
inline MatchingEngine* ProgrammeTest::engine_ = nullptr;
inline MatchServer* ProgrammeTest::server_ = nullptr;
inline std::shared_ptr<grpc::Channel>* ProgrammeTest::channel_ = nullptr;
inline v1::MatchService::Stub* ProgrammeTest::stub_ = nullptr;
inline std::map<std::string, v1::Proposal>* ProgrammeTest::proposals_ = nullptr;

}  // namespace helixmatch::testing

#endif  // HELIXMATCH_TESTS_INTEGRATION_PROGRAMME_FIXTURE_H_
