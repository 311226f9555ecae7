#include "indexer/csv_reader.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::vector<std::string>> ReadAll(const std::string& text,
                                              std::vector<std::string>* errors,
                                              std::vector<int64_t>* lines) {
  std::istringstream in(text);
  CsvReader csv(in);
  EXPECT_TRUE(csv.ReadHeader({}).ok());
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  absl::Status error;
  while (csv.Next(&fields, &error)) {
    if (!error.ok()) {
      errors->push_back(std::string(error.message()));
    } else {
      rows.push_back(fields);
    }
    if (lines != nullptr) lines->push_back(csv.line());
  }
  return rows;
}

TEST(CsvReaderTest, QuotedFieldsWithCommasQuotesAndNewlines) {
  std::vector<std::string> errors;
  std::vector<int64_t> lines;
  const auto rows = ReadAll(
      "a,b,c\n"
      "1,\"x, y\",\"he said \"\"hi\"\"\"\n"
      "2,\"two\nlines\",\n"
      "3,,last\r\n",
      &errors, &lines);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0], ElementsAre("1", "x, y", "he said \"hi\""));
  EXPECT_THAT(rows[1], ElementsAre("2", "two\nlines", ""));
  EXPECT_THAT(rows[2], ElementsAre("3", "", "last"));
  EXPECT_THAT(lines, ElementsAre(2, 3, 5));
}

TEST(CsvReaderTest, WrongFieldCountIsReportedAndReadingGoesOn) {
  std::vector<std::string> errors;
  const auto rows = ReadAll("a,b\n1,2\n1,2,3\n\n4,5\n", &errors, nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("has 3 fields, the header has 2"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[1], ElementsAre("4", "5"));
}

TEST(CsvReaderTest, UnterminatedQuoteIsAnError) {
  std::vector<std::string> errors;
  ReadAll("a,b\n1,\"never closed\n", &errors, nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("unterminated"));
}

TEST(CsvReaderTest, OverlongRowIsAnErrorNotAMemoryBlowUp) {
  std::vector<std::string> errors;
  const auto rows =
      ReadAll("a,b\n1," + std::string(kMaxCsvRecordBytes + 10, 'x') + "\n2,3\n",
              &errors, nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("limit"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0], ElementsAre("2", "3"));
}

TEST(CsvReaderTest, HeaderChecksAndByteOrderMark) {
  std::istringstream in("\xEF\xBB\xBFpic,type\n1,HES\n");
  CsvReader csv(in);
  ASSERT_TRUE(csv.ReadHeader({"pic", "type"}).ok());
  EXPECT_EQ(csv.Column("pic"), 0);
  EXPECT_EQ(csv.Column("type"), 1);
  EXPECT_EQ(csv.Column("name"), -1);

  std::istringstream missing("pic,type\n");
  CsvReader csv2(missing);
  const auto status = csv2.ReadHeader({"pic", "country"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("'country'"));

  std::istringstream empty("");
  CsvReader csv3(empty);
  EXPECT_EQ(csv3.ReadHeader({}).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace helixmatch
