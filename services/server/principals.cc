#include "services/server/principals.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
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
  std::map<std::string, int, std::less<>> line_of;
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
    const absl::string_view token = fields[0];
    if (token.size() < kMinTokenBytes || token.size() > kMaxTokenBytes) {
      return error(absl::StrCat("token is ", token.size(), " bytes; allowed ",
                                kMinTokenBytes, "..", kMaxTokenBytes));
    }
    for (char c : token) {
      if (!TokenChar(c)) {
        return error("token has a character outside [A-Za-z0-9._~+/=-]");
      }
    }
    if (fields.size() < 2) {
      return error(
          "role is missing (operator, organization ORGANIZATION_ID or "
          "programme ORGANIZATION_ID)");
    }
    Principal p;
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
    if (auto [it, inserted] = line_of.emplace(std::string(token), line_number);
        !inserted) {
      return error(absl::StrCat("token already given on line ", it->second));
    }
    table.by_token_.emplace(std::string(token), std::move(p));
  }
  if (table.by_token_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": no principal defined"));
  }
  return table;
}

absl::StatusOr<PrincipalTable> PrincipalTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("principals file '", path, "' cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

const Principal* PrincipalTable::Find(absl::string_view token) const {
  auto it = by_token_.find(token);
  return it == by_token_.end() ? nullptr : &it->second;
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
