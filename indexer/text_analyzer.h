// Text analysis shared by indexing and querying: Unicode-aware lower-casing
// and tokenization of UTF-8 text. Latin, Greek and Cyrillic (including the
// Kazakh letters) are lower-cased; other scripts pass through unchanged.
// Invalid UTF-8 bytes are treated as separators, never copied.
//
// Thread-safe: all functions are pure.
#ifndef HELIXMATCH_INDEXER_TEXT_ANALYZER_H_
#define HELIXMATCH_INDEXER_TEXT_ANALYZER_H_

#include <string>
#include <string_view>
#include <vector>

namespace helixmatch {

// Lower-cases one Unicode code point (simple case mapping).
char32_t LowerCodePoint(char32_t c);

// Lower-cases UTF-8 text; invalid sequences become U+FFFD.
std::string LowerUtf8(std::string_view text);

struct TokenizeOptions {
  bool drop_stopwords = true;
  // Tokens shorter than this many code points are dropped (digits-only
  // tokens of any length are kept when keep_numbers is set).
  int min_length = 2;
  bool keep_numbers = false;
};

// Splits text into lower-cased tokens: maximal runs of letters and digits;
// an inner hyphen or apostrophe splits too ("co-operation" -> "co",
// "operation"). Stopwords are English and Russian function words.
std::vector<std::string> Tokenize(std::string_view text,
                                  const TokenizeOptions& options = {});

bool IsStopword(std::string_view lower_token);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_TEXT_ANALYZER_H_
