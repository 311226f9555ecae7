// RFC 4180 CSV: comma-separated fields, optional double quotes around a
// field, "" for a quote inside one, line breaks allowed inside quotes.
// The first row names the columns.
#ifndef HELIXMATCH_INDEXER_CSV_READER_H_
#define HELIXMATCH_INDEXER_CSV_READER_H_

#include <cstdint>
#include <istream>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace helixmatch {

// Longest accepted record (all fields of one row), bytes.
inline constexpr size_t kMaxCsvRecordBytes = 1 << 20;

// Not thread-safe; one reader per stream.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // Reads the header row. INVALID_ARGUMENT when the stream is empty or
  // a column in `required` is missing (the message names it).
  absl::Status ReadHeader(const std::vector<std::string>& required);

  // Reads the next row into *fields. Returns false at the end. A row with
  // the wrong number of fields, an unterminated quote or one over the
  // size limit sets *error and still returns true (the row is skipped by
  // the caller; reading goes on).
  bool Next(std::vector<std::string>* fields, absl::Status* error);

  // Column index by name, -1 when absent.
  int Column(absl::string_view name) const;
  // 1-based line where the last row returned by Next started.
  int64_t line() const { return row_line_; }

 private:
  bool ReadRecord(std::vector<std::string>* fields, absl::Status* error);

  std::istream& in_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, int> columns_;
  int64_t line_ = 1;
  int64_t row_line_ = 0;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_CSV_READER_H_
