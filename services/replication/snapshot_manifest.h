// The layout of a publish dir, and the manifest that makes a snapshot
// checkable:
//
//   DIR/LATEST            "<sequence>\n": the newest complete snapshot,
//                         replaced atomically (temp file, fsync, rename)
//   DIR/<sequence>/       a data folder (store/, index/; indexer/data_dir.h)
//                         taken by MatchingEngine::Backup, plus
//   DIR/<sequence>/MANIFEST  lines of text:
//       helixmatch-snapshot 1
//       sequence <n>
//       created_unix_ms <ms>
//       store_sequence <n>
//       file <sha256 hex> <bytes> <path relative to the snapshot folder>
//       ...
//   DIR/.partial-<sequence>/  a snapshot being written (never read)
//
// A snapshot folder without a MANIFEST, or whose files differ from it in
// any byte, is partial or corrupt: readers skip it.
//
// Thread-safe: pure functions over the file system.
#ifndef HELIXMATCH_SERVICES_REPLICATION_SNAPSHOT_MANIFEST_H_
#define HELIXMATCH_SERVICES_REPLICATION_SNAPSHOT_MANIFEST_H_

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/engine/engine_slot.h"

namespace helixmatch {

inline constexpr char kManifestName[] = "MANIFEST";
inline constexpr char kLatestName[] = "LATEST";

struct SnapshotManifest {
  struct File {
    std::string path;  // relative to the snapshot folder
    uint64_t bytes = 0;
    std::string sha256;  // lower-case hex
  };
  SnapshotInfo info;
  std::vector<File> files;  // sorted by path
};

// DIR/<sequence> (no padding: "12").
std::string SnapshotFolder(const std::string& publish_dir, int64_t sequence);

// The SHA-256 of the file's bytes, lower-case hex. UNAVAILABLE naming the
// file when it cannot be read.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

// What HashStream read: the byte count and their SHA-256, lower-case hex.
struct StreamDigest {
  uint64_t bytes = 0;
  std::string sha256;
};
// Reads `in` to its end and hashes it, writing each block to `copy` too
// when given (a copy checked in the same pass). UNAVAILABLE naming `name`
// when reading fails; the caller checks `copy`'s state.
absl::StatusOr<StreamDigest> HashStream(std::istream& in, std::ostream* copy,
                                        const std::string& name);

// Lists and hashes every regular file under `folder` (the MANIFEST
// itself excepted) into a manifest for `info`.
absl::StatusOr<SnapshotManifest> DescribeFolder(const std::string& folder,
                                                const SnapshotInfo& info);

std::string SerializeManifest(const SnapshotManifest& manifest);
// DATA_LOSS naming the line for a malformed manifest (a path that is
// absolute or climbs out with "..", a bad hash, size or header).
absl::StatusOr<SnapshotManifest> ParseManifest(const std::string& text);
// Reads and parses `folder`/MANIFEST; DATA_LOSS "... has no MANIFEST"
// for a folder without one (a partial snapshot).
absl::StatusOr<SnapshotManifest> ReadManifest(const std::string& folder);

// The sequence in DIR/LATEST; NOT_FOUND when there is none yet, DATA_LOSS
// when it does not hold a number.
absl::StatusOr<int64_t> ReadLatest(const std::string& publish_dir);
// The sequences of the numbered folders in DIR, ascending.
std::vector<int64_t> ListSnapshots(const std::string& publish_dir);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_REPLICATION_SNAPSHOT_MANIFEST_H_
