// How the programme code writes values in messages and reads enum values
// from rules files: enum values by their short names ("FIRM" for
// ORGANIZATION_KIND_FIRM), amounts in USD, and excerpts of free text.
// Internal to services/programmes.
//
// Thread safety: every function is pure.
#ifndef HELIXMATCH_SERVICES_PROGRAMMES_VALUE_TEXT_H_
#define HELIXMATCH_SERVICES_PROGRAMMES_VALUE_TEXT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace helixmatch {

// The name of value `number` of `type` without the prefix its enum shares
// ("FIRM" for ORGANIZATION_KIND_FIRM); "unknown value N" for a number the
// enum does not define. The prefix is the name of value 0 without
// "UNSPECIFIED", a convention every enum of the contract follows.
std::string ShortEnumName(const google::protobuf::EnumDescriptor* type,
                          int number);

// ShortEnumName of each number, joined with ", ".
template <typename Numbers>
std::string ShortEnumNames(const google::protobuf::EnumDescriptor* type,
                           const Numbers& numbers) {
  return absl::StrJoin(numbers, ", ", [type](std::string* out, int number) {
    out->append(ShortEnumName(type, number));
  });
}

// The short names a rules file may use: every value but UNSPECIFIED, in
// declaration order.
std::vector<std::string> AllowedEnumNames(
    const google::protobuf::EnumDescriptor* type);

// The number `text` names, in any case, short or full ("firm", "FIRM",
// "ORGANIZATION_KIND_FIRM"; surrounding blanks ignored). nullopt when the
// name is unknown or names UNSPECIFIED.
std::optional<int> ParseEnumName(const google::protobuf::EnumDescriptor* type,
                                 absl::string_view text);

// An amount as messages print it: whole when it is whole ("900000"), else
// with two decimals ("1234.50"); "nan" and "inf" as such.
std::string FormatAmount(double value);

// Free text as it appears in an error: quoted, C-escaped, cut to at most
// 60 bytes (at a UTF-8 character boundary) with "..." when longer.
std::string Excerpt(absl::string_view text);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_PROGRAMMES_VALUE_TEXT_H_
