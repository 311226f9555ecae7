#include "services/programmes/yaml_message_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "services/programmes/value_text.h"

namespace helixmatch {
namespace {

namespace pb = google::protobuf;

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

// ------------------------------------------------------------ messages

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

// ------------------------------------------------------------ scalars

// One value being read: where it came from and the field it goes to.
struct ScalarValue {
  const YAML::Node& node;
  const std::string& path;
  const YAML::Mark& mark;
  const pb::FieldDescriptor* field;
  pb::Message& message;

  const pb::Reflection* reflection() const { return message.GetReflection(); }
  bool repeated() const { return field->is_repeated(); }
  FieldProblem WrongType(absl::string_view expected) const {
    return FieldProblem{
        path, absl::StrCat("expected ", expected, ", got ", DescribeNode(node)),
        mark};
  }
};

std::optional<FieldProblem> ReadString(const ScalarValue& v) {
  if (!v.node.IsScalar()) return v.WrongType("a text");
  if (v.repeated()) {
    v.reflection()->AddString(&v.message, v.field, v.node.Scalar());
  } else {
    v.reflection()->SetString(&v.message, v.field, v.node.Scalar());
  }
  return std::nullopt;
}

std::optional<FieldProblem> ReadEnum(const ScalarValue& v) {
  const pb::EnumDescriptor* type = v.field->enum_type();
  const std::optional<int> number =
      v.node.IsScalar() ? ParseEnumName(type, v.node.Scalar()) : std::nullopt;
  if (!number) {
    return FieldProblem{v.path, UnknownEnumMessage(type, v.node), v.mark};
  }
  if (v.repeated()) {
    v.reflection()->AddEnumValue(&v.message, v.field, *number);
  } else {
    v.reflection()->SetEnumValue(&v.message, v.field, *number);
  }
  return std::nullopt;
}

std::optional<FieldProblem> ReadDouble(const ScalarValue& v) {
  double number = 0;
  if (!IsPlainScalar(v.node) || !absl::SimpleAtod(v.node.Scalar(), &number)) {
    return v.WrongType("a number");
  }
  if (v.repeated()) {
    v.reflection()->AddDouble(&v.message, v.field, number);
  } else {
    v.reflection()->SetDouble(&v.message, v.field, number);
  }
  return std::nullopt;
}

std::optional<FieldProblem> ReadInt32(const ScalarValue& v) {
  int32_t number = 0;
  if (!IsPlainScalar(v.node) || !absl::SimpleAtoi(v.node.Scalar(), &number)) {
    double whole = 0;
    if (IsPlainScalar(v.node) && absl::SimpleAtod(v.node.Scalar(), &whole) &&
        std::isfinite(whole) && whole == std::trunc(whole)) {
      return FieldProblem{
          v.path, absl::StrCat(v.node.Scalar(), " is out of range"), v.mark};
    }
    return v.WrongType("a whole number");
  }
  if (v.repeated()) {
    v.reflection()->AddInt32(&v.message, v.field, number);
  } else {
    v.reflection()->SetInt32(&v.message, v.field, number);
  }
  return std::nullopt;
}

std::optional<FieldProblem> ReadBool(const ScalarValue& v) {
  const std::string text =
      IsPlainScalar(v.node) ? absl::AsciiStrToLower(v.node.Scalar()) : "";
  if (text != "true" && text != "false") return v.WrongType("true or false");
  if (v.repeated()) {
    v.reflection()->AddBool(&v.message, v.field, text == "true");
  } else {
    v.reflection()->SetBool(&v.message, v.field, text == "true");
  }
  return std::nullopt;
}

std::optional<FieldProblem> ReadScalar(const ScalarValue& v) {
  switch (v.field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return ReadString(v);
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return ReadEnum(v);
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return ReadDouble(v);
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return ReadInt32(v);
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return ReadBool(v);
    default:
      break;
  }
  // Only reached if the proto gains a field type this reader does not
  // know yet (int64, float, bytes ...).
  return FieldProblem{v.path,
                      absl::StrCat("fields of type ", v.field->cpp_type_name(),
                                   " cannot be read from YAML yet"),
                      v.mark};
}

}  // namespace

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

std::optional<FieldProblem> YamlMessageReader::ReadMessage(
    const YAML::Node& node, const std::string& path, pb::Message& message) {
  // The parent has already recorded a nested message's position.
  const YAML::Mark mark = marks_.emplace(path, node.Mark()).first->second;
  if (!node.IsMap()) {
    return FieldProblem{
        path,
        absl::StrCat("expected ",
                     path.empty() ? root_shape_ : std::string("a mapping"),
                     ", got ", DescribeNode(node)),
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
    const YAML::Mark value_mark = value.IsNull() ? key.Mark() : value.Mark();
    marks_[field_path] = value_mark;
    if (auto problem =
            ReadField(value, field_path, value_mark, field, message)) {
      return problem;
    }
  }
  return std::nullopt;
}

YAML::Mark YamlMessageReader::MarkOf(std::string field) const {
  while (true) {
    if (auto it = marks_.find(field); it != marks_.end()) return it->second;
    if (field.empty()) return YAML::Mark::null_mark();
    const size_t cut = field.find_last_of(".[");
    field.resize(cut == std::string::npos ? 0 : cut);
  }
}

std::optional<FieldProblem> YamlMessageReader::ReadField(
    const YAML::Node& value, const std::string& path, const YAML::Mark& mark,
    const pb::FieldDescriptor* field, pb::Message& message) {
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
    if (auto problem = ReadValue(item, item_path, item_mark, field, message)) {
      return problem;
    }
  }
  return std::nullopt;
}

std::optional<FieldProblem> YamlMessageReader::ReadValue(
    const YAML::Node& node, const std::string& path, const YAML::Mark& mark,
    const pb::FieldDescriptor* field, pb::Message& message) {
  if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
    const pb::Reflection* reflection = message.GetReflection();
    pb::Message* child = field->is_repeated()
                             ? reflection->AddMessage(&message, field)
                             : reflection->MutableMessage(&message, field);
    return ReadMessage(node, path, *child);
  }
  return ReadScalar(ScalarValue{node, path, mark, field, message});
}

}  // namespace helixmatch
