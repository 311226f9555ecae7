#include "indexer/jsonl_reader.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

struct ReadLine {
  int64_t line;
  absl::StatusOr<v1::Record> record;
};

std::vector<ReadLine> ReadAll(std::istream& in) {
  JsonlReader reader(in);
  std::vector<ReadLine> lines;
  int64_t line = 0;
  absl::StatusOr<v1::Record> record;
  while (reader.Next(&line, &record)) lines.push_back({line, record});
  return lines;
}

std::vector<ReadLine> ReadAll(const std::string& text) {
  std::istringstream in(text);
  return ReadAll(in);
}

constexpr char kOrg[] =
    R"({"organization": {"id": "org:1", "kind": "ORGANIZATION_KIND_FIRM", )"
    R"("name": "Firm", "country": "KZ"}})";
constexpr char kTie[] =
    R"({"tie": {"id": "tie:1", "organization_a": "org:1", )"
    R"("organization_b": "org:2", "channel": "CHANNEL_TESTING", "year": 2020}})";

TEST(ParseRecordJsonTest, AcceptsSnakeCaseFieldsAndEnumNames) {
  auto record = ParseRecordJson(
      R"({"capability": {"id": "cap:1", "organization_id": "org:1", )"
      R"("title": "Flotation", "keywords": ["ore", "copper"], )"
      R"("trl": {"min": 3, "max": 6}, "channels_offered": ["CHANNEL_TESTING", )"
      R"("CHANNEL_JOINT_LAB"], "benefits_sought": ["BENEFIT_FUNDING"], )"
      R"("year": 2021}})");
  ASSERT_TRUE(record.ok()) << record.status();
  ASSERT_TRUE(record->has_capability());
  const auto& cap = record->capability();
  EXPECT_EQ(cap.id(), "cap:1");
  EXPECT_EQ(cap.organization_id(), "org:1");
  EXPECT_THAT(cap.keywords(), ::testing::ElementsAre("ore", "copper"));
  EXPECT_EQ(cap.trl().min(), 3);
  EXPECT_EQ(cap.trl().max(), 6);
  ASSERT_EQ(cap.channels_offered_size(), 2);
  EXPECT_EQ(cap.channels_offered(1), v1::CHANNEL_JOINT_LAB);
  EXPECT_EQ(cap.benefits_sought(0), v1::BENEFIT_FUNDING);
  EXPECT_EQ(cap.year(), 2021);
}

TEST(ParseRecordJsonTest, ParsesEveryKind) {
  auto org = ParseRecordJson(kOrg);
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->organization().kind(), v1::ORGANIZATION_KIND_FIRM);
  auto tie = ParseRecordJson(kTie);
  ASSERT_TRUE(tie.ok()) << tie.status();
  EXPECT_EQ(tie->tie().channel(), v1::CHANNEL_TESTING);
  auto need = ParseRecordJson(
      R"({"need": {"id": "need:1", "organization_id": "org:1", )"
      R"("title": "Graduates", "visibility": "VISIBILITY_PRIVATE", )"
      R"("trl_wanted": {"min": 2, "max": 4}}})");
  ASSERT_TRUE(need.ok()) << need.status();
  EXPECT_EQ(need->need().visibility(), v1::VISIBILITY_PRIVATE);
  EXPECT_EQ(need->need().trl_wanted().max(), 4);
}

TEST(ParseRecordJsonTest, AcceptsOptionalSignalsAndCoordinates) {
  auto record = ParseRecordJson(
      R"({"organization": {"id": "org:1", "kind": "ORGANIZATION_KIND_UNIVERSITY", )"
      R"("name": "U", "country": "KZ", "latitude": 43.2, "longitude": 76.9, )"
      R"("signals": {"researchers": 0, "ip_policy": "IP_POLICY_FLEXIBLE", )"
      R"("graduate_share": 0.5}}})");
  ASSERT_TRUE(record.ok()) << record.status();
  const auto& org = record->organization();
  EXPECT_TRUE(org.has_latitude());
  EXPECT_DOUBLE_EQ(org.longitude(), 76.9);
  EXPECT_TRUE(org.signals().has_researchers());
  EXPECT_EQ(org.signals().researchers(), 0);
  EXPECT_FALSE(org.signals().has_patents());
  EXPECT_EQ(org.signals().ip_policy(), v1::IP_POLICY_FLEXIBLE);
}

void ExpectInvalid(const absl::StatusOr<v1::Record>& record,
                   const std::string& detail) {
  EXPECT_EQ(record.status().code(), absl::StatusCode::kInvalidArgument)
      << record.status();
  EXPECT_THAT(std::string(record.status().message()), HasSubstr(detail));
}

TEST(ParseRecordJsonTest, RejectsMalformedJson) {
  for (const char* bad :
       {R"({"organization": {"id": "org:1")", "{", "", "not json", "[]",
        R"({"organization": })", "null", R"({"organization": {"id": 1,}})"}) {
    const auto record = ParseRecordJson(bad);
    EXPECT_EQ(record.status().code(), absl::StatusCode::kInvalidArgument)
        << bad << " -> " << record.status();
  }
}

TEST(ParseRecordJsonTest, RejectsUnknownField) {
  ExpectInvalid(
      ParseRecordJson(
          R"({"organization": {"id": "org:1", "kind": "ORGANIZATION_KIND_FIRM", )"
          R"("name": "Firm", "country": "KZ", "colour": "red"}})"),
      "colour");
  ExpectInvalid(ParseRecordJson(R"({"company": {"id": "org:1"}})"), "company");
}

TEST(ParseRecordJsonTest, RejectsUnknownEnumName) {
  ExpectInvalid(
      ParseRecordJson(
          R"({"organization": {"id": "org:1", "kind": "ORGANIZATION_KIND_PUB", )"
          R"("name": "Firm", "country": "KZ"}})"),
      "ORGANIZATION_KIND_PUB");
}

TEST(ParseRecordJsonTest, RejectsUnknownEnumNumberThroughValidation) {
  ExpectInvalid(
      ParseRecordJson(R"({"organization": {"id": "org:1", "kind": 99, )"
                      R"("name": "Firm", "country": "KZ"}})"),
      "organization.kind");
}

TEST(ParseRecordJsonTest, RejectsEmptyObject) {
  ExpectInvalid(ParseRecordJson("{}"), "record");
}

TEST(ParseRecordJsonTest, AppliesValidation) {
  ExpectInvalid(
      ParseRecordJson(R"({"organization": {"id": "org:1", )"
                      R"("kind": "ORGANIZATION_KIND_FIRM", "name": "Firm", )"
                      R"("country": "kz"}})"),
      "organization.country");
  ExpectInvalid(
      ParseRecordJson(
          R"({"capability": {"id": "cap:1", "organization_id": "o"}})"),
      "capability.title");
}

TEST(ParseRecordJsonTest, RejectsTwoKindsInOneRecord) {
  const auto record = ParseRecordJson(
      R"({"organization": {"id": "org:1", "kind": "ORGANIZATION_KIND_FIRM", )"
      R"("name": "F", "country": "KZ"}, "tie": {"id": "tie:1"}})");
  EXPECT_EQ(record.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonlReaderTest, SkipsBlankAndCommentLinesWithCorrectNumbers) {
  const std::string text = std::string("# header comment\n") +  // 1
                           "\n" +                               // 2
                           kOrg + "\n" +                        // 3
                           "   \t \n" +                         // 4
                           "  # indented comment\n" +           // 5
                           kTie + "\r\n" +                      // 6
                           "\n";                                // 7
  const auto lines = ReadAll(text);
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_EQ(lines[0].line, 3);
  ASSERT_TRUE(lines[0].record.ok()) << lines[0].record.status();
  EXPECT_EQ(lines[0].record->organization().id(), "org:1");
  EXPECT_EQ(lines[1].line, 6);
  ASSERT_TRUE(lines[1].record.ok()) << lines[1].record.status();
  EXPECT_EQ(lines[1].record->tie().id(), "tie:1");
}

TEST(JsonlReaderTest, EmptyStream) {
  EXPECT_THAT(ReadAll(""), SizeIs(0));
  EXPECT_THAT(ReadAll("\n\n# only comments\n"), SizeIs(0));
}

TEST(JsonlReaderTest, LastLineWithoutNewline) {
  const auto lines = ReadAll(std::string("\n") + kOrg);
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_EQ(lines[0].line, 2);
  EXPECT_TRUE(lines[0].record.ok()) << lines[0].record.status();
}

TEST(JsonlReaderTest, ContinuesAfterABadLine) {
  const std::string text = std::string(kOrg) + "\n" + "{broken\n" + "\n" +
                           R"({"organization": {"id": "org:2"}})" + "\n" +
                           kTie + "\n";
  const auto lines = ReadAll(text);
  ASSERT_THAT(lines, SizeIs(4));
  EXPECT_EQ(lines[0].line, 1);
  EXPECT_TRUE(lines[0].record.ok());
  EXPECT_EQ(lines[1].line, 2);
  EXPECT_EQ(lines[1].record.status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(lines[2].line, 4);
  EXPECT_THAT(std::string(lines[2].record.status().message()),
              HasSubstr("organization.kind"));
  EXPECT_EQ(lines[3].line, 5);
  EXPECT_TRUE(lines[3].record.ok()) << lines[3].record.status();
}

TEST(JsonlReaderTest, RejectsOverlongLineAndContinues) {
  // A valid record padded with spaces past the limit.
  std::string long_line = kOrg;
  long_line.append(kMaxJsonLineBytes + 10 - long_line.size(), ' ');
  const std::string text =
      std::string(kOrg) + "\n" + long_line + "\n" + kTie + "\n";
  const auto lines = ReadAll(text);
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_TRUE(lines[0].record.ok());
  EXPECT_EQ(lines[1].line, 2);
  EXPECT_EQ(lines[1].record.status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(lines[1].record.status().message()),
              HasSubstr("longer"));
  EXPECT_EQ(lines[2].line, 3);
  ASSERT_TRUE(lines[2].record.ok()) << lines[2].record.status();
  EXPECT_EQ(lines[2].record->tie().id(), "tie:1");
}

TEST(JsonlReaderTest, LineAtTheLimitIsAccepted) {
  std::string line = kOrg;
  line.append(kMaxJsonLineBytes - line.size(), ' ');
  ASSERT_EQ(line.size(), kMaxJsonLineBytes);
  const auto lines = ReadAll(line + "\n" + line + " \n");
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_TRUE(lines[0].record.ok()) << lines[0].record.status();
  EXPECT_FALSE(lines[1].record.ok());
  EXPECT_EQ(lines[1].line, 2);
}

TEST(JsonlReaderTest, OverlongLastLineWithoutNewline) {
  const std::string text =
      std::string(kOrg) + "\n" + std::string(kMaxJsonLineBytes * 2, 'x');
  const auto lines = ReadAll(text);
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_EQ(lines[1].line, 2);
  EXPECT_FALSE(lines[1].record.ok());
}

class DemoFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DemoFileTest, EveryLineParses) {
  const std::string path = testing::DemoFile(GetParam());
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const auto lines = ReadAll(in);
  EXPECT_GT(lines.size(), 3u);
  for (const auto& line : lines) {
    EXPECT_TRUE(line.record.ok())
        << path << ":" << line.line << ": " << line.record.status();
  }
}

INSTANTIATE_TEST_SUITE_P(Demo, DemoFileTest,
                         ::testing::Values("organizations.jsonl",
                                           "capabilities.jsonl", "needs.jsonl",
                                           "ties.jsonl"),
                         [](const auto& info) {
                           return info.param.substr(0, info.param.find('.'));
                         });

}  // namespace
}  // namespace helixmatch
