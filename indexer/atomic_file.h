// Atomic replacement of a file: a reader sees the old or the new contents,
// never a mix, and the new contents survive a machine crash once this
// returns OK.
#ifndef HELIXMATCH_INDEXER_ATOMIC_FILE_H_
#define HELIXMATCH_INDEXER_ATOMIC_FILE_H_

#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace helixmatch {

// Writes the concatenation of `parts` to path + ".tmp", fsyncs it, renames
// it over `path` and fsyncs the folder. On error the temp file is removed
// and `path` is untouched.
absl::Status WriteFileAtomically(const std::string& path,
                                 std::span<const absl::string_view> parts);

// Removes `path` (no error when it is missing) and fsyncs its folder, so
// the removal survives a machine crash once this returns OK.
absl::Status RemoveFileDurably(const std::string& path);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_ATOMIC_FILE_H_
