// Who is calling: API tokens mapped to roles, and what each role may
// write. The autonomy guard of barriers.md lives here: a programme reads
// screening reports and aggregates but never creates ties, outcomes or any
// other record on behalf of a university or a firm.
//
// Tokens file (`helixmatch-server --principals FILE`), one principal per
// line, '#' starts a comment:
//
//   TOKEN  operator
//   TOKEN  organization  ORGANIZATION_ID   # a university, TTO or firm
//   TOKEN  programme     ORGANIZATION_ID   # a government programme
//
// Tokens are 16..256 bytes of [A-Za-z0-9._~+/=-]; organization ids follow
// the id rule of record_validation.h; roles are matched in any case. Callers
// send `authorization: Bearer TOKEN` metadata. Without a tokens file every
// caller is an operator (a single-user installation; the server logs it).
//
// Thread safety: the functions are pure; a PrincipalTable is immutable
// after Parse or Load, so its const methods may be called from many
// threads.
#ifndef HELIXMATCH_SERVICES_SERVER_PRINCIPALS_H_
#define HELIXMATCH_SERVICES_SERVER_PRINCIPALS_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

enum class Role { kOperator, kOrganization, kProgramme };

struct Principal {
  Role role = Role::kOperator;
  std::string organization_id;  // empty for operators
};

std::string RoleName(Role role);  // "operator", "organization", "programme"

class PrincipalTable {
 public:
  // Parses a tokens file. INVALID_ARGUMENT "<source>:<line>: <problem>"
  // for the first bad line (token length or characters, missing or unknown
  // role, wrong number of organization ids, a bad id, a token given twice)
  // and "<source>: no principal defined" for a file without any.
  static absl::StatusOr<PrincipalTable> Parse(absl::string_view text,
                                              absl::string_view source);
  // Parse on the file's contents, with `path` as the source. NOT_FOUND
  // when the file cannot be read.
  static absl::StatusOr<PrincipalTable> Load(const std::string& path);

  // nullptr for an unknown token. The pointer stays valid as long as the
  // table.
  const Principal* Find(absl::string_view token) const;
  size_t size() const { return by_token_.size(); }

 private:
  std::map<std::string, Principal, std::less<>> by_token_;
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
