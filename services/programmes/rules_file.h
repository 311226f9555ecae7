// Programme rules as data: the eligibility rules of a funding programme,
// one YAML file per programme, read into v1::ProgrammeRules and checked at
// server start; and the registry of the programmes a server knows.
//
// YAML format (see data/demo/programmes/ for complete files). The keys are
// the field names of v1::ProgrammeRules; enum values are written without
// their prefix and in any case (`FIRM`, `firm`, `contract_research`); the
// full names (`ORGANIZATION_KIND_FIRM`) are accepted too:
//
//   id: kz-applied-research          # [A-Za-z0-9._:-], 1..128 bytes
//   name: Applied research with an industry partner
//   research_kinds: [UNIVERSITY, RESEARCH_INSTITUTE]
//   partner_kinds: [FIRM]
//   countries: [KZ]                  # ISO 3166 alpha-2, upper case
//   trl: {min: 3, max: 7}            # both ends, 1..9
//   min_budget_usd: 20000
//   max_budget_usd: 500000
//   min_cofunding_share: 0.2         # cofunding / (budget + cofunding)
//   required_channels: [CONTRACT_RESEARCH, JOINT_RESEARCH]
//   research_programme: true
//   max_duration_months: 36
//   conflict_organizations: [org:prog-applied-research]
//   large_budget_usd: 150000
//
// Omitted keys, empty lists and zero limits mean "no rule". Numbers must be
// plain (unquoted) YAML scalars; booleans are `true` or `false`.
//
// Errors are INVALID_ARGUMENT with the message
// "<source>:<line>:<column>: <field>: <what is wrong>" (1-based line and
// column), e.g. "kz.yaml:7:17: max_budget_usd: -5 is negative".
//
// Thread safety: the functions are pure. A ProgrammeRegistry is immutable
// after Load, so its const methods may be called from many threads.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_RULES_FILE_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_RULES_FILE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

// A rules file larger than this is refused before parsing.
inline constexpr size_t kMaxRulesFileBytes = 1 << 20;
// Board members and reviewers of one programme.
inline constexpr int kMaxConflictOrganizations = 1024;

// Parses and validates one rules file. `source` names the file in errors
// (usually its path). Syntax errors, unknown keys (with a suggestion),
// wrong value types, unknown enum values, duplicate keys and every rule of
// ValidateProgrammeRules are reported with the line and column. Only one
// YAML document per file.
absl::StatusOr<v1::ProgrammeRules> ParseProgrammeRules(
    std::string_view yaml_text, std::string_view source);

// Checks rules that did not come from YAML (or came through another path):
// id and name required, id format, enum values, countries, TRL 1..9 with
// min <= max, amounts finite and >= 0, min_budget_usd <= max_budget_usd,
// min_cofunding_share in 0..1, max_duration_months in 0..120
// (kMaxDurationMonths), at most kMaxConflictOrganizations valid ids in
// conflict_organizations, large_budget_usd <= max_budget_usd, no duplicate
// list entries. Message: "<source>: <field>: <what is wrong>" (no
// position); source may be empty.
absl::Status ValidateProgrammeRules(const v1::ProgrammeRules& rules,
                                    std::string_view source);

// The programmes the server knows, by id.
class ProgrammeRegistry {
 public:
  // An empty registry: Find returns nullptr for every id.
  ProgrammeRegistry() = default;

  // `path` is one .yaml/.yml file or a folder of them. A folder is read
  // non-recursively in file-name order; other files, sub-folders and
  // hidden files (".name") are ignored. Errors: NOT_FOUND when the path
  // does not exist or the folder holds no rules file; INVALID_ARGUMENT for
  // a file that is not .yaml/.yml, a file over kMaxRulesFileBytes, any
  // error of ParseProgrammeRules, and a programme id defined twice (the
  // message names both files); the errno status when a file cannot be
  // read.
  static absl::StatusOr<ProgrammeRegistry> Load(const std::string& path);

  // nullptr when unknown. The pointer stays valid as long as the registry
  // (moving the registry keeps it valid).
  const v1::ProgrammeRules* Find(std::string_view id) const;
  // Every programme, sorted by id.
  std::vector<v1::ProgrammeRules> All() const;
  size_t size() const { return programmes_.size(); }

 private:
  struct Entry {
    v1::ProgrammeRules rules;
    std::string source;  // the file it was read from
  };
  std::map<std::string, Entry, std::less<>> programmes_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_RULES_FILE_H_
