// Programme rules files (YAML) read into v1::ProgrammeRules, the checks on
// rules and on proposals, and the eligibility test. See programme_rules.h.
//
// The YAML reader is driven by the ProgrammeRules descriptor: the allowed
// keys are the proto field names and each value is read by its field's
// type, so the file format cannot drift from the contract. Validation runs
// on the proto; the reader remembers where each field was written so that
// a validation error still points at its line.
#include "services/programme_rules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "indexer/record_validation.h"

namespace helixmatch {
namespace {

namespace pb = google::protobuf;

// Debian's Abseil keeps its own string_view type; the public API of this
// file takes std::string_view.
absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

// ------------------------------------------------------------ enum names

// "ORGANIZATION_KIND_" for OrganizationKind: the name of value 0 without
// "UNSPECIFIED" (every enum of the contract follows that convention).
absl::string_view EnumPrefix(const pb::EnumDescriptor* type) {
  const pb::EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero == nullptr) return "";
  absl::string_view name = zero->name();
  absl::ConsumeSuffix(&name, "UNSPECIFIED");
  return name;
}

// "FIRM" for ORGANIZATION_KIND_FIRM.
std::string ShortEnumName(const pb::EnumDescriptor* type, int number) {
  const pb::EnumValueDescriptor* value = type->FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat("unknown value ", number);
  absl::string_view name = value->name();
  absl::ConsumePrefix(&name, EnumPrefix(type));
  return std::string(name);
}

template <typename Numbers>
std::string ShortEnumNames(const pb::EnumDescriptor* type,
                           const Numbers& numbers) {
  return absl::StrJoin(numbers, ", ", [type](std::string* out, int number) {
    out->append(ShortEnumName(type, number));
  });
}

// The values a rules file may name: every value but UNSPECIFIED.
std::vector<std::string> AllowedEnumNames(const pb::EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) {
      names.push_back(ShortEnumName(type, type->value(i)->number()));
    }
  }
  return names;
}

// "firm", "FIRM" or "ORGANIZATION_KIND_FIRM"; nullopt when unknown or
// UNSPECIFIED.
std::optional<int> ParseEnumName(const pb::EnumDescriptor* type,
                                 absl::string_view text) {
  std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  const absl::string_view prefix = EnumPrefix(type);
  if (!absl::StartsWith(name, prefix)) name = absl::StrCat(prefix, name);
  const pb::EnumValueDescriptor* value = type->FindValueByName(name);
  if (value == nullptr || value->number() == 0) return std::nullopt;
  return value->number();
}

// ------------------------------------------------------------ suggestions

size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The candidate `word` most likely misspells (ignoring case), if any is
// close: a few edits away, or one is a prefix of the other.
std::optional<std::string> Nearest(absl::string_view word,
                                   const std::vector<std::string>& candidates) {
  const std::string upper_word = absl::AsciiStrToUpper(word);
  const size_t limit = std::max<size_t>(2, word.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const std::string upper = absl::AsciiStrToUpper(candidate);
    size_t distance = EditDistance(upper_word, upper);
    if (upper_word.size() >= 3 && (absl::StartsWith(upper, upper_word) ||
                                   absl::StartsWith(upper_word, upper))) {
      distance = std::min(distance, limit);
    }
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

// ------------------------------------------------------------ problems

// One thing wrong with a rules file: the field path ("countries[1]",
// "trl.min"; empty for the file as a whole), what is wrong, and where it
// was written when known.
struct FieldProblem {
  std::string field;
  std::string what;
  YAML::Mark mark = YAML::Mark::null_mark();
};

// "<source>:<line>:<column>: <field>: <what>", 1-based; the parts that are
// unknown are left out.
std::string Describe(absl::string_view source, const FieldProblem& problem) {
  std::string out(source);
  if (!problem.mark.is_null()) {
    absl::StrAppend(&out, ":", problem.mark.line + 1, ":",
                    problem.mark.column + 1);
  }
  if (!out.empty()) out += ": ";
  if (!problem.field.empty()) absl::StrAppend(&out, problem.field, ": ");
  out += problem.what;
  return out;
}

// Validation helpers of record_validation.h report "<path>: <what>"; keep
// the <what>.
FieldProblem FromStatus(absl::string_view field, const absl::Status& status) {
  absl::string_view what = status.message();
  absl::ConsumePrefix(&what, absl::StrCat(field, ": "));
  return FieldProblem{std::string(field), std::string(what)};
}

// A scalar as it appears in an error: quoted, escaped, at most 60 bytes.
std::string Excerpt(absl::string_view text) {
  constexpr size_t kMaxBytes = 60;
  if (text.size() <= kMaxBytes) {
    return absl::StrCat("'", absl::Utf8SafeCHexEscape(text), "'");
  }
  size_t cut = kMaxBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;  // do not split a UTF-8 sequence
  }
  return absl::StrCat("'", absl::Utf8SafeCHexEscape(text.substr(0, cut)),
                      "...'");
}

std::string DescribeNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      return absl::StrCat(node.Tag() == "!" ? "the quoted text " : "",
                          Excerpt(node.Scalar()));
    case YAML::NodeType::Undefined:
      break;
  }
  return "an undefined value";
}

// Numbers and booleans must be plain scalars: a quoted "500000" is text.
bool IsPlainScalar(const YAML::Node& node) {
  return node.IsScalar() && node.Tag() != "!";
}

// ------------------------------------------------------------ YAML reader

std::string JoinPath(absl::string_view path, absl::string_view name) {
  return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
}

std::string UnknownKeyMessage(const pb::Descriptor* type,
                              absl::string_view key) {
  std::vector<std::string> allowed;
  for (int i = 0; i < type->field_count(); ++i) {
    allowed.push_back(type->field(i)->name());
  }
  if (auto nearest = Nearest(key, allowed)) {
    return absl::StrCat("unknown key; did you mean '", *nearest, "'?");
  }
  return absl::StrCat("unknown key; the keys are ",
                      absl::StrJoin(allowed, ", "));
}

std::string UnknownEnumMessage(const pb::EnumDescriptor* type,
                               const YAML::Node& node) {
  const std::vector<std::string> allowed = AllowedEnumNames(type);
  std::string message;
  if (!node.IsScalar()) {
    message = absl::StrCat("expected a value name, got ", DescribeNode(node));
  } else {
    message = absl::StrCat("unknown value ", Excerpt(node.Scalar()));
    if (auto nearest = Nearest(node.Scalar(), allowed)) {
      absl::StrAppend(&message, "; did you mean ", *nearest, "?");
    }
  }
  // Long enums (18 channels) are listed in full: the reader needs the
  // exact spelling, and the list is the quickest reference.
  absl::StrAppend(&message, " (allowed: ", absl::StrJoin(allowed, ", "), ")");
  return message;
}

// Reads YAML mappings into messages field by field and remembers where
// each field and list item was written.
class RulesReader {
 public:
  // Fills `message` from the mapping `node`; `path` is the field path of
  // `message` ("" for the file's root).
  std::optional<FieldProblem> ReadMessage(const YAML::Node& node,
                                          const std::string& path,
                                          pb::Message& message) {
    // The parent has already recorded a nested message's position.
    const YAML::Mark mark = marks_.emplace(path, node.Mark()).first->second;
    if (!node.IsMap()) {
      return FieldProblem{
          path,
          absl::StrCat(path.empty() ? "expected a mapping of rules (id: ..., "
                                      "name: ...), got "
                                    : "expected a mapping, got ",
                       DescribeNode(node)),
          mark};
    }
    const pb::Descriptor* type = message.GetDescriptor();
    std::map<std::string, YAML::Mark> seen;
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      const YAML::Node& value = entry.second;
      if (!key.IsScalar()) {
        return FieldProblem{
            path, absl::StrCat("expected a key name, got ", DescribeNode(key)),
            key.Mark()};
      }
      const std::string field_path = JoinPath(path, key.Scalar());
      if (auto [first, inserted] = seen.emplace(key.Scalar(), key.Mark());
          !inserted) {
        return FieldProblem{field_path,
                            absl::StrCat("duplicate key (first on line ",
                                         first->second.line + 1, ")"),
                            key.Mark()};
      }
      const pb::FieldDescriptor* field = type->FindFieldByName(key.Scalar());
      if (field == nullptr) {
        return FieldProblem{field_path, UnknownKeyMessage(type, key.Scalar()),
                            key.Mark()};
      }
      // An empty value has no useful position of its own (yaml-cpp puts
      // it at the start of the next line): point at the key.
      const YAML::Mark mark = value.IsNull() ? key.Mark() : value.Mark();
      marks_[field_path] = mark;
      if (auto problem = ReadField(value, field_path, mark, field, message)) {
        return problem;
      }
    }
    return std::nullopt;
  }

  // Where `field` was written; for a field that was not (e.g. a missing
  // required key) the nearest enclosing one, at worst the file's root.
  YAML::Mark MarkOf(std::string field) const {
    while (true) {
      if (auto it = marks_.find(field); it != marks_.end()) return it->second;
      if (field.empty()) return YAML::Mark::null_mark();
      const size_t cut = field.find_last_of(".[");
      field.resize(cut == std::string::npos ? 0 : cut);
    }
  }

 private:
  std::optional<FieldProblem> ReadField(const YAML::Node& value,
                                        const std::string& path,
                                        const YAML::Mark& mark,
                                        const pb::FieldDescriptor* field,
                                        pb::Message& message) {
    if (!field->is_repeated()) {
      return ReadValue(value, path, mark, field, message);
    }
    if (!value.IsSequence()) {
      return FieldProblem{path,
                          absl::StrCat("expected a list such as [a, b], got ",
                                       DescribeNode(value)),
                          mark};
    }
    size_t i = 0;
    for (const YAML::Node& item : value) {
      const std::string item_path = absl::StrCat(path, "[", i++, "]");
      const YAML::Mark item_mark = item.IsNull() ? mark : item.Mark();
      marks_[item_path] = item_mark;
      if (auto problem =
              ReadValue(item, item_path, item_mark, field, message)) {
        return problem;
      }
    }
    return std::nullopt;
  }

  // Reads one value of `field`: sets it, or appends it to a repeated field.
  std::optional<FieldProblem> ReadValue(const YAML::Node& node,
                                        const std::string& path,
                                        const YAML::Mark& mark,
                                        const pb::FieldDescriptor* field,
                                        pb::Message& message) {
    const pb::Reflection* reflection = message.GetReflection();
    const bool repeated = field->is_repeated();
    const auto wrong_type = [&](absl::string_view expected) {
      return FieldProblem{
          path,
          absl::StrCat("expected ", expected, ", got ", DescribeNode(node)),
          mark};
    };
    switch (field->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
        pb::Message* child = repeated
                                 ? reflection->AddMessage(&message, field)
                                 : reflection->MutableMessage(&message, field);
        return ReadMessage(node, path, *child);
      }
      case pb::FieldDescriptor::CPPTYPE_STRING: {
        if (!node.IsScalar()) return wrong_type("a text");
        if (repeated) {
          reflection->AddString(&message, field, node.Scalar());
        } else {
          reflection->SetString(&message, field, node.Scalar());
        }
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        const std::optional<int> number =
            node.IsScalar() ? ParseEnumName(field->enum_type(), node.Scalar())
                            : std::nullopt;
        if (!number) {
          return FieldProblem{
              path, UnknownEnumMessage(field->enum_type(), node), mark};
        }
        if (repeated) {
          reflection->AddEnumValue(&message, field, *number);
        } else {
          reflection->SetEnumValue(&message, field, *number);
        }
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
        double number = 0;
        if (!IsPlainScalar(node) || !absl::SimpleAtod(node.Scalar(), &number)) {
          return wrong_type("a number");
        }
        if (repeated) {
          reflection->AddDouble(&message, field, number);
        } else {
          reflection->SetDouble(&message, field, number);
        }
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_INT32: {
        int32_t number = 0;
        if (!IsPlainScalar(node) || !absl::SimpleAtoi(node.Scalar(), &number)) {
          double whole = 0;
          if (IsPlainScalar(node) && absl::SimpleAtod(node.Scalar(), &whole) &&
              std::isfinite(whole) && whole == std::trunc(whole)) {
            return FieldProblem{
                path, absl::StrCat(node.Scalar(), " is out of range"), mark};
          }
          return wrong_type("a whole number");
        }
        if (repeated) {
          reflection->AddInt32(&message, field, number);
        } else {
          reflection->SetInt32(&message, field, number);
        }
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_BOOL: {
        const std::string text =
            IsPlainScalar(node) ? absl::AsciiStrToLower(node.Scalar()) : "";
        if (text != "true" && text != "false") {
          return wrong_type("true or false");
        }
        if (repeated) {
          reflection->AddBool(&message, field, text == "true");
        } else {
          reflection->SetBool(&message, field, text == "true");
        }
        return std::nullopt;
      }
      default:
        break;
    }
    // Only reached if the contract gains a field type this reader does not
    // know yet (int64, float, bytes ...).
    return FieldProblem{path,
                        absl::StrCat("fields of type ", field->cpp_type_name(),
                                     " cannot be read from YAML yet"),
                        mark};
  }

  std::map<std::string, YAML::Mark> marks_;  // field path -> position
};

// ------------------------------------------------------------ rule checks

// Amounts print whole when they are whole: "900000", else "1234.50".
std::string FormatAmount(double value) {
  if (std::isfinite(value) && std::abs(value) < 1e15 &&
      value == std::trunc(value)) {
    return absl::StrFormat("%.0f", value);
  }
  if (std::isfinite(value)) return absl::StrFormat("%.2f", value);
  return absl::StrCat(value);  // "nan", "inf"
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

// Every rule of ValidateProgrammeRules, first problem only.
std::optional<FieldProblem> FindRulesProblem(const v1::ProgrammeRules& r) {
  if (auto s = ValidateId(r.id(), "id"); !s.ok()) return FromStatus("id", s);
  if (absl::StripAsciiWhitespace(r.name()).empty()) {
    return FieldProblem{"name", "is required"};
  }
  if (r.name().size() > kMaxNameBytes) {
    return FieldProblem{
        "name", absl::StrCat("is ", r.name().size(), " bytes, the limit is ",
                             kMaxNameBytes)};
  }
  if (auto problem = CheckEnumRuleList(r.research_kinds(), "research_kinds",
                                       v1::OrganizationKind_descriptor())) {
    return problem;
  }
  if (auto problem = CheckEnumRuleList(r.partner_kinds(), "partner_kinds",
                                       v1::OrganizationKind_descriptor())) {
    return problem;
  }

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
  if (auto problem = CheckNoDuplicates(
          r.countries(), "countries", [](const std::string& c) { return c; })) {
    return problem;
  }

  const v1::TrlRange& trl = r.trl();
  if (trl.min() != 0 || trl.max() != 0) {
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
  }

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
  if (!(r.min_cofunding_share() >= 0 && r.min_cofunding_share() <= 1)) {
    return FieldProblem{"min_cofunding_share",
                        absl::StrCat(r.min_cofunding_share(),
                                     " is outside 0..1 (a share: 0.2 means "
                                     "20%)")};
  }
  if (auto problem =
          CheckEnumRuleList(r.required_channels(), "required_channels",
                            v1::Channel_descriptor())) {
    return problem;
  }
  if (r.max_duration_months() < 0 ||
      r.max_duration_months() > kMaxDurationMonths) {
    return FieldProblem{"max_duration_months",
                        absl::StrCat(r.max_duration_months(), " is outside 0..",
                                     kMaxDurationMonths)};
  }

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
  if (auto problem = CheckNoDuplicates(
          r.conflict_organizations(), "conflict_organizations",
          [](const std::string& id) { return absl::StrCat("'", id, "'"); })) {
    return problem;
  }

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

// ------------------------------------------------------------ proposals

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::Status CheckProposalText(absl::string_view text, absl::string_view path,
                               size_t max_bytes, bool required) {
  if (required && absl::StripAsciiWhitespace(text).empty()) {
    return Invalid(path, "is required");
  }
  if (text.size() > max_bytes) {
    return Invalid(path, absl::StrCat("is ", text.size(),
                                      " bytes, the limit is ", max_bytes));
  }
  return absl::OkStatus();
}

template <typename List>
absl::Status CheckProposalTexts(const List& items, absl::string_view path,
                                int max_items, size_t max_bytes) {
  if (items.size() > max_items) {
    return Invalid(path, absl::StrCat("has ", items.size(),
                                      " items, the limit is ", max_items));
  }
  for (int i = 0; i < items.size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (absl::StripAsciiWhitespace(items[i]).empty()) {
      return Invalid(item_path, "is empty");
    }
    if (auto s = CheckProposalText(items[i], item_path, max_bytes, false);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

template <typename List>
absl::Status CheckProposalEnums(const List& values, absl::string_view path,
                                const pb::EnumDescriptor* type) {
  if (values.size() > kMaxListItems) {
    return Invalid(path, absl::StrCat("has ", values.size(),
                                      " items, the limit is ", kMaxListItems));
  }
  for (int i = 0; i < values.size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (type->FindValueByNumber(values[i]) == nullptr) {
      return Invalid(item_path, absl::StrCat("unknown value ", values[i]));
    }
    if (values[i] == 0) return Invalid(item_path, "must not be UNSPECIFIED");
  }
  return absl::OkStatus();
}

absl::Status CheckProposalAmount(double value, absl::string_view path,
                                 bool zero_allowed) {
  if (!std::isfinite(value)) {
    return Invalid(path, absl::StrCat(value, " is not a finite number"));
  }
  if (zero_allowed ? value < 0 : value <= 0) {
    return Invalid(path,
                   absl::StrCat(zero_allowed ? "must be >= 0" : "must be > 0",
                                " (got ", FormatAmount(value), ")"));
  }
  return absl::OkStatus();
}

// ------------------------------------------------------------ eligibility

v1::RuleCheck MakeCheck(absl::string_view rule, bool passed,
                        std::string detail) {
  v1::RuleCheck check;
  check.set_rule(std::string(rule));
  check.set_passed(passed);
  check.set_detail(std::move(detail));
  return check;
}

template <typename List>
bool Contains(const List& list, const typename List::value_type& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Named(absl::string_view role, const v1::Organization& org) {
  return absl::StrCat(role, " '", org.id(), "'");
}

v1::RuleCheck CheckKind(absl::string_view rule, absl::string_view role,
                        const v1::Organization& org,
                        const pb::RepeatedField<int>& allowed) {
  const pb::EnumDescriptor* type = v1::OrganizationKind_descriptor();
  const std::string allows =
      absl::StrCat("the programme allows ", ShortEnumNames(type, allowed));
  if (org.kind() == v1::ORGANIZATION_KIND_UNSPECIFIED) {
    return MakeCheck(
        rule, false,
        absl::StrCat(Named(role, org), " has no kind on record; ", allows));
  }
  return MakeCheck(rule, Contains(allowed, org.kind()),
                   absl::StrCat(Named(role, org), " is ",
                                ShortEnumName(type, org.kind()), "; ", allows));
}

v1::RuleCheck CheckCountries(const v1::ProgrammeRules& rules,
                             const v1::Organization& university,
                             const v1::Organization& firm) {
  std::vector<std::string> failing;
  std::vector<std::string> all;
  for (const auto& [role, org] :
       {std::pair{"university", &university}, std::pair{"firm", &firm}}) {
    std::string where =
        org->country().empty()
            ? absl::StrCat(Named(role, *org), " has no country on record")
            : absl::StrCat(Named(role, *org), " is in ", org->country());
    if (!Contains(rules.countries(), org->country())) failing.push_back(where);
    all.push_back(std::move(where));
  }
  // A failure names only the partner(s) at fault.
  return MakeCheck(
      "countries", failing.empty(),
      absl::StrCat(absl::StrJoin(failing.empty() ? all : failing, " and "),
                   "; the programme allows ",
                   absl::StrJoin(rules.countries(), ", ")));
}

v1::RuleCheck CheckTrl(const v1::TrlRange& allowed, const v1::TrlRange& trl) {
  const std::string range = absl::StrCat(allowed.min(), "..", allowed.max());
  if (trl.min() == 0 && trl.max() == 0) {
    return MakeCheck("trl", false,
                     absl::StrCat("proposal gives no TRL range; the programme "
                                  "requires TRL inside ",
                                  range));
  }
  const bool inside = trl.min() >= allowed.min() && trl.max() <= allowed.max();
  return MakeCheck("trl", inside,
                   absl::StrCat("TRL ", trl.min(), "..", trl.max(), " is ",
                                inside ? "" : "not ", "inside ", range));
}

// Shares print with two decimals, more (up to six) when two would make a
// different share look equal to the minimum.
std::pair<std::string, std::string> FormatShares(double share, double minimum) {
  std::string a, b;
  for (int digits = 2; digits <= 6; ++digits) {
    a = absl::StrFormat("%.*f", digits, share);
    b = absl::StrFormat("%.*f", digits, minimum);
    if (a != b || share == minimum) break;
  }
  return {a, b};
}

v1::RuleCheck CheckCofunding(double minimum, const v1::Proposal& p) {
  const double total = p.budget_usd() + p.cofunding_usd();
  const double share = total > 0 ? p.cofunding_usd() / total : 0;
  const bool passed = share >= minimum;  // false for NaN
  const auto [share_text, minimum_text] = FormatShares(share, minimum);
  return MakeCheck("min_cofunding_share", passed,
                   absl::StrCat("co-funding share ", share_text, " is ",
                                passed ? "at least " : "below ", minimum_text,
                                " (", FormatAmount(p.cofunding_usd()), " of ",
                                FormatAmount(total), " USD in total)"));
}

v1::RuleCheck CheckChannels(const pb::RepeatedField<int>& required,
                            const pb::RepeatedField<int>& planned) {
  const pb::EnumDescriptor* type = v1::Channel_descriptor();
  const std::string required_names = ShortEnumNames(type, required);
  if (planned.empty()) {
    return MakeCheck("required_channels", false,
                     absl::StrCat("the proposal plans no channels; the "
                                  "programme requires one of ",
                                  required_names));
  }
  for (int channel : planned) {
    if (Contains(required, channel)) {
      return MakeCheck(
          "required_channels", true,
          absl::StrCat("planned channel ", ShortEnumName(type, channel),
                       " is one of ", required_names));
    }
  }
  return MakeCheck("required_channels", false,
                   absl::StrCat("none of the planned channels (",
                                ShortEnumNames(type, planned), ") is one of ",
                                required_names));
}

v1::RuleCheck CheckDuration(int max_months, int months) {
  if (months == 0) {
    return MakeCheck("max_duration_months", false,
                     absl::StrCat("proposal gives no duration; the programme "
                                  "allows at most ",
                                  max_months, " months"));
  }
  const bool passed = months <= max_months;
  return MakeCheck(
      "max_duration_months", passed,
      absl::StrCat("duration ", months, " months ",
                   passed ? "is within " : "exceeds ", max_months));
}

}  // namespace

// ---------------------------------------------------------------- rules

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
    RulesReader reader;
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
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    return absl::NotFoundError(
        absl::StrCat(path, ": no such programme rules file or folder"));
  }
  std::vector<fs::path> files;
  if (fs::is_directory(status)) {
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
      return absl::ErrnoToStatus(
          error.value(), absl::StrCat(path, ": cannot list the folder"));
    }
    if (files.empty()) {
      return absl::NotFoundError(absl::StrCat(
          path, ": the folder holds no programme rules (*.yaml, *.yml)"));
    }
    std::sort(files.begin(), files.end());
  } else {
    if (!HasRulesExtension(path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": a programme rules file must end in .yaml or .yml"));
    }
    files.push_back(path);
  }

  ProgrammeRegistry registry;
  for (const fs::path& file : files) {
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

// ---------------------------------------------------------------- proposals

absl::Status ValidateProposal(const v1::Proposal& p) {
  using IdField = std::pair<const std::string*, const char*>;
  for (const auto& [id, path] :
       {IdField{&p.id(), "proposal.id"},
        IdField{&p.programme_id(), "proposal.programme_id"},
        IdField{&p.university_id(), "proposal.university_id"},
        IdField{&p.firm_id(), "proposal.firm_id"}}) {
    if (auto s = ValidateId(*id, path); !s.ok()) return s;
  }
  if (p.firm_id() == p.university_id()) {
    return Invalid("proposal.firm_id",
                   "must differ from university_id (a partnership joins two "
                   "organizations)");
  }
  if (auto s =
          CheckProposalText(p.unit(), "proposal.unit", kMaxNameBytes, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalText(p.title(), "proposal.title",
                                 kMaxProposalTitleBytes, true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalText(p.abstract(), "proposal.abstract",
                                 kMaxProposalAbstractBytes, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalTexts(p.keywords(), "proposal.keywords",
                                  kMaxListItems, kMaxProposalKeywordBytes);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalAmount(p.budget_usd(), "proposal.budget_usd",
                                   /*zero_allowed=*/false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalAmount(p.cofunding_usd(), "proposal.cofunding_usd",
                                   /*zero_allowed=*/true);
      !s.ok()) {
    return s;
  }
  const v1::TrlRange& trl = p.trl();
  if (trl.min() != 0 || trl.max() != 0) {  // 0..0: unknown
    for (const auto& [value, path] :
         {std::pair{trl.min(), "proposal.trl.min"},
          std::pair{trl.max(), "proposal.trl.max"}}) {
      if (value < 1 || value > 9) {
        return Invalid(path, absl::StrCat(value, " is outside 1..9"));
      }
    }
    if (trl.min() > trl.max()) {
      return Invalid("proposal.trl.min",
                     absl::StrCat(trl.min(), " is above trl.max ", trl.max()));
    }
  }
  if (auto s = CheckProposalEnums(p.channels(), "proposal.channels",
                                  v1::Channel_descriptor());
      !s.ok()) {
    return s;
  }
  if (auto s = CheckProposalEnums(p.benefits(), "proposal.benefits",
                                  v1::Benefit_descriptor());
      !s.ok()) {
    return s;
  }
  if (p.duration_months() < 0 || p.duration_months() > kMaxDurationMonths) {
    return Invalid("proposal.duration_months",
                   absl::StrCat(p.duration_months(), " is outside 0..",
                                kMaxDurationMonths));
  }
  if (!p.need_id().empty()) {
    if (auto s = ValidateId(p.need_id(), "proposal.need_id"); !s.ok()) {
      return s;
    }
  }
  return CheckProposalTexts(p.declared_conflicts(),
                            "proposal.declared_conflicts",
                            kMaxDeclaredConflicts, kMaxShortTextBytes);
}

// ---------------------------------------------------------------- eligibility

std::vector<v1::RuleCheck> CheckEligibility(const v1::ProgrammeRules& rules,
                                            const v1::Proposal& p,
                                            const v1::Organization& university,
                                            const v1::Organization& firm) {
  std::vector<v1::RuleCheck> checks;
  if (!rules.research_kinds().empty()) {
    checks.push_back(CheckKind("research_kinds", "university", university,
                               rules.research_kinds()));
  }
  if (!rules.partner_kinds().empty()) {
    checks.push_back(
        CheckKind("partner_kinds", "firm", firm, rules.partner_kinds()));
  }
  if (!rules.countries().empty()) {
    checks.push_back(CheckCountries(rules, university, firm));
  }
  if (rules.trl().min() != 0 || rules.trl().max() != 0) {
    checks.push_back(CheckTrl(rules.trl(), p.trl()));
  }
  const std::string budget =
      absl::StrCat("budget ", FormatAmount(p.budget_usd()), " USD is ");
  if (rules.min_budget_usd() > 0) {
    const bool passed = p.budget_usd() >= rules.min_budget_usd();
    checks.push_back(MakeCheck(
        "min_budget_usd", passed,
        absl::StrCat(budget, passed ? "at least" : "below", " min_budget_usd ",
                     FormatAmount(rules.min_budget_usd()))));
  }
  if (rules.max_budget_usd() > 0) {
    const bool passed = p.budget_usd() <= rules.max_budget_usd();
    checks.push_back(MakeCheck(
        "max_budget_usd", passed,
        absl::StrCat(budget, passed ? "within" : "above", " max_budget_usd ",
                     FormatAmount(rules.max_budget_usd()))));
  }
  if (rules.min_cofunding_share() > 0) {
    checks.push_back(CheckCofunding(rules.min_cofunding_share(), p));
  }
  if (!rules.required_channels().empty()) {
    checks.push_back(CheckChannels(rules.required_channels(), p.channels()));
  }
  if (rules.max_duration_months() > 0) {
    checks.push_back(
        CheckDuration(rules.max_duration_months(), p.duration_months()));
  }
  return checks;
}

bool Eligible(const std::vector<v1::RuleCheck>& checks) {
  return std::all_of(checks.begin(), checks.end(),
                     [](const v1::RuleCheck& check) { return check.passed(); });
}

double LargeBudgetThreshold(const v1::ProgrammeRules& rules) {
  if (rules.large_budget_usd() > 0) return rules.large_budget_usd();
  if (rules.max_budget_usd() > 0) return rules.max_budget_usd() / 4;
  return 0;
}

}  // namespace helixmatch
