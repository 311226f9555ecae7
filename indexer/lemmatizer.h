// Lemmas of Russian and Kazakh words: hunspell's stem (Debian's hunspell-ru
// and hunspell-kk dictionaries) where it knows the word, otherwise suffix
// stripping (one inflectional ending for Russian; plural, possessive, case
// and -лық endings, up to four in a row, for Kazakh). A stripped form is a
// stem, not always a dictionary word.
//
// Thread-safe: Lemma may be called from any thread (hunspell is guarded by
// a mutex; answers are cached).
#ifndef HELIXMATCH_INDEXER_LEMMATIZER_H_
#define HELIXMATCH_INDEXER_LEMMATIZER_H_

#include <memory>
#include <string>
#include <string_view>

#include "indexer/language_detection.h"

namespace helixmatch {

class Lemmatizer {
 public:
  // Opens <hunspell_dir>/ru_RU.{aff,dic} and kk_KZ.{aff,dic}; a language
  // whose files are missing or unreadable uses suffix stripping alone
  // (Identity() says which). Never fails.
  static std::unique_ptr<Lemmatizer> Open(const std::string& hunspell_dir);

  // The process-wide lemmatizer: $HELIXMATCH_HUNSPELL_DIR, else
  // /usr/share/hunspell. Opened on first use; never destroyed.
  static const Lemmatizer& Default();

  ~Lemmatizer();

  // The lemma of one case-folded Cyrillic word (ё already folded to е).
  // English words are returned unchanged.
  std::string Lemma(std::string_view word, TextLanguage language) const;

  // e.g. "ru=hunspell:146269,kk=suffix": how lemmas are made here. Two
  // lemmatizers with the same identity give the same lemmas.
  const std::string& Identity() const { return identity_; }

 private:
  struct Dictionaries;
  Lemmatizer();

  std::unique_ptr<Dictionaries> dictionaries_;
  std::string identity_;
};

// The suffix-stripping fallbacks, exposed for the lexicon and for tests.
std::string StripRussianEnding(std::string_view word);
std::string StripKazakhSuffix(std::string_view word);  // one suffix

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_LEMMATIZER_H_
