// Reads a YAML mapping into a protobuf message, driven by the message's
// descriptor: the allowed keys are the field names and each value is read
// by its field's type, so a file format defined this way cannot drift from
// the proto. The reader remembers where each field was written, so that a
// check run later on the message can still point at the line.
//
// Internal to services/programmes (it exposes yaml-cpp types, which the
// library links privately).
//
// Thread safety: a YamlMessageReader is not thread-safe; use one per file.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_YAML_MESSAGE_READER_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_YAML_MESSAGE_READER_H_

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace helixmatch {

// One thing wrong with a file: the field path ("countries[1]", "trl.min";
// empty for the file as a whole), what is wrong, and where it was written
// when known.
struct FieldProblem {
  std::string field;
  std::string what;
  YAML::Mark mark = YAML::Mark::null_mark();
};

// "<source>:<line>:<column>: <field>: <what>" with a 1-based line and
// column; the parts that are unknown or empty are left out.
std::string Describe(absl::string_view source, const FieldProblem& problem);

class YamlMessageReader {
 public:
  // `root_shape` completes "expected ..., got ..." when the document is not
  // a mapping, e.g. "a mapping of rules (id: ..., name: ...)".
  explicit YamlMessageReader(std::string root_shape)
      : root_shape_(std::move(root_shape)) {}

  // Fills `message` from the mapping `node`; `path` is the field path of
  // `message` ("" for the document's root). Supports message, string,
  // enum, double, int32 and bool fields, singular and repeated (a YAML
  // list). Enum values are read by ParseEnumName (value_text.h). Numbers
  // and booleans must be plain scalars (a quoted "500000" is text).
  // Returns the first problem: not a mapping, a key that is not a scalar,
  // a duplicate or unknown key (with the nearest field name as a
  // suggestion), or a value of the wrong type. `message` is partly filled
  // then.
  std::optional<FieldProblem> ReadMessage(const YAML::Node& node,
                                          const std::string& path,
                                          google::protobuf::Message& message);

  // Where `field` was written; for a field that was not (e.g. a missing
  // required key) the nearest enclosing one, at worst the root, and the
  // null mark before anything was read.
  YAML::Mark MarkOf(std::string field) const;

 private:
  std::optional<FieldProblem> ReadField(
      const YAML::Node& value, const std::string& path, const YAML::Mark& mark,
      const google::protobuf::FieldDescriptor* field,
      google::protobuf::Message& message);
  // Reads one value of `field`: sets it, or appends it to a repeated field.
  std::optional<FieldProblem> ReadValue(
      const YAML::Node& node, const std::string& path, const YAML::Mark& mark,
      const google::protobuf::FieldDescriptor* field,
      google::protobuf::Message& message);

  const std::string root_shape_;
  std::map<std::string, YAML::Mark> marks_;  // field path -> position
};

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_YAML_MESSAGE_READER_H_
