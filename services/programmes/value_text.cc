#include "services/programmes/value_text.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace helixmatch {
namespace {

namespace pb = google::protobuf;

// "ORGANIZATION_KIND_" for OrganizationKind.
absl::string_view EnumPrefix(const pb::EnumDescriptor* type) {
  const pb::EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero == nullptr) return "";
  absl::string_view name = zero->name();
  absl::ConsumeSuffix(&name, "UNSPECIFIED");
  return name;
}

}  // namespace

std::string ShortEnumName(const pb::EnumDescriptor* type, int number) {
  const pb::EnumValueDescriptor* value = type->FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat("unknown value ", number);
  absl::string_view name = value->name();
  absl::ConsumePrefix(&name, EnumPrefix(type));
  return std::string(name);
}

std::vector<std::string> AllowedEnumNames(const pb::EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) {
      names.push_back(ShortEnumName(type, type->value(i)->number()));
    }
  }
  return names;
}

std::optional<int> ParseEnumName(const pb::EnumDescriptor* type,
                                 absl::string_view text) {
  std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  const absl::string_view prefix = EnumPrefix(type);
  if (!absl::StartsWith(name, prefix)) name = absl::StrCat(prefix, name);
  const pb::EnumValueDescriptor* value = type->FindValueByName(name);
  if (value == nullptr || value->number() == 0) return std::nullopt;
  return value->number();
}

std::string FormatAmount(double value) {
  if (std::isfinite(value) && std::abs(value) < 1e15 &&
      value == std::trunc(value)) {
    return absl::StrFormat("%.0f", value);
  }
  if (std::isfinite(value)) return absl::StrFormat("%.2f", value);
  return absl::StrCat(value);
}

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

}  // namespace helixmatch
