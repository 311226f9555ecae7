#include "indexer/language_detection.h"

namespace helixmatch {
namespace {

bool IsKazakhCyrillic(char32_t c) {
  switch (c) {
    case U'Ә':
    case U'ә':
    case U'Ғ':
    case U'ғ':
    case U'Қ':
    case U'қ':
    case U'Ң':
    case U'ң':
    case U'Ө':
    case U'ө':
    case U'Ұ':
    case U'ұ':
    case U'Ү':
    case U'ү':
    case U'Һ':
    case U'һ':
    case U'І':
    case U'і':
      return true;
    default:
      return false;
  }
}

bool IsCyrillic(char32_t c) { return c >= 0x400 && c <= 0x52F; }

bool IsLatinLetter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

// Letters of the Kazakh 2021 Latin alphabet that English does not use
// (not İ: Turkish names start with it far more often than Kazakh words).
// German shares ä ö ü and English has q before u, so those count only as
// weak evidence.
bool IsKazakhLatinMarker(char32_t c) {
  switch (c) {
    case U'ğ':
    case U'Ğ':
    case U'ı':
    case U'ñ':
    case U'Ñ':
    case U'ń':
    case U'Ń':
    case U'ň':
    case U'Ň':
    case U'ş':
    case U'Ş':
    case U'ū':
    case U'Ū':
      return true;
    default:
      return false;
  }
}

bool IsSharedUmlaut(char32_t c) {
  switch (c) {
    case U'ä':
    case U'Ä':
    case U'ö':
    case U'Ö':
    case U'ü':
    case U'Ü':
      return true;
    default:
      return false;
  }
}

}  // namespace

bool HasKazakhCyrillicLetter(std::u32string_view text) {
  for (char32_t c : text) {
    if (IsKazakhCyrillic(c)) return true;
  }
  return false;
}

DetectedLanguage DetectLanguage(std::u32string_view segment,
                                bool document_is_kazakh) {
  int cyrillic = 0, kazakh_cyrillic = 0, latin = 0, markers = 0, weak = 0;
  for (size_t i = 0; i < segment.size(); ++i) {
    const char32_t c = segment[i];
    if (IsCyrillic(c)) {
      ++cyrillic;
      if (IsKazakhCyrillic(c)) ++kazakh_cyrillic;
    } else if (IsLatinLetter(c)) {
      ++latin;
      if (IsKazakhLatinMarker(c)) ++markers;
      if (IsSharedUmlaut(c)) ++weak;
      const bool q = c == U'q' || c == U'Q';
      if (q && (i + 1 == segment.size() ||
                (segment[i + 1] != U'u' && segment[i + 1] != U'U'))) {
        ++weak;
      }
    }
  }
  DetectedLanguage detected;
  if (cyrillic > 0 && cyrillic >= latin) {
    detected.language = kazakh_cyrillic > 0 || document_is_kazakh
                            ? TextLanguage::kKazakh
                            : TextLanguage::kRussian;
  } else if (markers > 0 && (markers + weak) * 16 >= latin) {
    // About one letter in ten is one of these in Kazakh Latin prose. Weak
    // letters alone never decide: upper-case English names such as
    // "QINETIQ" or "Qatar" have q without u.
    detected.language = TextLanguage::kKazakh;
    detected.latin_script = true;
  }
  return detected;
}

}  // namespace helixmatch
