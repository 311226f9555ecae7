#include "indexer/jsonl_reader.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "indexer/record_validation.h"

namespace helixmatch {

absl::StatusOr<v1::Record> ParseRecordJson(absl::string_view json) {
  v1::Record record;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &record,
      options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed record: ",
        std::string(status.message().data(), status.message().size())));
  }
  if (auto s = ValidateRecord(record); !s.ok()) return s;
  return record;
}

bool JsonlReader::Next(int64_t* line_number,
                       absl::StatusOr<v1::Record>* record) {
  std::string line;
  while (true) {
    line.clear();
    bool too_long = false;
    // Read up to the limit, then skip the rest of an over-long line.
    char c;
    bool any = false;
    while (in_.get(c)) {
      any = true;
      if (c == '\n') break;
      if (line.size() < kMaxJsonLineBytes) {
        line.push_back(c);
      } else {
        too_long = true;
      }
    }
    if (!any) return false;
    ++line_number_;
    if (too_long) {
      *line_number = line_number_;
      *record = absl::InvalidArgumentError(absl::StrCat(
          "line is longer than the limit of ", kMaxJsonLineBytes, " bytes"));
      return true;
    }
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    *line_number = line_number_;
    *record = ParseRecordJson(trimmed);
    return true;
  }
}

}  // namespace helixmatch
