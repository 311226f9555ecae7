// The rules file is read by YamlMessageReader, driven by the
// ProgrammeRules descriptor, so the format cannot drift from the contract.
// Validation runs on the proto afterwards; the reader remembers where each
// field was written, so that a validation error still points at its line.
#include "services/programmes/rules_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "indexer/record_validation.h"
#include "services/programmes/proposal_validation.h"
#include "services/programmes/value_text.h"
#include "services/programmes/yaml_message_reader.h"

namespace helixmatch {
namespace {

namespace pb = google::protobuf;

// Debian's Abseil keeps its own string_view type; the public API of this
// file takes std::string_view.
absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

// ------------------------------------------------------------ rule checks

// Validation helpers of record_validation.h report "<path>: <what>"; keep
// the <what>.
FieldProblem FromStatus(absl::string_view field, const absl::Status& status) {
  absl::string_view what = status.message();
  absl::ConsumePrefix(&what, absl::StrCat(field, ": "));
  return FieldProblem{std::string(field), std::string(what)};
}

template <typename List>
std::optional<FieldProblem> CheckListSize(const List& items,
                                          absl::string_view path,
                                          int max_items) {
  if (items.size() > max_items) {
    return FieldProblem{
        std::string(path),
        absl::StrCat("has ", items.size(), " items, the limit is ", max_items)};
  }
  return std::nullopt;
}

// "path[i]: X is already listed at path[j]" for the first repeated item.
template <typename List, typename Name>
std::optional<FieldProblem> CheckNoDuplicates(const List& items,
                                              absl::string_view path,
                                              Name name) {
  std::map<std::string, int> first_index;
  for (int i = 0; i < items.size(); ++i) {
    const std::string item = name(items[i]);
    if (auto [it, inserted] = first_index.emplace(item, i); !inserted) {
      return FieldProblem{absl::StrCat(path, "[", i, "]"),
                          absl::StrCat(item, " is already listed at ", path,
                                       "[", it->second, "]")};
    }
  }
  return std::nullopt;
}

template <typename List>
std::optional<FieldProblem> CheckEnumRuleList(const List& values,
                                              absl::string_view path,
                                              const pb::EnumDescriptor* type) {
  if (auto problem = CheckListSize(values, path, kMaxListItems)) return problem;
  for (int i = 0; i < values.size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (type->FindValueByNumber(values[i]) == nullptr) {
      return FieldProblem{item_path, absl::StrCat("unknown value ", values[i])};
    }
    if (values[i] == 0) {
      return FieldProblem{
          item_path, absl::StrCat("UNSPECIFIED is not allowed; name one "
                                  "of ",
                                  absl::StrJoin(AllowedEnumNames(type), ", "))};
    }
  }
  return CheckNoDuplicates(
      values, path, [type](int value) { return ShortEnumName(type, value); });
}

std::optional<FieldProblem> CheckRuleAmount(double value,
                                            absl::string_view path) {
  if (!std::isfinite(value)) {
    return FieldProblem{std::string(path),
                        absl::StrCat(value, " is not a finite number")};
  }
  if (value < 0) {
    return FieldProblem{std::string(path),
                        absl::StrCat(FormatAmount(value), " is negative")};
  }
  return std::nullopt;
}

bool IsUpperAlpha2(absl::string_view country) {
  return country.size() == 2 && absl::ascii_isupper(country[0]) &&
         absl::ascii_isupper(country[1]);
}

std::optional<FieldProblem> CheckIdAndName(const v1::ProgrammeRules& r) {
  if (auto s = ValidateId(r.id(), "id"); !s.ok()) return FromStatus("id", s);
  if (absl::StripAsciiWhitespace(r.name()).empty()) {
    return FieldProblem{"name", "is required"};
  }
  if (r.name().size() > kMaxNameBytes) {
    return FieldProblem{
        "name", absl::StrCat("is ", r.name().size(), " bytes, the limit is ",
                             kMaxNameBytes)};
  }
  return std::nullopt;
}

std::optional<FieldProblem> CheckOrganizationKinds(
    const v1::ProgrammeRules& r) {
  if (auto problem = CheckEnumRuleList(r.research_kinds(), "research_kinds",
                                       v1::OrganizationKind_descriptor())) {
    return problem;
  }
  return CheckEnumRuleList(r.partner_kinds(), "partner_kinds",
                           v1::OrganizationKind_descriptor());
}

std::optional<FieldProblem> CheckCountries(const v1::ProgrammeRules& r) {
  if (auto problem = CheckListSize(r.countries(), "countries", kMaxListItems)) {
    return problem;
  }
  for (int i = 0; i < r.countries_size(); ++i) {
    if (!IsUpperAlpha2(r.countries(i))) {
      return FieldProblem{
          absl::StrCat("countries[", i, "]"),
          absl::StrCat(Excerpt(r.countries(i)),
                       " is not an ISO 3166 alpha-2 code (two upper-case "
                       "letters, e.g. KZ)")};
    }
  }
  return CheckNoDuplicates(r.countries(), "countries",
                           [](const std::string& c) { return c; });
}

std::optional<FieldProblem> CheckTrl(const v1::ProgrammeRules& r) {
  const v1::TrlRange& trl = r.trl();
  if (trl.min() == 0 && trl.max() == 0) return std::nullopt;  // no rule
  const std::pair<int, const char*> ends[] = {{trl.min(), "trl.min"},
                                              {trl.max(), "trl.max"}};
  for (const auto& [value, name] : ends) {
    if (value != 0 && (value < 1 || value > 9)) {
      return FieldProblem{name, absl::StrCat(value, " is outside 1..9")};
    }
  }
  // The proto cannot tell a missing end from a 0.
  for (const auto& [value, name] : ends) {
    if (value == 0) {
      return FieldProblem{name,
                          "is missing or 0; a TRL rule needs both ends in "
                          "1..9 (write trl: {min: 1, max: 9} for no limit)"};
    }
  }
  if (trl.min() > trl.max()) {
    return FieldProblem{
        "trl.min", absl::StrCat(trl.min(), " is above trl.max ", trl.max())};
  }
  return std::nullopt;
}

std::optional<FieldProblem> CheckBudgetRange(const v1::ProgrammeRules& r) {
  if (auto problem = CheckRuleAmount(r.min_budget_usd(), "min_budget_usd")) {
    return problem;
  }
  if (auto problem = CheckRuleAmount(r.max_budget_usd(), "max_budget_usd")) {
    return problem;
  }
  if (r.max_budget_usd() > 0 && r.min_budget_usd() > r.max_budget_usd()) {
    return FieldProblem{"min_budget_usd",
                        absl::StrCat(FormatAmount(r.min_budget_usd()),
                                     " is above max_budget_usd ",
                                     FormatAmount(r.max_budget_usd()))};
  }
  return std::nullopt;
}

std::optional<FieldProblem> CheckCofundingShare(const v1::ProgrammeRules& r) {
  if (!(r.min_cofunding_share() >= 0 && r.min_cofunding_share() <= 1)) {
    return FieldProblem{"min_cofunding_share",
                        absl::StrCat(r.min_cofunding_share(),
                                     " is outside 0..1 (a share: 0.2 means "
                                     "20%)")};
  }
  return std::nullopt;
}

std::optional<FieldProblem> CheckRequiredChannels(const v1::ProgrammeRules& r) {
  return CheckEnumRuleList(r.required_channels(), "required_channels",
                           v1::Channel_descriptor());
}

std::optional<FieldProblem> CheckMaxDuration(const v1::ProgrammeRules& r) {
  if (r.max_duration_months() < 0 ||
      r.max_duration_months() > kMaxDurationMonths) {
    return FieldProblem{"max_duration_months",
                        absl::StrCat(r.max_duration_months(), " is outside 0..",
                                     kMaxDurationMonths)};
  }
  return std::nullopt;
}

std::optional<FieldProblem> CheckConflictOrganizations(
    const v1::ProgrammeRules& r) {
  if (auto problem =
          CheckListSize(r.conflict_organizations(), "conflict_organizations",
                        kMaxConflictOrganizations)) {
    return problem;
  }
  for (int i = 0; i < r.conflict_organizations_size(); ++i) {
    const std::string path = absl::StrCat("conflict_organizations[", i, "]");
    if (auto s = ValidateId(r.conflict_organizations(i), path); !s.ok()) {
      return FromStatus(path, s);
    }
  }
  return CheckNoDuplicates(
      r.conflict_organizations(), "conflict_organizations",
      [](const std::string& id) { return absl::StrCat("'", id, "'"); });
}

std::optional<FieldProblem> CheckLargeBudget(const v1::ProgrammeRules& r) {
  if (auto problem =
          CheckRuleAmount(r.large_budget_usd(), "large_budget_usd")) {
    return problem;
  }
  if (r.max_budget_usd() > 0 && r.large_budget_usd() > r.max_budget_usd()) {
    return FieldProblem{
        "large_budget_usd",
        absl::StrCat(FormatAmount(r.large_budget_usd()),
                     " is above max_budget_usd ",
                     FormatAmount(r.max_budget_usd()),
                     ", so no eligible proposal would be warned about")};
  }
  return std::nullopt;
}

// Every rule of ValidateProgrammeRules, in field order; the first problem
// only.
std::optional<FieldProblem> FindRulesProblem(const v1::ProgrammeRules& r) {
  using RulesCheck = std::optional<FieldProblem> (*)(const v1::ProgrammeRules&);
  for (RulesCheck check :
       {CheckIdAndName, CheckOrganizationKinds, CheckCountries, CheckTrl,
        CheckBudgetRange, CheckCofundingShare, CheckRequiredChannels,
        CheckMaxDuration, CheckConflictOrganizations, CheckLargeBudget}) {
    if (auto problem = check(r)) return problem;
  }
  return std::nullopt;
}

// ------------------------------------------------------------ files

bool HasRulesExtension(const std::filesystem::path& path) {
  const std::string extension =
      absl::AsciiStrToLower(path.extension().string());
  return extension == ".yaml" || extension == ".yml";
}

absl::StatusOr<std::string> ReadRulesFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
      std::fopen(path.c_str(), "rb"), &std::fclose);
  if (file == nullptr) {
    return absl::ErrnoToStatus(errno, absl::StrCat(path, ": cannot open"));
  }
  std::string text;
  char buffer[64 * 1024];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    text.append(buffer, got);
    if (text.size() > kMaxRulesFileBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": is over ", kMaxRulesFileBytes,
                       " bytes, the limit for a rules file"));
    }
  }
  if (std::ferror(file.get())) {
    return absl::ErrnoToStatus(errno, absl::StrCat(path, ": cannot read"));
  }
  return text;
}

// The rules files `path` names: itself, or the rules files of the folder
// in file-name order. Errors as ProgrammeRegistry::Load.
absl::StatusOr<std::vector<std::filesystem::path>> RulesFiles(
    const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    return absl::NotFoundError(
        absl::StrCat(path, ": no such programme rules file or folder"));
  }
  if (!fs::is_directory(status)) {
    if (!HasRulesExtension(path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": a programme rules file must end in .yaml or .yml"));
    }
    return std::vector<fs::path>{path};
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    const fs::path& file = it->path();
    if (file.filename().string().starts_with(".")) continue;
    if (!HasRulesExtension(file)) continue;
    std::error_code type_error;
    if (!it->is_regular_file(type_error)) continue;
    files.push_back(file);
  }
  if (error) {
    return absl::ErrnoToStatus(error.value(),
                               absl::StrCat(path, ": cannot list the folder"));
  }
  if (files.empty()) {
    return absl::NotFoundError(absl::StrCat(
        path, ": the folder holds no programme rules (*.yaml, *.yml)"));
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

absl::StatusOr<v1::ProgrammeRules> ParseProgrammeRules(
    std::string_view yaml_text, std::string_view source_view) {
  const absl::string_view source = AsAbsl(source_view);
  if (yaml_text.size() > kMaxRulesFileBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": is ", yaml_text.size(), " bytes, the limit is ",
                     kMaxRulesFileBytes));
  }
  // yaml-cpp reports errors by exception; they end here.
  try {
    const std::vector<YAML::Node> documents =
        YAML::LoadAll(std::string(yaml_text));
    if (documents.empty()) {
      return absl::InvalidArgumentError(Describe(
          source, FieldProblem{"",
                               "the file has no rules (expected id, name "
                               "and the programme's rules)",
                               YAML::Mark()}));
    }
    if (documents.size() > 1) {
      return absl::InvalidArgumentError(Describe(
          source, FieldProblem{"",
                               "a second YAML document ('---'): put each "
                               "programme in its own file",
                               documents[1].Mark()}));
    }
    v1::ProgrammeRules rules;
    YamlMessageReader reader("a mapping of rules (id: ..., name: ...)");
    if (auto problem = reader.ReadMessage(documents[0], "", rules)) {
      return absl::InvalidArgumentError(Describe(source, *problem));
    }
    if (auto problem = FindRulesProblem(rules)) {
      problem->mark = reader.MarkOf(problem->field);
      return absl::InvalidArgumentError(Describe(source, *problem));
    }
    return rules;
  } catch (const YAML::ParserException& e) {
    // The mark is where the parser stopped, at or just after the mistake.
    return absl::InvalidArgumentError(Describe(
        source,
        FieldProblem{"", absl::StrCat("YAML syntax error: ", e.msg), e.mark}));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(Describe(
        source,
        FieldProblem{"", absl::StrCat("cannot read YAML: ", e.msg), e.mark}));
  }
}

absl::Status ValidateProgrammeRules(const v1::ProgrammeRules& rules,
                                    std::string_view source) {
  if (auto problem = FindRulesProblem(rules)) {
    return absl::InvalidArgumentError(Describe(AsAbsl(source), *problem));
  }
  return absl::OkStatus();
}

absl::StatusOr<ProgrammeRegistry> ProgrammeRegistry::Load(
    const std::string& path) {
  absl::StatusOr<std::vector<std::filesystem::path>> files = RulesFiles(path);
  if (!files.ok()) return files.status();
  ProgrammeRegistry registry;
  for (const std::filesystem::path& file : *files) {
    const std::string source = file.string();
    absl::StatusOr<std::string> text = ReadRulesFile(source);
    if (!text.ok()) return text.status();
    absl::StatusOr<v1::ProgrammeRules> rules =
        ParseProgrammeRules(*text, source);
    if (!rules.ok()) return rules.status();
    const std::string id = rules->id();
    auto [it, inserted] =
        registry.programmes_.try_emplace(id, Entry{std::move(*rules), source});
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": id: programme '", id,
                       "' is already defined in ", it->second.source));
    }
  }
  return registry;
}

const v1::ProgrammeRules* ProgrammeRegistry::Find(std::string_view id) const {
  auto it = programmes_.find(id);
  return it == programmes_.end() ? nullptr : &it->second.rules;
}

std::vector<v1::ProgrammeRules> ProgrammeRegistry::All() const {
  std::vector<v1::ProgrammeRules> all;
  all.reserve(programmes_.size());
  for (const auto& [id, entry] : programmes_) all.push_back(entry.rules);
  return all;
}

}  // namespace helixmatch
