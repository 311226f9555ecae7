// Text analysis shared by indexing and querying: tokenization of UTF-8
// text with NFKC normalization and full Unicode case folding (ICU), then,
// per sentence, the language (language_detection.h), Kazakh Latin
// transliterated to Cyrillic (kazakh_transliteration.h), and Russian and
// Kazakh words replaced by their lemmas (lemmatizer.h). Invalid UTF-8 bytes
// are treated as separators, never copied.
//
// Thread-safe: all functions may be called from any thread.
#ifndef HELIXMATCH_INDEXER_TEXT_ANALYZER_H_
#define HELIXMATCH_INDEXER_TEXT_ANALYZER_H_

#include <string>
#include <string_view>
#include <vector>

namespace helixmatch {

// Simple Unicode case folding of one code point (ICU), except that the
// dotted capital I folds to plain i.
char32_t LowerCodePoint(char32_t c);

// Lower-cases UTF-8 text; invalid sequences become U+FFFD.
std::string LowerUtf8(std::string_view text);

struct TokenizeOptions {
  bool drop_stopwords = true;
  // Tokens shorter than this many code points are dropped (digits-only
  // tokens of any length are kept when keep_numbers is set).
  int min_length = 2;
  bool keep_numbers = false;
  // Language per sentence, Kazakh Latin to Cyrillic, lemmas of Russian and
  // Kazakh words (Lemmatizer::Default()). Off: the English-only analysis
  // (normalization and case folding only), the baseline of the
  // multilingual evaluation; indexes are always built with it on.
  bool multilingual = true;
};

// Splits text into lower-cased tokens: maximal runs of letters and digits;
// an inner hyphen or apostrophe splits too ("co-operation" -> "co",
// "operation"). Stopwords are English, Russian and Kazakh function words,
// matched on the folded word before lemmatization.
std::vector<std::string> Tokenize(std::string_view text,
                                  const TokenizeOptions& options = {});

bool IsStopword(std::string_view lower_token);

// How Tokenize analyses text here, lemmatizer dictionaries included:
// stored with every embedding model, so an index is never queried with
// tokens made differently from its own.
std::string TextAnalysisIdentity();

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_TEXT_ANALYZER_H_
