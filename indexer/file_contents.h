// Reading a whole file into memory.
#ifndef HELIXMATCH_INDEXER_FILE_CONTENTS_H_
#define HELIXMATCH_INDEXER_FILE_CONTENTS_H_

#include <cstddef>
#include <span>
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

// The length in bytes of the regular file at `path`. Errors: NOT_FOUND
// when it cannot be opened, UNAVAILABLE when it is not a regular file;
// both name the path.
absl::StatusOr<size_t> FileLength(const std::string& path);

// Reads `out.size()` bytes of the file at `path` from `offset` into `out`,
// for callers that size their own buffer (a table read straight into its
// typed array, without a second copy). Errors as ReadFileContents, and
// DATA_LOSS when the file ends before `out` is full.
absl::Status ReadFileRange(const std::string& path, size_t offset,
                           std::span<char> out);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_FILE_CONTENTS_H_
