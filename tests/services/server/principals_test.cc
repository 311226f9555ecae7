// Tests of services/principals: the tokens file format and its errors, and
// what each role may write or delete (the autonomy guard).
#include "services/server/principals.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/server/token_digest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

namespace fs = std::filesystem;
using testing::DemoFile;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TempDir;

constexpr char kOperatorToken[] = "operator-token-0123456789";
constexpr char kUniversityToken[] = "university-token-0123456789";
constexpr char kProgrammeToken[] = "programme-token-0123456789";

absl::Status ParseError(const std::string& text) {
  return PrincipalTable::Parse(text, "tokens.txt").status();
}

// ------------------------------------------------------------ the format

TEST(PrincipalTableTest, ParsesEachRole) {
  auto table = PrincipalTable::Parse(
      absl::StrCat(kOperatorToken, " operator\n", kUniversityToken,
                   "\torganization\torg:saryarka-tu\n", kProgrammeToken,
                   "  programme  org:prog-applied-research\n"),
      "tokens.txt");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 3u);

  const Principal* op = table->Find(kOperatorToken);
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->role, Role::kOperator);
  EXPECT_EQ(op->organization_id, "");

  const Principal* university = table->Find(kUniversityToken);
  ASSERT_NE(university, nullptr);
  EXPECT_EQ(university->role, Role::kOrganization);
  EXPECT_EQ(university->organization_id, "org:saryarka-tu");

  const Principal* programme = table->Find(kProgrammeToken);
  ASSERT_NE(programme, nullptr);
  EXPECT_EQ(programme->role, Role::kProgramme);
  EXPECT_EQ(programme->organization_id, "org:prog-applied-research");

  EXPECT_EQ(table->Find("no-such-token-0123456789"), nullptr);
  EXPECT_EQ(table->Find(""), nullptr);
  // A prefix of a known token is not that token.
  EXPECT_EQ(table->Find("operator-token"), nullptr);
}

TEST(PrincipalTableTest, SkipsCommentsBlankLinesAndCarriageReturns) {
  auto table = PrincipalTable::Parse(
      absl::StrCat("# tokens of the demo\n\n   \n", kOperatorToken,
                   " operator   # the on-call operator\r\n", kUniversityToken,
                   " organization org:saryarka-tu#no space before it\r\n"),
      "tokens.txt");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 2u);
  ASSERT_NE(table->Find(kUniversityToken), nullptr);
  EXPECT_EQ(table->Find(kUniversityToken)->organization_id, "org:saryarka-tu");
}

TEST(PrincipalTableTest, RoleNamesIgnoreCase) {
  auto table = PrincipalTable::Parse(
      absl::StrCat(kOperatorToken, " Operator\n", kProgrammeToken,
                   " PROGRAMME org:prog-applied-research\n"),
      "tokens.txt");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->Find(kOperatorToken)->role, Role::kOperator);
  EXPECT_EQ(table->Find(kProgrammeToken)->role, Role::kProgramme);
}

TEST(PrincipalTableTest, TokenLengthLimitsAreInclusive) {
  const std::string shortest(16, 'a');
  const std::string longest(256, 'b');
  auto table = PrincipalTable::Parse(
      absl::StrCat(shortest, " operator\n", longest, " operator\n"), "t");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_NE(table->Find(shortest), nullptr);
  EXPECT_NE(table->Find(longest), nullptr);
  // Every character of [A-Za-z0-9._~+/=-] is allowed.
  EXPECT_TRUE(PrincipalTable::Parse("AZaz09._~+/=-xyzw operator\n", "t").ok());
}

TEST(PrincipalTableTest, ShortTokenNamesTheLineAndTheLimit) {
  const auto s = ParseError(
      absl::StrCat("# first line\n", std::string(15, 'a'), " operator\n"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "tokens.txt:2: token is 15 bytes; allowed 16..256");
}

TEST(PrincipalTableTest, LongTokenIsRefused) {
  const auto s = ParseError(std::string(257, 'a') + " operator\n");
  EXPECT_EQ(s.message(), "tokens.txt:1: token is 257 bytes; allowed 16..256");
}

TEST(PrincipalTableTest, TokenWithABadCharacterIsRefused) {
  const std::vector<std::string> tokens = {
      "operator-token-01234567\xc3\xa9", "operator-token:0123456789",
      "operator-token\"0123456789", "operator-token,0123456789"};
  for (const std::string& token : tokens) {
    const auto s = ParseError(token + " operator\n");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_EQ(s.message(),
              "tokens.txt:1: token has a character outside "
              "[A-Za-z0-9._~+/=-]")
        << token;
  }
}

TEST(PrincipalTableTest, MissingRoleIsRefused) {
  const auto s = ParseError(absl::StrCat(kOperatorToken, "\n"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              StartsWith("tokens.txt:1: role is missing"));
}

TEST(PrincipalTableTest, UnknownRoleIsNamed) {
  const auto s = ParseError(absl::StrCat(kOperatorToken, " admin\n"));
  EXPECT_EQ(s.message(),
            "tokens.txt:1: unknown role 'admin' (operator, organization, "
            "programme)");
}

TEST(PrincipalTableTest, OrganizationAndProgrammeNeedExactlyOneId) {
  for (const char* role : {"organization", "programme"}) {
    const auto missing = ParseError(absl::StrCat(kUniversityToken, " ", role));
    EXPECT_EQ(missing.message(),
              absl::StrCat("tokens.txt:1: role '", role,
                           "' needs exactly one organization id"));
    const auto extra =
        ParseError(absl::StrCat(kUniversityToken, " ", role, " org:a org:b\n"));
    EXPECT_EQ(extra.message(),
              absl::StrCat("tokens.txt:1: role '", role,
                           "' needs exactly one organization id"));
  }
}

TEST(PrincipalTableTest, OperatorTakesNoOrganizationId) {
  const auto s =
      ParseError(absl::StrCat(kOperatorToken, " operator org:saryarka-tu\n"));
  EXPECT_EQ(s.message(),
            "tokens.txt:1: an operator line has no organization id");
}

TEST(PrincipalTableTest, BadOrganizationIdIsRefused) {
  const auto s = ParseError(
      absl::StrCat(kUniversityToken, " organization org/saryarka\n"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith("tokens.txt:1: "));
  EXPECT_THAT(std::string(s.message()), HasSubstr("organization id"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("'/'"));
}

TEST(PrincipalTableTest, DuplicateTokenNamesBothLines) {
  const auto s = ParseError(
      absl::StrCat("# tokens\n", kOperatorToken, " operator\n",
                   kUniversityToken, " organization org:saryarka-tu\n\n",
                   kOperatorToken, " programme org:prog-applied-research\n"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "tokens.txt:5: token already given on line 2");
}

TEST(PrincipalTableTest, FileWithoutPrincipalsIsRefused) {
  const std::vector<std::string> texts = {"", "\n\n",
                                          "# only a comment\n   # another\n"};
  for (const std::string& text : texts) {
    const auto s = ParseError(text);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(s.message(), "tokens.txt: no principal defined") << text;
  }
}

TEST(PrincipalTableTest, LoadNamesTheFileInErrors) {
  TempDir dir;
  const std::string path = dir.path() + "/tokens";
  {
    std::ofstream out(path);
    out << kOperatorToken << " operator\nshort operator\n";
  }
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  const auto bad = PrincipalTable::Load(path);
  EXPECT_EQ(bad.status().message(),
            absl::StrCat(path, ":2: token is 5 bytes; allowed 16..256"));

  const auto missing = PrincipalTable::Load(dir.path() + "/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("/nope' cannot be read: No such file"));

  // A folder where the file should be: the reason, not NOT_FOUND.
  const auto folder = PrincipalTable::Load(dir.path());
  EXPECT_EQ(folder.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(folder.status().message()),
              HasSubstr("cannot be read: not a regular file"));
}

TEST(PrincipalTableTest, LoadRefusesAFileGroupOrOthersMayReadOrWrite) {
  TempDir dir;
  const std::string path = dir.path() + "/tokens";
  std::ofstream(path) << kOperatorToken << " operator\n";
  for (const auto loose : {fs::perms::group_read, fs::perms::group_write,
                           fs::perms::others_read, fs::perms::others_write}) {
    fs::permissions(path,
                    fs::perms::owner_read | fs::perms::owner_write | loose);
    const auto s = PrincipalTable::Load(path).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(std::string(s.message()), HasSubstr(path));
    EXPECT_THAT(std::string(s.message()), HasSubstr("chmod 600"));
  }
  fs::permissions(path, fs::perms::owner_read);
  EXPECT_TRUE(PrincipalTable::Load(path).ok());
}

TEST(PrincipalTableTest, DigestLinesStandForTheirToken) {
  auto table = PrincipalTable::Parse(
      absl::StrCat(kTokenDigestPrefix, HexDigest(DigestToken(kOperatorToken)),
                   " operator\nSHA256:", std::string(64, 'A'),
                   " organization org:x\n"),
      "tokens.txt");
  // The prefix is matched exactly: "SHA256:" is a token of 71 bytes.
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().message(),
            "tokens.txt:2: token has a character outside [A-Za-z0-9._~+/=-]");
  table = PrincipalTable::Parse(
      absl::StrCat(kTokenDigestPrefix, HexDigest(DigestToken(kOperatorToken)),
                   " operator\n", kUniversityToken,
                   " organization org:saryarka-tu\n"),
      "tokens.txt");
  ASSERT_TRUE(table.ok()) << table.status();
  const Principal* op = table->Find(kOperatorToken);
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->role, Role::kOperator);
  EXPECT_EQ(op->token_id, TokenId(DigestToken(kOperatorToken)));
  // The digest text itself is not a token.
  EXPECT_EQ(table->Find(HexDigest(DigestToken(kOperatorToken))), nullptr);
  EXPECT_EQ(table->Find(absl::StrCat(kTokenDigestPrefix,
                                     HexDigest(DigestToken(kOperatorToken)))),
            nullptr);
  EXPECT_NE(table->Find(kUniversityToken), nullptr);
}

TEST(PrincipalTableTest, BadDigestNamesTheLineAndTheForm) {
  for (const std::string& hex :
       {std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g'),
        std::string(), std::string(62, 'a') + " a"}) {
    const auto s = ParseError(
        absl::StrCat("# first\n", kTokenDigestPrefix, hex, " operator\n"));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << hex;
    EXPECT_THAT(std::string(s.message()), StartsWith("tokens.txt:2: "));
    EXPECT_THAT(std::string(s.message()), HasSubstr("64 hex digits")) << hex;
  }
}

TEST(PrincipalTableTest, TokenGivenOnceAsTextAndOnceAsDigestIsADuplicate) {
  const auto s = ParseError(absl::StrCat(
      kOperatorToken, " operator\n", kTokenDigestPrefix,
      HexDigest(DigestToken(kOperatorToken)), " programme org:p\n"));
  EXPECT_EQ(s.message(), "tokens.txt:2: token already given on line 1");
}

TEST(PrincipalTableTest, DemoTokensFileLoads) {
  // As the demo uses it: a copy only its owner may read.
  TempDir dir;
  const std::string path = dir.path() + "/demo.tokens";
  fs::copy_file(DemoFile("principals.example"), path);
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  auto table = PrincipalTable::Load(path);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 6u);
  const Principal* programme = table->Find("demo-applied-research-0123456789");
  ASSERT_NE(programme, nullptr);
  EXPECT_EQ(programme->role, Role::kProgramme);
}

TEST(RoleNameTest, NamesEachRole) {
  EXPECT_EQ(RoleName(Role::kOperator), "operator");
  EXPECT_EQ(RoleName(Role::kOrganization), "organization");
  EXPECT_EQ(RoleName(Role::kProgramme), "programme");
}

// ------------------------------------------------------- authorization

constexpr char kSelf[] = "org:saryarka-tu";
constexpr char kFirm[] = "org:saryarka-coal";
constexpr char kOther[] = "org:altai-mmu";

v1::Record OrganizationRecord(const std::string& id) {
  v1::Record r;
  r.mutable_organization()->set_id(id);
  return r;
}
v1::Record CapabilityRecord(const std::string& owner) {
  v1::Record r;
  r.mutable_capability()->set_id("cap:x");
  r.mutable_capability()->set_organization_id(owner);
  return r;
}
v1::Record NeedRecord(const std::string& owner) {
  v1::Record r;
  r.mutable_need()->set_id("need:x");
  r.mutable_need()->set_organization_id(owner);
  return r;
}
v1::Record TieRecord(const std::string& a, const std::string& b) {
  v1::Record r;
  r.mutable_tie()->set_id("tie:x");
  r.mutable_tie()->set_organization_a(a);
  r.mutable_tie()->set_organization_b(b);
  return r;
}
v1::Record OutcomeRecord(const std::string& by, const std::string& to) {
  v1::Record r;
  r.mutable_outcome()->set_id("outcome:x");
  r.mutable_outcome()->set_offered_by(by);
  r.mutable_outcome()->set_offered_to(to);
  return r;
}

// One record of every kind, each belonging to (or involving) `owner`.
std::vector<v1::Record> RecordsOf(const std::string& owner) {
  return {OrganizationRecord(owner),  CapabilityRecord(owner),
          NeedRecord(owner),          TieRecord(owner, kFirm),
          TieRecord(kFirm, owner),    OutcomeRecord(owner, kFirm),
          OutcomeRecord(kFirm, owner)};
}

Principal Operator() { return Principal{Role::kOperator, "", ""}; }
Principal Organization(const std::string& id) {
  return Principal{Role::kOrganization, id, ""};
}
Principal Programme() {
  return Principal{Role::kProgramme, "org:prog-applied-research", ""};
}

TEST(AuthorizeTest, OperatorMayWriteAndDeleteEverything) {
  for (const auto& owner : {kSelf, kOther}) {
    for (const auto& record : RecordsOf(owner)) {
      EXPECT_TRUE(AuthorizeWrite(Operator(), record).ok())
          << record.DebugString();
      EXPECT_TRUE(AuthorizeDelete(Operator(), record).ok())
          << record.DebugString();
    }
  }
}

TEST(AuthorizeTest, OrganizationMayWriteItsOwnRecordsButNoTie) {
  for (const auto& record : RecordsOf(kSelf)) {
    EXPECT_EQ(AuthorizeWrite(Organization(kSelf), record).ok(),
              !record.has_tie())
        << record.DebugString();
    EXPECT_TRUE(AuthorizeDelete(Organization(kSelf), record).ok())
        << record.DebugString();
  }
}

TEST(AuthorizeTest, OrganizationCannotForgeTrustWithATie) {
  // A tie is trust evidence: it comes from a confirmed outcome or an
  // operator's import, never from one party alone.
  const auto s = AuthorizeWrite(Organization(kSelf), TieRecord(kSelf, kFirm));
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()),
              StartsWith("organization 'org:saryarka-tu' cannot write tie "
                         "'tie:x': a tie is trust evidence; record an outcome "
                         "instead"));
}

TEST(AuthorizeTest, OrganizationMayNotWriteOthersRecords) {
  std::vector<v1::Record> others = RecordsOf(kOther);
  // Ties and outcomes between two other organizations.
  others.push_back(TieRecord(kOther, kFirm));
  others.push_back(OutcomeRecord(kFirm, kOther));
  for (const auto& record : others) {
    const bool party =
        (record.has_tie() && (record.tie().organization_a() == kSelf ||
                              record.tie().organization_b() == kSelf)) ||
        (record.has_outcome() && (record.outcome().offered_by() == kSelf ||
                                  record.outcome().offered_to() == kSelf));
    ASSERT_FALSE(party);
    const auto write = AuthorizeWrite(Organization(kSelf), record);
    EXPECT_EQ(write.code(), absl::StatusCode::kPermissionDenied)
        << record.DebugString();
    EXPECT_THAT(std::string(write.message()),
                StartsWith("organization 'org:saryarka-tu' cannot write "));
    EXPECT_THAT(std::string(write.message()),
                HasSubstr(record.has_tie() ? "a tie is trust evidence"
                                           : "belongs to other organizations"));
    const auto remove = AuthorizeDelete(Organization(kSelf), record);
    EXPECT_EQ(remove.code(), absl::StatusCode::kPermissionDenied)
        << record.DebugString();
    EXPECT_THAT(std::string(remove.message()),
                StartsWith("organization 'org:saryarka-tu' cannot delete "));
  }
}

TEST(AuthorizeTest, RefusalNamesTheRecord) {
  const auto s = AuthorizeWrite(Organization(kSelf), CapabilityRecord(kOther));
  EXPECT_EQ(s.message(),
            "organization 'org:saryarka-tu' cannot write capability 'cap:x': "
            "it belongs to other organizations");
}

TEST(AuthorizeTest, OrganizationIdMatchesExactly) {
  // A prefix or a different case is another organization.
  EXPECT_FALSE(
      AuthorizeWrite(Organization("org:saryarka"), CapabilityRecord(kSelf))
          .ok());
  EXPECT_FALSE(
      AuthorizeWrite(Organization("org:Saryarka-TU"), CapabilityRecord(kSelf))
          .ok());
}

TEST(AuthorizeTest, RecordWithoutKindBelongsToNoOrganization) {
  const v1::Record empty;
  EXPECT_TRUE(AuthorizeWrite(Operator(), empty).ok());
  EXPECT_EQ(AuthorizeWrite(Organization(kSelf), empty).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(AuthorizeWrite(Programme(), empty).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AuthorizeTest, ProgrammeWritesNothingAutonomyGuard) {
  // Not its partners' records, and not even its own organization record.
  std::vector<v1::Record> all = RecordsOf(kSelf);
  for (auto& r : RecordsOf("org:prog-applied-research")) all.push_back(r);
  for (const auto& record : all) {
    const auto write = AuthorizeWrite(Programme(), record);
    EXPECT_EQ(write.code(), absl::StatusCode::kPermissionDenied)
        << record.DebugString();
    EXPECT_THAT(std::string(write.message()),
                StartsWith("the programme role (org:prog-applied-research) "
                           "cannot write "));
    EXPECT_THAT(std::string(write.message()), HasSubstr("(autonomy guard)"));
    const auto remove = AuthorizeDelete(Programme(), record);
    EXPECT_EQ(remove.code(), absl::StatusCode::kPermissionDenied)
        << record.DebugString();
    EXPECT_THAT(std::string(remove.message()), HasSubstr("cannot delete "));
    EXPECT_THAT(std::string(remove.message()), HasSubstr("(autonomy guard)"));
  }
}

TEST(AuthorizeTest, ProgrammeRefusalForAnOutcomeNamesIt) {
  const auto s = AuthorizeWrite(Programme(), OutcomeRecord(kSelf, kFirm));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("cannot write outcome 'outcome:x'"));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("on behalf of a university or a firm"));
}

}  // namespace
}  // namespace helixmatch
