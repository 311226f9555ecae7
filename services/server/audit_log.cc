#include "services/server/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace helixmatch {
namespace {

// A JSON string literal of `text` (ids and names: no record text).
std::string Quoted(absl::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppend(&out, absl::StrFormat("\\u%04x", c));
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

}  // namespace

std::string AuditLine(const AuditEntry& e, absl::Time time) {
  std::string line = absl::StrCat(
      "{\"time\":", Quoted(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time,
                                            absl::UTCTimeZone())));
  if (e.principal == nullptr) {
    absl::StrAppend(&line, ",\"principal\":\"unauthenticated\"");
  } else {
    absl::StrAppend(&line, ",\"principal\":",
                    Quoted(e.anonymous ? "anonymous" : e.principal->token_id),
                    ",\"role\":", Quoted(RoleName(e.principal->role)));
    if (!e.principal->organization_id.empty()) {
      absl::StrAppend(
          &line, ",\"organization\":", Quoted(e.principal->organization_id));
    }
  }
  absl::StrAppend(&line, ",\"rpc\":", Quoted(e.rpc), ",\"records\":[");
  for (size_t i = 0; i < e.records.size(); ++i) {
    absl::StrAppend(&line, i == 0 ? "" : ",", Quoted(e.records[i]));
  }
  absl::StrAppend(&line, "]");
  if (e.records_omitted > 0) {
    absl::StrAppend(&line, ",\"records_omitted\":", e.records_omitted);
  }
  if (!e.folder.empty())
    absl::StrAppend(&line, ",\"folder\":", Quoted(e.folder));
  absl::StrAppend(
      &line, ",\"status\":", Quoted(absl::StatusCodeToString(e.status)), "}");
  return line;
}

absl::StatusOr<std::FILE*> AuditLog::OpenFile(const std::string& path) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(
        "audit log '", path, "' cannot be opened: ", std::strerror(errno)));
  }
  std::FILE* file = ::fdopen(fd, "a");
  if (file == nullptr) {
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat("audit log '", path, "' cannot be opened"));
  }
  return file;
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(
    const std::string& path) {
  auto file = OpenFile(path);
  if (!file.ok()) return file.status();
  auto log = std::unique_ptr<AuditLog>(new AuditLog(path));
  log->file_ = *file;
  return log;
}

AuditLog::~AuditLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void AuditLog::Record(const AuditEntry& entry) {
  const std::string line = AuditLine(entry, absl::Now()) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

absl::Status AuditLog::Reopen() {
  auto file = OpenFile(path_);
  if (!file.ok()) return file.status();
  std::lock_guard<std::mutex> lock(mu_);
  std::fclose(file_);
  file_ = *file;
  return absl::OkStatus();
}

}  // namespace helixmatch
