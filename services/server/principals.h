// Who is calling: API tokens mapped to roles, and what each role may
// write. The autonomy guard of barriers.md lives here: a programme reads
// screening reports and aggregates but never creates ties, outcomes or any
// other record on behalf of a university or a firm.
//
// Tokens file (`helixmatch-server --principals FILE`), one principal per
// line, '#' starts a comment:
//
//   sha256:HEX  operator
//   sha256:HEX  organization  ORGANIZATION_ID   # a university, TTO or firm
//   sha256:HEX  programme     ORGANIZATION_ID   # a government programme
//
// HEX is the SHA-256 of the token, 64 hex digits (the documented form:
// `helixmatch token hash` prints such a line for a new random token, so
// the file holds no token itself). A line may also start with the token
// itself: 16..256 bytes of [A-Za-z0-9._~+/=-]. Organization ids follow
// the id rule of record_validation.h; roles are matched in any case. A
// token (or digest) may appear once. Load refuses a file that group or
// others may read or write. Callers send `authorization: Bearer TOKEN`;
// the presented token's digest is compared with every line's in constant
// time. Without a tokens file every caller is an operator (a single-user
// installation: the server then listens on loopback only).
//
// Thread safety: the functions are pure; a PrincipalTable is immutable
// after Parse or Load, so its const methods may be called from many
// threads. ReloadablePrincipals is safe for concurrent use.
#ifndef HELIXMATCH_SERVICES_SERVER_PRINCIPALS_H_
#define HELIXMATCH_SERVICES_SERVER_PRINCIPALS_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"
#include "services/server/token_digest.h"

namespace helixmatch {

enum class Role { kOperator, kOrganization, kProgramme };

struct Principal {
  Role role = Role::kOperator;
  std::string organization_id;  // empty for operators
  // Names the caller's token in the audit log without revealing it
  // (TokenId: "sha256:" and 12 hex digits); empty without a tokens file.
  std::string token_id;
};

std::string RoleName(Role role);  // "operator", "organization", "programme"

class PrincipalTable {
 public:
  // Parses a tokens file. INVALID_ARGUMENT "<source>:<line>: <problem>"
  // for the first bad line (a digest that is not 64 hex digits, token
  // length or characters, missing or unknown role, wrong number of
  // organization ids, a bad id, a token given twice, also once as a
  // digest) and "<source>: no principal defined" for a file without any.
  static absl::StatusOr<PrincipalTable> Parse(absl::string_view text,
                                              absl::string_view source);
  // Parse on the file's contents, with `path` as the source. NOT_FOUND
  // when the file cannot be read; PERMISSION_DENIED naming the mode when
  // group or others may read or write it ("chmod 600").
  static absl::StatusOr<PrincipalTable> Load(const std::string& path);

  // nullptr for an unknown token. Compares the token's digest with every
  // line's in constant time and does not stop at a match, so the time
  // says nothing of which or how many lines are near it. The pointer
  // stays valid as long as the table.
  const Principal* Find(absl::string_view token) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    TokenDigest digest;
    Principal principal;
  };
  std::vector<Entry> entries_;
};

// The principals a server serves with: a tokens file that SIGHUP reloads.
// A reload that fails (unreadable file, bad line, loose permissions)
// keeps the table in use and returns why.
class ReloadablePrincipals {
 public:
  // Loads `path` (errors as PrincipalTable::Load).
  static absl::StatusOr<std::unique_ptr<ReloadablePrincipals>> Load(
      const std::string& path);
  // A fixed table (tests); Reload fails with FAILED_PRECONDITION.
  explicit ReloadablePrincipals(PrincipalTable table);

  // A copy of the caller's principal; nullopt for an unknown token.
  std::optional<Principal> Find(absl::string_view token) const;
  // Reads the file again; OK when the new table is in use.
  absl::Status Reload();
  size_t size() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;  // empty for a fixed table
  mutable std::mutex mu_;
  std::shared_ptr<const PrincipalTable> table_;  // guarded by mu_
};

// Whether `principal` may create or replace `record` (PERMISSION_DENIED
// naming the rule otherwise). Operators may write anything; an
// organization writes its own records (itself, its profiles and needs,
// outcomes it is a party to, which stay its claim until the other party
// confirms them) but no tie: a tie is trust evidence, made only from a
// confirmed outcome or by an operator (an import); a programme writes
// nothing.
absl::Status AuthorizeWrite(const Principal& principal,
                            const v1::Record& record);
// Same rules for deleting the stored record `existing`, except that an
// organization may delete a tie it is a party to (which lowers trust
// only).
absl::Status AuthorizeDelete(const Principal& principal,
                             const v1::Record& existing);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SERVER_PRINCIPALS_H_
