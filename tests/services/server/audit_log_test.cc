// The audit trail (services/server/audit_log): the JSON line of an entry
// and the file it is appended to. What MatchApi records for each call is
// tests/services/server/match_api_audit_test.cc.
#include "services/server/audit_log.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

// The line parsed as JSON (a failed parse fails the test).
google::protobuf::Struct Parse(const std::string& line) {
  google::protobuf::Struct s;
  const auto status = google::protobuf::util::JsonStringToMessage(line, &s);
  EXPECT_TRUE(status.ok()) << status << ": " << line;
  return s;
}

std::string Field(const google::protobuf::Struct& s, const std::string& k) {
  const auto it = s.fields().find(k);
  return it == s.fields().end() ? "<absent>" : it->second.string_value();
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(AuditLineTest, NamesCallerRpcRecordsAndStatus) {
  Principal p{Role::kOrganization, "org:x", "sha256:0123456789ab"};
  AuditEntry e;
  e.principal = &p;
  e.rpc = "Upsert";
  e.records = {"need/need:x"};
  e.status = absl::StatusCode::kPermissionDenied;
  const std::string line =
      AuditLine(e, absl::FromUnixMillis(1746093600123));  // 2025-05-01
  EXPECT_EQ(line,
            "{\"time\":\"2025-05-01T10:00:00.123Z\",\"principal\":"
            "\"sha256:0123456789ab\",\"role\":\"organization\","
            "\"organization\":\"org:x\",\"rpc\":\"Upsert\",\"records\":"
            "[\"need/need:x\"],\"status\":\"PERMISSION_DENIED\"}");
  EXPECT_EQ(Field(Parse(line), "rpc"), "Upsert");
}

TEST(AuditLineTest, UnauthenticatedAnonymousAndBackupFolder) {
  AuditEntry e;
  e.rpc = "Get";
  e.status = absl::StatusCode::kUnauthenticated;
  auto j = Parse(AuditLine(e, absl::UnixEpoch()));
  EXPECT_EQ(Field(j, "principal"), "unauthenticated");
  EXPECT_EQ(Field(j, "role"), "<absent>");
  Principal op{Role::kOperator, "", ""};
  e.principal = &op;
  e.anonymous = true;
  e.rpc = "Backup";
  e.folder = "/backups/b\"1\n";
  e.status = absl::StatusCode::kOk;
  j = Parse(AuditLine(e, absl::UnixEpoch()));
  EXPECT_EQ(Field(j, "principal"), "anonymous");
  EXPECT_EQ(Field(j, "role"), "operator");
  EXPECT_EQ(Field(j, "organization"), "<absent>");
  EXPECT_EQ(Field(j, "folder"), "/backups/b\"1\n");  // escaped, read back
  EXPECT_EQ(Field(j, "status"), "OK");
}

TEST(AuditLineTest, OmittedRecordsAreCounted) {
  Principal op{Role::kOperator, "", "sha256:aaaaaaaaaaaa"};
  AuditEntry e;
  e.principal = &op;
  e.rpc = "Ingest";
  e.records = {"a/1"};
  e.records_omitted = 5;
  const auto j = Parse(AuditLine(e, absl::UnixEpoch()));
  EXPECT_EQ(j.fields().at("records_omitted").number_value(), 5);
  EXPECT_EQ(j.fields().at("records").list_value().values_size(), 1);
}

TEST(AuditLogTest, AppendsOneLinePerEntryToAFileOnlyItsOwnerReads) {
  TempDir dir;
  const std::string path = dir.path() + "/audit.jsonl";
  auto log = AuditLog::Open(path);
  ASSERT_TRUE(log.ok()) << log.status();
  AuditEntry e;
  e.rpc = "Delete";
  (*log)->Record(e);
  (*log)->Record(e);
  EXPECT_EQ(Lines(path).size(), 2u);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Reopen after a rotation starts a new file; the old one keeps its lines.
  std::filesystem::rename(path, path + ".1");
  ASSERT_TRUE((*log)->Reopen().ok());
  (*log)->Record(e);
  EXPECT_EQ(Lines(path).size(), 1u);
  EXPECT_EQ(Lines(path + ".1").size(), 2u);
}

TEST(AuditLogTest, UnopenablePathIsNamed) {
  TempDir dir;
  const auto s =
      AuditLog::Open(dir.path() + "/no/such/folder/a.jsonl").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(s.message()), HasSubstr("audit log '"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("/no/such/folder/a.jsonl"));
}

}  // namespace
}  // namespace helixmatch
