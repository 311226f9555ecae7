// The fixture of the visibility tests (visibility_test.cc,
// visibility_programme_test.cc, docs/security.md): the demo data, imported
// with the real GloVe vectors, plus two hidden needs of one firm
// (org:tokyrau-copper) that hold words no other record holds, and
// outcomes between two organizations, served by a real server on port 0
// with a tokens file. Every call names its caller; the checks compare what
// a caller may not see with what a missing record answers, and look for
// the hidden ids, titles, words and owner in whole responses.
#ifndef HELIXMATCH_TESTS_INTEGRATION_VISIBILITY_FIXTURE_H_
#define HELIXMATCH_TESTS_INTEGRATION_VISIBILITY_FIXTURE_H_

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/engine/matching_engine.h"
#include "services/server/match_service.h"
#include "services/server/principals.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch::testing {

// The firm that owns the hidden needs, and its callers.
inline constexpr char kOwnerFirm[] = "org:tokyrau-copper";
inline constexpr char kPrivateNeed[] = "need:hidden-private";
inline constexpr char kProgrammeNeed[] = "need:hidden-programme";
// Words only the hidden needs hold (neither GloVe nor the demo knows them).
inline constexpr char kPrivateWord[] = "zorblaxite";
inline constexpr char kProgrammeWord[] = "quendrilium";
// A decline between two organizations (org:altai-mmu offered, the firm
// declined), with a note only the two parties may read.
inline constexpr char kDecline[] = "outcome-hidden-decline";
inline constexpr char kDeclineNote[] = "board vetoed the budget line";

struct Caller {
  const char* name;
  const char* token;
};
inline constexpr Caller kOperatorCaller = {"operator",
                                           "visibility-operator-0123456789"};
inline constexpr Caller kOwner = {"owner org:tokyrau-copper",
                                  "visibility-owner-0123456789"};
inline constexpr Caller kOtherOrganization = {
    "other organization org:saryarka-tu", "visibility-other-0123456789"};
inline constexpr Caller kProgrammeCaller = {
    "programme org:prog-applied-research", "visibility-programme-0123456789"};
inline constexpr Caller kAltai = {"party org:altai-mmu",
                                  "visibility-altai-0123456789"};

class VisibilityFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto vectors = WordVectors::Load(GloveFile());
    ASSERT_TRUE(vectors.ok())
        << vectors.status().message()
        << " (scripts/test.sh runs scripts/fetch-word-vectors.sh first)";
    dir_ = new TempDir();
    auto imported = ImportDemo(dir_->path(), *vectors);
    ASSERT_TRUE(imported.ok()) << imported.message();
    EngineOptions options;
    options.data_dir = dir_->path();
    options.word_vectors = *vectors;
    options.reference_year = 2025;
    options.programmes_path = DemoFile("programmes");
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_ = engine->release();
    for (const v1::Record& r : HiddenRecords()) {
      auto written = engine_->Upsert(r);
      ASSERT_TRUE(written.ok()) << written.status() << r.DebugString();
    }
    auto table = PrincipalTable::Parse(
        absl::StrCat(kOperatorCaller.token, " operator\n", kOwner.token,
                     " organization ", kOwnerFirm, "\n",
                     kOtherOrganization.token,
                     " organization org:saryarka-tu\n", kProgrammeCaller.token,
                     " programme org:prog-applied-research\n", kAltai.token,
                     " organization org:altai-mmu\n"),
        "visibility tokens");
    ASSERT_TRUE(table.ok()) << table.status();
    principals_ = new ReloadablePrincipals(std::move(*table));
    MatchServerOptions server_options;
    server_options.api.principals = principals_;
    auto server =
        MatchServer::Start(engine_, "127.0.0.1:0", std::move(server_options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    stub_ = v1::MatchService::NewStub(
                grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                    grpc::InsecureChannelCredentials()))
                .release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete server_;
    delete engine_;
    delete principals_;
    delete dir_;
  }

  static v1::Record HiddenNeed(const std::string& id, v1::Visibility visibility,
                               const std::string& word, v1::Channel channel) {
    v1::FirmNeed need = MakeNeed(
        id, kOwnerFirm,
        absl::StrCat(word, " recovery from copper smelter dust by leaching"));
    need.set_description(
        absl::StrCat("Our copper smelter collects flue dust rich in ", word,
                     "; we want a leaching route that recovers copper and ",
                     word, " from it."));
    need.add_keywords(word);
    need.add_keywords("smelter dust");
    need.add_channels_wanted(channel);
    need.set_visibility(visibility);
    v1::Record r;
    *r.mutable_need() = need;
    return r;
  }

  static std::vector<v1::Record> HiddenRecords() {
    std::vector<v1::Record> records = {
        HiddenNeed(kPrivateNeed, v1::VISIBILITY_PRIVATE, kPrivateWord,
                   v1::CHANNEL_JOINT_LAB),
        HiddenNeed(kProgrammeNeed, v1::VISIBILITY_PROGRAMME_ONLY,
                   kProgrammeWord, v1::CHANNEL_JOINT_RESEARCH)};
    v1::Record decline;
    v1::Outcome* o = decline.mutable_outcome();
    o->set_id(kDecline);
    o->set_offered_by("org:altai-mmu");
    o->set_offered_to(kOwnerFirm);
    o->set_kind(v1::OUTCOME_KIND_DECLINED);
    o->set_decline_reason(v1::DECLINE_REASON_NO_BUDGET);
    o->set_year(2025);
    o->set_note(kDeclineNote);
    records.push_back(decline);
    return records;
  }

  static std::unique_ptr<grpc::ClientContext> As(const Caller& caller) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", caller.token));
    return context;
  }

  // The whole message as text, to look for what must not be in it.
  static std::string Text(const google::protobuf::Message& m) {
    std::string text;
    google::protobuf::TextFormat::PrintToString(m, &text);
    return text;
  }

  // What must never show to a caller that may not see `need`: its id, its
  // word (and so its title and text) and its owner's id when the owner
  // is not otherwise in the answer is checked by the callers themselves.
  static void ExpectNoTraceOf(const std::string& text, const std::string& id,
                              const std::string& word) {
    EXPECT_EQ(text.find(id), std::string::npos) << text;
    EXPECT_EQ(text.find(word), std::string::npos) << text;
  }

  // Whether `hidden` answers as a missing id does: the same code, and the
  // same message once the ids are swapped.
  static void ExpectAnswersLikeMissing(const grpc::Status& hidden,
                                       const std::string& hidden_id,
                                       const grpc::Status& missing,
                                       const std::string& missing_id) {
    EXPECT_EQ(hidden.error_code(), missing.error_code());
    EXPECT_NE(hidden.error_code(), grpc::StatusCode::OK);
    EXPECT_EQ(
        absl::StrReplaceAll(hidden.error_message(), {{hidden_id, "ID"}}),
        absl::StrReplaceAll(missing.error_message(), {{missing_id, "ID"}}));
    EXPECT_EQ(hidden.error_message().find(kOwnerFirm), std::string::npos)
        << hidden.error_message();
  }

  static TempDir* dir_;
  static MatchingEngine* engine_;
  static ReloadablePrincipals* principals_;
  static MatchServer* server_;
  static v1::MatchService::Stub* stub_;
};

inline TempDir* VisibilityFixture::dir_ = nullptr;
inline MatchingEngine* VisibilityFixture::engine_ = nullptr;
inline ReloadablePrincipals* VisibilityFixture::principals_ = nullptr;
inline MatchServer* VisibilityFixture::server_ = nullptr;
inline v1::MatchService::Stub* VisibilityFixture::stub_ = nullptr;

}  // namespace helixmatch::testing

#endif  // HELIXMATCH_TESTS_INTEGRATION_VISIBILITY_FIXTURE_H_
