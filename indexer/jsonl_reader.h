// Reads records from JSONL: one helixmatch.v1.Record per line in protobuf's
// JSON mapping, e.g. {"organization": {"id": "org:1", ...}}. Blank lines
// and lines starting with '#' are skipped.
#ifndef HELIXMATCH_INDEXER_JSONL_READER_H_
#define HELIXMATCH_INDEXER_JSONL_READER_H_

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

// Longest accepted line; longer lines are rejected whole.
inline constexpr size_t kMaxJsonLineBytes = 256 * 1024;

// Parses and validates one JSON record. Errors are INVALID_ARGUMENT and
// name the field and the rule (unknown fields and enum names included).
absl::StatusOr<v1::Record> ParseRecordJson(absl::string_view json);

// Not thread-safe; one reader per stream.
class JsonlReader {
 public:
  explicit JsonlReader(std::istream& in) : in_(in) {}

  // Reads the next non-blank line. Returns false at the end of the stream.
  // Otherwise sets *line_number (1-based) and *record to the record or to
  // the error of that line; reading continues after a bad line.
  bool Next(int64_t* line_number, absl::StatusOr<v1::Record>* record);

 private:
  std::istream& in_;
  int64_t line_number_ = 0;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_JSONL_READER_H_
