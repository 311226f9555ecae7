#include "services/server/principals.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "indexer/record_validation.h"
#include "indexer/records.h"

namespace helixmatch {
namespace {

constexpr size_t kMinTokenBytes = 16;
constexpr size_t kMaxTokenBytes = 256;

bool TokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("._~+/=-").find(c) != std::string_view::npos;
}

// The organizations a record belongs to (any of them may write it).
std::vector<std::string> Owners(const v1::Record& r) {
  if (r.has_organization()) return {r.organization().id()};
  std::vector<std::string> owners;
  for (const auto& ref : OrganizationReferences(r)) owners.push_back(*ref.id);
  return owners;
}

absl::Status Authorize(const Principal& principal, const v1::Record& record,
                       absl::string_view verb) {
  const std::string what =
      absl::StrCat(RecordKindName(record), " '", RecordId(record), "'");
  switch (principal.role) {
    case Role::kOperator:
      return absl::OkStatus();
    case Role::kProgramme:
      return absl::PermissionDeniedError(absl::StrCat(
          "the programme role (", principal.organization_id, ") cannot ", verb,
          " ", what,
          ": a programme reads screening reports and aggregates but never "
          "records ties, outcomes or other records on behalf of a university "
          "or a firm (autonomy guard)"));
    case Role::kOrganization:
      if (record.has_tie() && verb == "write") {
        return absl::PermissionDeniedError(absl::StrCat(
            "organization '", principal.organization_id, "' cannot write ",
            what,
            ": a tie is trust evidence; record an outcome instead "
            "(RecordOutcome), which counts once the other party confirms "
            "it; ties are otherwise imported by an operator"));
      }
      for (const auto& owner : Owners(record)) {
        if (owner == principal.organization_id) return absl::OkStatus();
      }
      return absl::PermissionDeniedError(
          absl::StrCat("organization '", principal.organization_id, "' cannot ",
                       verb, " ", what, ": it belongs to other organizations"));
  }
  return absl::PermissionDeniedError("unknown role");
}

// The contents of the tokens file `path`, checked for its mode on the
// descriptor it is read through (so a file swapped in between is not
// read unchecked).
absl::StatusOr<std::string> ReadPrivateFile(const std::string& path) {
  const std::string unreadable =
      absl::StrCat("principals file '", path, "' cannot be read");
  // The code follows the cause: NOT_FOUND for a missing file,
  // PERMISSION_DENIED for one this user may not open, and so on.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, unreadable);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::ErrnoToStatus(error, unreadable);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat(unreadable, ": not a regular file"));
  }
  const mode_t loose = S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH;
  if ((st.st_mode & loose) != 0) {
    ::close(fd);
    return absl::PermissionDeniedError(absl::StrFormat(
        "principals file '%s' has mode %04o: group or others may read or "
        "write it, and it grants access to every record; chmod 600 '%s'",
        path, st.st_mode & 07777, path));
  }
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) {
    text.append(buffer, static_cast<size_t>(n));
  }
  const int error = errno;
  ::close(fd);
  if (n < 0) return absl::ErrnoToStatus(error, unreadable);
  return text;
}

}  // namespace

std::string RoleName(Role role) {
  switch (role) {
    case Role::kOperator:
      return "operator";
    case Role::kOrganization:
      return "organization";
    case Role::kProgramme:
      return "programme";
  }
  return "unknown";
}

absl::StatusOr<PrincipalTable> PrincipalTable::Parse(absl::string_view text,
                                                     absl::string_view source) {
  PrincipalTable table;
  std::vector<int> line_of;  // line of entries_[i]
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (auto hash = line.find('#'); hash != absl::string_view::npos) {
      line = line.substr(0, hash);
    }
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (fields.empty()) continue;
    const auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", line_number, ": ", what));
    };
    Entry entry;
    const absl::string_view first = fields[0];
    if (absl::StartsWith(first, kTokenDigestPrefix)) {
      auto digest = ParseHexDigest(first.substr(kTokenDigestPrefix.size()));
      if (!digest) {
        return error(absl::StrCat(
            "a digest is '", kTokenDigestPrefix,
            "' and 64 hex digits (the SHA-256 of the token; `helixmatch "
            "token hash` prints the line)"));
      }
      entry.digest = *digest;
    } else {
      if (first.size() < kMinTokenBytes || first.size() > kMaxTokenBytes) {
        return error(absl::StrCat("token is ", first.size(), " bytes; allowed ",
                                  kMinTokenBytes, "..", kMaxTokenBytes));
      }
      for (char c : first) {
        if (!TokenChar(c)) {
          return error("token has a character outside [A-Za-z0-9._~+/=-]");
        }
      }
      entry.digest = DigestToken(first);
    }
    if (fields.size() < 2) {
      return error(
          "role is missing (operator, organization ORGANIZATION_ID or "
          "programme ORGANIZATION_ID)");
    }
    Principal& p = entry.principal;
    const std::string role = absl::AsciiStrToLower(fields[1]);
    if (role == "operator") {
      p.role = Role::kOperator;
      if (fields.size() != 2) {
        return error("an operator line has no organization id");
      }
    } else if (role == "organization" || role == "programme") {
      p.role = role == "programme" ? Role::kProgramme : Role::kOrganization;
      if (fields.size() != 3) {
        return error(absl::StrCat("role '", role,
                                  "' needs exactly one organization id"));
      }
      if (auto s = ValidateId(fields[2], "organization id"); !s.ok()) {
        return error(s.message());
      }
      p.organization_id = std::string(fields[2]);
    } else {
      return error(absl::StrCat("unknown role '", fields[1],
                                "' (operator, organization, programme)"));
    }
    for (size_t i = 0; i < table.entries_.size(); ++i) {
      if (table.entries_[i].digest == entry.digest) {
        return error(absl::StrCat("token already given on line ", line_of[i]));
      }
    }
    p.token_id = TokenId(entry.digest);
    table.entries_.push_back(std::move(entry));
    line_of.push_back(line_number);
  }
  if (table.entries_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": no principal defined"));
  }
  return table;
}

absl::StatusOr<PrincipalTable> PrincipalTable::Load(const std::string& path) {
  auto text = ReadPrivateFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

const Principal* PrincipalTable::Find(absl::string_view token) const {
  const TokenDigest digest = DigestToken(token);
  const Principal* found = nullptr;
  for (const Entry& e : entries_) {
    // No early exit: every line is compared, a match or not.
    const bool equal = DigestsEqual(e.digest, digest);
    if (equal && found == nullptr) found = &e.principal;
  }
  return found;
}

absl::StatusOr<std::unique_ptr<ReloadablePrincipals>>
ReloadablePrincipals::Load(const std::string& path) {
  auto table = PrincipalTable::Load(path);
  if (!table.ok()) return table.status();
  auto principals = std::make_unique<ReloadablePrincipals>(std::move(*table));
  principals->path_ = path;
  return principals;
}

ReloadablePrincipals::ReloadablePrincipals(PrincipalTable table)
    : table_(std::make_shared<const PrincipalTable>(std::move(table))) {}

std::optional<Principal> ReloadablePrincipals::Find(
    absl::string_view token) const {
  std::shared_ptr<const PrincipalTable> table;
  {
    std::lock_guard<std::mutex> lock(mu_);
    table = table_;
  }
  const Principal* p = table->Find(token);
  if (p == nullptr) return std::nullopt;
  return *p;
}

absl::Status ReloadablePrincipals::Reload() {
  if (path_.empty()) {
    return absl::FailedPreconditionError("no tokens file to reload");
  }
  auto table = PrincipalTable::Load(path_);
  if (!table.ok()) return table.status();
  auto fresh = std::make_shared<const PrincipalTable>(std::move(*table));
  std::lock_guard<std::mutex> lock(mu_);
  table_ = std::move(fresh);
  return absl::OkStatus();
}

size_t ReloadablePrincipals::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return table_->size();
}

absl::Status AuthorizeWrite(const Principal& principal,
                            const v1::Record& record) {
  return Authorize(principal, record, "write");
}

absl::Status AuthorizeDelete(const Principal& principal,
                             const v1::Record& existing) {
  return Authorize(principal, existing, "delete");
}

}  // namespace helixmatch
