// Programme rules as data (issue 4): the eligibility rules of a funding
// programme, one YAML file per programme, read and checked at server start;
// the checks on a submitted Proposal; and the eligibility test of a proposal
// against one programme's rules.
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
#ifndef HELIXMATCH_SERVICES_PROGRAMME_RULES_H_
#define HELIXMATCH_SERVICES_PROGRAMME_RULES_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

// Limits on a Proposal beyond those of record_validation.h: a proposal is
// a short application, not a document store.
inline constexpr size_t kMaxProposalTitleBytes = 300;
inline constexpr size_t kMaxProposalAbstractBytes = 20000;
inline constexpr size_t kMaxProposalKeywordBytes = 100;
inline constexpr int kMaxDeclaredConflicts = 32;
inline constexpr int kMaxDurationMonths = 120;  // also the rules' limit
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
// min_cofunding_share in 0..1, max_duration_months in 0..120, no duplicate
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
  // a file that is not .yaml/.yml, any error of ParseProgrammeRules, and a
  // programme id defined twice (the message names both files); the errno
  // status when a file cannot be read.
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

// Checks one proposal on its own, before screening. INVALID_ARGUMENT with
// the field path, e.g. "proposal.budget_usd: must be > 0".
//   ids (id, programme_id, university_id, firm_id, need_id if set): the id
//     rule of record_validation.h; firm_id != university_id
//   title: required, <= kMaxProposalTitleBytes; abstract <=
//     kMaxProposalAbstractBytes; unit <= kMaxNameBytes
//   keywords: <= kMaxListItems of 1..kMaxProposalKeywordBytes
//   budget_usd > 0, cofunding_usd >= 0, both finite
//   trl: unknown (0..0) or 1..9 with min <= max
//   channels, benefits: known values, not UNSPECIFIED, <= kMaxListItems
//   duration_months: 0 (unknown) .. kMaxDurationMonths
//   declared_conflicts: <= kMaxDeclaredConflicts non-blank texts of
//     <= kMaxShortTextBytes (free text or organization ids)
absl::Status ValidateProposal(const v1::Proposal& p);

// Applies every eligibility rule the programme sets, in the order of the
// ProgrammeRules fields: research_kinds, partner_kinds, countries, trl,
// min_budget_usd, max_budget_usd, min_cofunding_share, required_channels,
// max_duration_months. Rules left empty or zero give no check. `rule` is
// the rules-file field name; `detail` one sentence, e.g.
// "budget 900000 USD is above max_budget_usd 500000". `countries` gives
// one check covering both partners. Facts the proposal leaves unknown (no
// TRL range, no duration, no channels) fail the rule that needs them.
// `university` and `firm` are the organizations p.university_id and
// p.firm_id name; the caller looks them up. Expects a valid proposal
// (ValidateProposal); NaN amounts fail the budget rules.
//
// Not eligibility rules, so never checked here: conflict_organizations
// (conflicts of interest), research_programme and large_budget_usd
// (screening warnings).
std::vector<v1::RuleCheck> CheckEligibility(const v1::ProgrammeRules& rules,
                                            const v1::Proposal& p,
                                            const v1::Organization& university,
                                            const v1::Organization& firm);

// True when every check passed (also when there are none).
bool Eligible(const std::vector<v1::RuleCheck>& checks);

// The budget above which a pair without earlier interaction is warned
// about: large_budget_usd, else a quarter of max_budget_usd, else 0
// (no threshold).
double LargeBudgetThreshold(const v1::ProgrammeRules& rules);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMME_RULES_H_
