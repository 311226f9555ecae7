// The CSV reader behind the CORDIS importer: any bytes give rows or row
// errors, never a crash or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "indexer/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  helixmatch::CsvReader csv(in);
  if (!csv.ReadHeader({}).ok()) return 0;
  std::vector<std::string> fields;
  absl::Status error;
  while (csv.Next(&fields, &error)) {
  }
  return 0;
}
