// The audit trail over gRPC (docs/security.md, "Audit log"): every write
// and every refused call of every method is one JSON line with who, what
// and the status, reads that succeed are not logged, and no line holds
// record text or a token. A real server on port 0 over a real engine.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "services/server/match_service.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch::testing {
namespace {

constexpr char kOperatorToken[] = "audit-operator-0123456789";
constexpr char kFirmToken[] = "audit-firm-token-0123456789";
constexpr char kSecretText[] = "confidential-flotation-notes";

class AuditTest : public MatchingEngineTest {
 protected:
  void SetUp() override {
    MatchingEngineTest::SetUp();
    LoadCorpus();
    auto table = PrincipalTable::Parse(
        absl::StrCat(kOperatorToken, " operator\n", kFirmToken,
                     " organization f_mining\n"),
        "audit tokens");
    ASSERT_TRUE(table.ok()) << table.status();
    principals_ = std::make_unique<ReloadablePrincipals>(std::move(*table));
    auto log = AuditLog::Open(log_path_);
    ASSERT_TRUE(log.ok()) << log.status();
    audit_ = std::move(*log);
    MatchServerOptions options;
    options.api.principals = principals_.get();
    options.api.audit = audit_.get();
    options.api.backup_root = dir_.path() + "/backups";
    std::filesystem::create_directories(options.api.backup_root);
    auto server =
        MatchServer::Start(engine_.get(), "127.0.0.1:0", std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = v1::MatchService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    stub_.reset();
    server_.reset();
  }

  static std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto c = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) {
      c->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
    return c;
  }

  std::vector<google::protobuf::Struct> Lines() const {
    std::ifstream in(log_path_);
    std::vector<google::protobuf::Struct> lines;
    for (std::string line; std::getline(in, line);) {
      EXPECT_EQ(line.find(kSecretText), std::string::npos) << line;
      EXPECT_EQ(line.find(kFirmToken), std::string::npos) << line;
      google::protobuf::Struct s;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &s).ok())
          << line;
      lines.push_back(s);
    }
    return lines;
  }

  static std::string Field(const google::protobuf::Struct& s,
                           const std::string& key) {
    const auto it = s.fields().find(key);
    return it == s.fields().end() ? "" : it->second.string_value();
  }
  static std::vector<std::string> Records(const google::protobuf::Struct& s) {
    std::vector<std::string> ids;
    for (const auto& v : s.fields().at("records").list_value().values()) {
      ids.push_back(v.string_value());
    }
    return ids;
  }

  v1::Record SecretNeed(const std::string& id, const std::string& owner) {
    v1::FirmNeed need = MakeNeed(id, owner, "Flotation reagent trial");
    need.set_description(kSecretText);
    return Rec(need);
  }

  std::string log_path_ = dir_.path() + "/audit.jsonl";
  std::unique_ptr<ReloadablePrincipals> principals_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<MatchServer> server_;
  std::unique_ptr<v1::MatchService::Stub> stub_;
};

TEST_F(AuditTest, WritesAndRefusalsAreLoggedSuccessfulReadsAreNot) {
  v1::UpsertRequest upsert;
  *upsert.mutable_record() = SecretNeed("need_new", "f_mining");
  v1::UpsertResponse upserted;
  ASSERT_TRUE(stub_->Upsert(As(kFirmToken).get(), upsert, &upserted).ok());
  *upsert.mutable_record() = SecretNeed("need_other", "f_oil");
  EXPECT_EQ(stub_->Upsert(As(kFirmToken).get(), upsert, &upserted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetRequest get;
  get.set_kind(v1::RECORD_KIND_NEED);
  get.set_id("need_new");
  v1::Record record;
  ASSERT_TRUE(stub_->Get(As(kFirmToken).get(), get, &record).ok());
  EXPECT_EQ(stub_->Get(As("").get(), get, &record).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::DeclineReasonsRequest declines;
  declines.set_organization_id("f_oil");
  v1::DeclineReasonsResponse declined;
  EXPECT_EQ(stub_->DeclineReasons(As(kFirmToken).get(), declines, &declined)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  const auto lines = Lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(Field(lines[0], "rpc"), "Upsert");
  EXPECT_EQ(Field(lines[0], "status"), "OK");
  EXPECT_EQ(Field(lines[0], "role"), "organization");
  EXPECT_EQ(Field(lines[0], "organization"), "f_mining");
  EXPECT_EQ(Field(lines[0], "principal"), TokenId(DigestToken(kFirmToken)));
  EXPECT_EQ(Records(lines[0]), std::vector<std::string>{"need/need_new"});
  EXPECT_EQ(Field(lines[1], "status"), "PERMISSION_DENIED");
  EXPECT_EQ(Records(lines[1]), std::vector<std::string>{"need/need_other"});
  EXPECT_EQ(Field(lines[2], "rpc"), "Get");
  EXPECT_EQ(Field(lines[2], "principal"), "unauthenticated");
  EXPECT_EQ(Field(lines[2], "status"), "UNAUTHENTICATED");
  EXPECT_EQ(Field(lines[3], "rpc"), "DeclineReasons");
  EXPECT_EQ(Field(lines[3], "status"), "PERMISSION_DENIED");
}

TEST_F(AuditTest, EveryWriteMethodIsLogged) {
  v1::BatchUpsertRequest batch;
  *batch.add_records() = SecretNeed("need_b1", "f_mining");
  *batch.add_records() = SecretNeed("need_b2", "f_mining");
  v1::BatchUpsertResponse batched;
  ASSERT_TRUE(stub_->BatchUpsert(As(kFirmToken).get(), batch, &batched).ok());
  {
    auto context = As(kFirmToken);
    v1::IngestResponse ingested;
    auto writer = stub_->Ingest(context.get(), &ingested);
    v1::IngestRequest r;
    *r.mutable_record() = SecretNeed("need_i1", "f_mining");
    ASSERT_TRUE(writer->Write(r));
    *r.mutable_record() = SecretNeed("need_i2", "f_oil");  // refused
    ASSERT_TRUE(writer->Write(r));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(ingested.accepted(), 1);
  }
  v1::DeleteRequest remove;
  remove.set_kind(v1::RECORD_KIND_NEED);
  remove.set_id("need_b2");
  v1::DeleteResponse removed;
  ASSERT_TRUE(stub_->Delete(As(kFirmToken).get(), remove, &removed).ok());
  v1::RecordOutcomeRequest outcome;
  auto* o = outcome.mutable_outcome();
  o->set_id("o-audit");
  o->set_offered_by("u_mining");
  o->set_offered_to("f_mining");
  o->set_kind(v1::OUTCOME_KIND_MEETING_HELD);
  o->set_year(2025);
  o->set_note(kSecretText);
  v1::RecordOutcomeResponse recorded;
  ASSERT_TRUE(
      stub_->RecordOutcome(As(kFirmToken).get(), outcome, &recorded).ok());
  v1::ConfirmOutcomeRequest confirm;
  confirm.set_outcome_id("o-audit");
  EXPECT_EQ(stub_->ConfirmOutcome(As(kFirmToken).get(), confirm, &recorded)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(
      stub_->ConfirmOutcome(As(kOperatorToken).get(), confirm, &recorded).ok());
  v1::BackupRequest backup;
  backup.set_folder("b1");
  v1::BackupResponse backed_up;
  ASSERT_TRUE(stub_->Backup(As(kOperatorToken).get(), backup, &backed_up).ok());
  backup.set_folder("/etc/helixmatch-b2");
  EXPECT_EQ(
      stub_->Backup(As(kOperatorToken).get(), backup, &backed_up).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);

  const auto lines = Lines();
  std::vector<std::string> seen;
  for (const auto& l : lines) {
    seen.push_back(absl::StrCat(Field(l, "rpc"), " ", Field(l, "status")));
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{
                "BatchUpsert OK", "Ingest PERMISSION_DENIED", "Delete OK",
                "RecordOutcome OK", "ConfirmOutcome FAILED_PRECONDITION",
                "ConfirmOutcome OK", "Backup OK", "Backup INVALID_ARGUMENT"}));
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(Records(lines[0]),
            (std::vector<std::string>{"need/need_b1", "need/need_b2"}));
  EXPECT_EQ(Records(lines[1]),
            (std::vector<std::string>{"need/need_i1", "need/need_i2"}));
  EXPECT_EQ(Records(lines[4]), std::vector<std::string>{"outcome/o-audit"});
  EXPECT_EQ(Field(lines[5], "role"), "operator");
  EXPECT_EQ(Field(lines[6], "folder"), dir_.path() + "/backups/b1");
}

}  // namespace
}  // namespace helixmatch::testing
