// The audit trail of a server: one JSON object per line for every write
// and every refused call (UNAUTHENTICATED, PERMISSION_DENIED), of every
// transport alike (MatchApi writes it). A line names who called, the RPC,
// the ids of the records it wrote or tried to write, and the status code;
// never record text, error messages or tokens:
//
//   {"time":"2026-05-01T10:00:00.123Z","principal":"sha256:3f2a9c0b1d4e",
//    "role":"organization","organization":"org:x","rpc":"Upsert",
//    "records":["need/need:x"],"status":"OK"}
//
// "principal" is the token's TokenId (token_digest.h), "anonymous"
// without a tokens file, "unauthenticated" when the call named no known
// token (then "role" and "organization" are absent). "records" holds at
// most kMaxAuditedIds ids; "records_omitted" counts the rest. Backup adds
// "folder".
//
// Thread-safe: lines from concurrent calls never interleave.
#ifndef HELIXMATCH_SERVICES_SERVER_AUDIT_LOG_H_
#define HELIXMATCH_SERVICES_SERVER_AUDIT_LOG_H_

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/server/principals.h"

namespace helixmatch {

inline constexpr size_t kMaxAuditedIds = 1000;

struct AuditEntry {
  const Principal* principal = nullptr;  // null: not authenticated
  bool anonymous = false;  // no tokens file: every caller is an operator
  std::string rpc;         // "Upsert", "Get", ...
  std::vector<std::string> records;  // "kind/id"
  int64_t records_omitted = 0;
  std::string folder;  // Backup's folder
  absl::StatusCode status = absl::StatusCode::kOk;
};

// One line of the log, without the newline.
std::string AuditLine(const AuditEntry& entry, absl::Time time);

class AuditLog {
 public:
  // Opens `path` for appending (created with mode 0600). UNAVAILABLE
  // naming the path when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(
      const std::string& path);
  ~AuditLog();

  // Appends the entry's line, stamped now, and flushes it.
  void Record(const AuditEntry& entry);
  // Closes and opens the file again (after a log rotation, on SIGHUP); on
  // failure the old file stays open.
  absl::Status Reopen();
  const std::string& path() const { return path_; }

 private:
  explicit AuditLog(std::string path) : path_(std::move(path)) {}
  static absl::StatusOr<std::FILE*> OpenFile(const std::string& path);

  const std::string path_;
  std::mutex mu_;
  std::FILE* file_ = nullptr;  // guarded by mu_
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SERVER_AUDIT_LOG_H_
