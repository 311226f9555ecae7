#include "indexer/csv_reader.h"

#include "absl/strings/str_cat.h"

namespace helixmatch {

bool CsvReader::ReadRecord(std::vector<std::string>* fields,
                           absl::Status* error) {
  fields->clear();
  *error = absl::OkStatus();
  row_line_ = line_;
  std::string field;
  size_t bytes = 0;
  bool quoted = false;      // inside quotes
  bool was_quoted = false;  // the current field started with a quote
  bool any = false;
  bool too_long = false;
  int c;
  while ((c = in_.get()) != EOF) {
    any = true;
    if (++bytes > kMaxCsvRecordBytes) too_long = true;
    const char ch = static_cast<char>(c);
    if (quoted) {
      if (ch == '"') {
        if (in_.peek() == '"') {
          in_.get();
          if (!too_long) field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line_;
        if (!too_long) field.push_back(ch);
      }
      continue;
    }
    if (ch == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (ch == ',') {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (ch == '\n') {
      ++line_;
      break;
    } else if (ch != '\r') {
      if (!too_long) field.push_back(ch);
    }
  }
  if (!any) return false;
  fields->push_back(std::move(field));
  if (quoted) {
    *error = absl::InvalidArgumentError("unterminated quoted field");
  } else if (too_long) {
    *error = absl::InvalidArgumentError(absl::StrCat(
        "row is longer than the limit of ", kMaxCsvRecordBytes, " bytes"));
  }
  return true;
}

absl::Status CsvReader::ReadHeader(const std::vector<std::string>& required) {
  absl::Status error;
  if (!ReadRecord(&header_, &error)) {
    return absl::InvalidArgumentError("empty file: no header row");
  }
  if (!error.ok()) return error;
  if (!header_.empty() && header_[0].rfind("\xEF\xBB\xBF", 0) == 0) {
    header_[0].erase(0, 3);  // byte order mark
  }
  for (size_t i = 0; i < header_.size(); ++i) {
    columns_[header_[i]] = static_cast<int>(i);
  }
  for (const auto& name : required) {
    if (!columns_.count(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("header: required column '", name, "' is missing"));
    }
  }
  return absl::OkStatus();
}

bool CsvReader::Next(std::vector<std::string>* fields, absl::Status* error) {
  while (true) {
    if (!ReadRecord(fields, error)) return false;
    if (!error->ok()) return true;
    if (fields->size() == 1 && (*fields)[0].empty()) continue;  // blank line
    if (fields->size() != header_.size()) {
      *error = absl::InvalidArgumentError(absl::StrCat(
          "has ", fields->size(), " fields, the header has ", header_.size()));
    }
    return true;
  }
}

int CsvReader::Column(absl::string_view name) const {
  const auto it = columns_.find(std::string(name));
  return it == columns_.end() ? -1 : it->second;
}

}  // namespace helixmatch
