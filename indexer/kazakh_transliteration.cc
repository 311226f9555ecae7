#include "indexer/kazakh_transliteration.h"

#include <unicode/utf8.h>

#include <string_view>

namespace helixmatch {
namespace {

bool IsLatinVowel(char32_t c) {
  switch (c) {
    case U'a':
    case U'ä':
    case U'e':
    case U'ı':
    case U'i':
    case U'o':
    case U'ö':
    case U'u':
    case U'ū':
    case U'ü':
    case U'y':
      return true;
    default:
      return false;
  }
}

// The Cyrillic of one Latin letter, or empty when it is not one.
std::string_view CyrillicOf(char32_t c, char32_t previous) {
  switch (c) {
    case U'a':
      return "а";
    case U'ä':
      return "ә";
    case U'b':
      return "б";
    case U'c':
      return "ц";
    case U'ç':
      return "ч";
    case U'd':
      return "д";
    case U'e':
      return "е";
    case U'f':
      return "ф";
    case U'g':
      return "г";
    case U'ğ':
      return "ғ";
    case U'h':
      return "х";
    case U'ı':
      return "і";
    case U'i':
      return IsLatinVowel(previous) ? "й" : "и";
    case U'j':
      return "ж";
    case U'k':
      return "к";
    case U'l':
      return "л";
    case U'm':
      return "м";
    case U'n':
      return "н";
    case U'ñ':
    case U'ń':
    case U'ň':
      return "ң";
    case U'o':
      return "о";
    case U'ö':
      return "ө";
    case U'p':
      return "п";
    case U'q':
      return "қ";
    case U'r':
      return "р";
    case U's':
      return "с";
    case U'ş':
      return "ш";
    case U't':
      return "т";
    case U'u':
      return "у";
    case U'ū':
      return "ұ";
    case U'ü':
      return "ү";
    case U'v':
      return "в";
    case U'w':
      return "у";
    case U'x':
      return "кс";
    case U'y':
      return "ы";
    case U'z':
      return "з";
    default:
      return {};
  }
}

}  // namespace

std::string KazakhLatinToCyrillic(std::string_view word) {
  std::string out;
  out.reserve(word.size() * 2);
  char32_t previous = 0;
  int32_t i = 0;
  const int32_t length = static_cast<int32_t>(word.size());
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(word.data(), i, length, c);
    // "ia" and "iu" are я and ю (технология is tehnologiia).
    if (c == 'i' && i < length && (word[i] == 'a' || word[i] == 'u')) {
      out.append(word[i] == 'a' ? "я" : "ю");
      previous = static_cast<char32_t>(word[i]);
      ++i;
      continue;
    }
    const std::string_view cyrillic =
        c < 0 ? std::string_view()
              : CyrillicOf(static_cast<char32_t>(c), previous);
    if (cyrillic.empty()) {
      out.append(word.substr(start, i - start));
    } else {
      out.append(cyrillic);
    }
    previous = c < 0 ? 0 : static_cast<char32_t>(c);
  }
  return out;
}

}  // namespace helixmatch
