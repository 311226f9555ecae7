// Reading a whole file into memory.
#ifndef HELIXMATCH_INDEXER_FILE_CONTENTS_H_
#define HELIXMATCH_INDEXER_FILE_CONTENTS_H_

#include <string>

#include "absl/status/statusor.h"

namespace helixmatch {

// The contents of the file at `path`, read into one buffer sized by the
// file's length (not a byte at a time, as std::istreambuf_iterator does:
// in Debug and sanitizer builds that costs seconds per 100 MB). A file
// that grows or shrinks while it is read gives the bytes up to its end.
//
// Errors: NOT_FOUND when the file cannot be opened, UNAVAILABLE when a
// read fails (a folder, an I/O error); both name the path and strerror.
absl::StatusOr<std::string> ReadFileContents(const std::string& path);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_FILE_CONTENTS_H_
