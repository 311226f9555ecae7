#include "indexer/text_analyzer.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "indexer/kazakh_transliteration.h"
#include "indexer/language_detection.h"
#include "indexer/lemmatizer.h"
#include "unicode/normalizer2.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"

namespace helixmatch {
namespace {

// Decodes one code point at text[*pos]; advances *pos. Returns U+FFFD for an
// invalid or truncated sequence (advancing one byte).
char32_t DecodeUtf8(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char b0 = byte(*pos);
  if (b0 < 0x80) {
    ++*pos;
    return b0;
  }
  int extra;
  char32_t cp;
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    ++*pos;
    return 0xFFFD;
  }
  for (int i = 1; i <= extra; ++i) {
    if (*pos + i >= text.size() || (byte(*pos + i) & 0xC0) != 0x80) {
      ++*pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(*pos + i) & 0x3F);
  }
  // Reject overlong forms, surrogates and out-of-range values.
  static constexpr std::array<char32_t, 4> kMin = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*pos;
    return 0xFFFD;
  }
  *pos += extra + 1;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }

// Letters of the scripts we lower-case, plus every code point of other
// scripts that is not punctuation, a symbol or a space.
bool IsWordChar(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c);
  }
  if (c == 0xFFFD) return false;
  if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;      // multiplication, division
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation and symbols
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
  if (c >= 0xFE30 && c <= 0xFE4F) return false;
  if (c >= 0xFF00 && c <= 0xFF0F) return false;
  if (c >= 0x1F000) return false;  // emoji and other pictographs
  return true;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return ch >= '0' && ch <= '9';
  });
}

constexpr std::string_view kStopwords[] = {
    // English
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "etc",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "you",
    "your",
    // Russian
    "а",
    "без",
    "в",
    "во",
    "все",
    "для",
    "до",
    "же",
    "за",
    "и",
    "из",
    "или",
    "к",
    "как",
    "ко",
    "на",
    "не",
    "но",
    "о",
    "об",
    "от",
    "по",
    "под",
    "при",
    "с",
    "со",
    "то",
    "у",
    "что",
    "это",
    // Kazakh
    "және",
    "мен",
    "бен",
    "пен",
    "үшін",
    "немесе",
    "бұл",
    "осы",
    "сол",
    "ол",
    "да",
    "де",
    "та",
    "те",
    "арқылы",
    "туралы",
    "сияқты",
    "бойынша",
};

// Fields are joined with ". " and sentences may switch language, so the
// language is decided per sentence.
bool IsSegmentEnd(char32_t c) {
  return c == '.' || c == '!' || c == '?' || c == ';' || c == '\n' ||
         c == 0x2026 || c == 0x3002;
}

bool IsCyrillic(char32_t c) { return c >= 0x400 && c <= 0x52F; }

// NFKC and full case folding of one word (as UTF-8). ASCII, most of the
// words we see, takes a shortcut with the same result.
std::string FoldWord(const std::u32string& word) {
  std::string out;
  const bool ascii = std::all_of(word.begin(), word.end(),
                                 [](char32_t c) { return c < 0x80; });
  if (ascii) {
    out.reserve(word.size());
    for (char32_t c : word) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 0x20 : c));
    }
    return out;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf =
      icu::Normalizer2::getNFKCCasefoldInstance(status);
  icu::UnicodeString source;
  for (char32_t c : word) source.append(static_cast<UChar32>(c));
  if (U_SUCCESS(status)) {
    icu::UnicodeString folded = nfkc_cf->normalize(source, status);
    if (U_SUCCESS(status)) source = std::move(folded);
  }
  source.toUTF8String(out);
  return out;
}

void ReplaceYo(std::string* word) {
  // ё and е are one letter in most Russian writing (and in our bridge).
  for (size_t pos; (pos = word->find("ё")) != std::string::npos;) {
    word->replace(pos, std::string_view("ё").size(), "е");
  }
}

void AddToken(std::string token, const DetectedLanguage& language,
              bool document_is_kazakh, const TokenizeOptions& options,
              std::vector<std::string>* tokens) {
  if (language.latin_script) token = KazakhLatinToCyrillic(token);
  if (token.empty()) return;
  int length = 0;
  bool cyrillic = false;
  for (size_t pos = 0; pos < token.size();) {
    cyrillic |= IsCyrillic(DecodeUtf8(token, &pos));
    ++length;
  }
  if (AllDigits(token)) {
    if (options.keep_numbers) tokens->push_back(std::move(token));
    return;
  }
  if (length < options.min_length) return;
  if (options.drop_stopwords && IsStopword(token)) return;
  if (options.multilingual && cyrillic) {
    ReplaceYo(&token);
    TextLanguage lang = language.language;
    if (lang == TextLanguage::kEnglish) {
      std::u32string decoded;
      for (size_t pos = 0; pos < token.size();) {
        decoded.push_back(DecodeUtf8(token, &pos));
      }
      lang = document_is_kazakh || HasKazakhCyrillicLetter(decoded)
                 ? TextLanguage::kKazakh
                 : TextLanguage::kRussian;
    }
    std::string lemma = Lemmatizer::Default().Lemma(token, lang);
    if (!lemma.empty()) token = std::move(lemma);
  }
  tokens->push_back(std::move(token));
}

void AnalyzeSegment(std::u32string_view segment,
                    const DetectedLanguage& language, bool document_is_kazakh,
                    const TokenizeOptions& options,
                    std::vector<std::string>* tokens) {
  std::u32string word;
  const auto flush = [&] {
    if (word.empty()) return;
    const std::string folded = FoldWord(word);
    word.clear();
    // Folding can yield separators (NFKC of some compatibility
    // characters), so split again.
    std::string piece;
    for (size_t pos = 0; pos < folded.size();) {
      const char32_t c = DecodeUtf8(folded, &pos);
      if (IsWordChar(c)) {
        AppendUtf8(c, &piece);
      } else if (!piece.empty()) {
        AddToken(std::move(piece), language, document_is_kazakh, options,
                 tokens);
        piece.clear();
      }
    }
    if (!piece.empty()) {
      AddToken(std::move(piece), language, document_is_kazakh, options, tokens);
    }
  };
  for (char32_t c : segment) {
    if (!IsWordChar(c)) {
      flush();
      continue;
    }
    if (c == 0x130) {
      c = 'i';
    } else if (c == 'I' && language.latin_script) {
      c = 0x131;  // Kazakh Latin: I is the capital of ı (і), not of i
    }
    word.push_back(c);
  }
  flush();
}
}  // namespace

char32_t LowerCodePoint(char32_t c) {
  // Dotted capital I folds to i + U+0307 in full folding and stays in
  // simple folding; Turkish and Kazakh readers mean plain i.
  if (c == 0x130) return 'i';
  return static_cast<char32_t>(
      u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

std::string LowerUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    AppendUtf8(LowerCodePoint(DecodeUtf8(text, &pos)), &out);
  }
  return out;
}

bool IsStopword(std::string_view lower_token) {
  return std::find(std::begin(kStopwords), std::end(kStopwords), lower_token) !=
         std::end(kStopwords);
}

std::string TextAnalysisIdentity() {
  return absl::StrCat("text-2:nfkc-casefold,script-languages,kk-latin-2021,",
                      Lemmatizer::Default().Identity());
}

std::vector<std::string> Tokenize(std::string_view text,
                                  const TokenizeOptions& options) {
  std::u32string code_points;
  code_points.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    code_points.push_back(DecodeUtf8(text, &pos));
  }
  const bool document_is_kazakh =
      options.multilingual && HasKazakhCyrillicLetter(code_points);
  std::vector<std::string> tokens;
  size_t begin = 0;
  while (begin < code_points.size()) {
    size_t end = begin;
    while (end < code_points.size() && !IsSegmentEnd(code_points[end])) ++end;
    if (end < code_points.size()) ++end;
    const std::u32string_view segment(code_points.data() + begin, end - begin);
    const DetectedLanguage language =
        options.multilingual ? DetectLanguage(segment, document_is_kazakh)
                             : DetectedLanguage{};
    AnalyzeSegment(segment, language, document_is_kazakh, options, &tokens);
    begin = end;
  }
  return tokens;
}

}  // namespace helixmatch
