// Untrusted import lines and API records: JSON parsing, the JSONL reader
// and record validation must return an error, never crash.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "indexer/jsonl_reader.h"
#include "indexer/record_validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)helixmatch::ParseRecordJson(text);
  std::istringstream in(text);
  helixmatch::JsonlReader reader(in);
  int64_t line = 0;
  absl::StatusOr<helixmatch::v1::Record> record;
  while (reader.Next(&line, &record)) {
  }
  // The same bytes as a binary record, as gRPC would deliver them.
  helixmatch::v1::Record binary;
  if (binary.ParseFromString(text)) {
    (void)helixmatch::ValidateRecord(binary);
  }
  return 0;
}
