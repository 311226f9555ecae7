// The word-level bridge from Russian and Kazakh lemmas to English words,
// which places them in the English GloVe space (word_vectors.h):
//
//  - the Russian-English table, "<russian>\t<english> <english> ...", derived
//    at install time from Mueller's dictionary (scripts/derive-ru-en-bridge.py;
//    GPL-2+, so never committed);
//  - the Kazakh-Russian glossary, "<kazakh>\t<russian> <russian> ...", a small
//    list of domain terms written by us (data/lang/kk-ru-glossary.tsv).
//
// Both: UTF-8, one entry a line, '#' starts a comment line, blank lines are
// skipped; every word is one token as Tokenize makes it (lower case, no
// spaces). A Kazakh lemma that is not in the glossary but is a Russian entry
// (the technical stems the two languages share: технология, энергия) uses
// the Russian entry. Keys are also reachable by their suffix-stripped form,
// the one Tokenize gives for words hunspell does not know.
//
// Immutable after loading; thread-safe for concurrent reads.
#ifndef HELIXMATCH_INDEXER_CROSS_LINGUAL_LEXICON_H_
#define HELIXMATCH_INDEXER_CROSS_LINGUAL_LEXICON_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace helixmatch {

class CrossLingualLexicon {
 public:
  // The English words of a lemma, best first, and the Russian word they
  // were reached through ("" for a Russian lemma).
  struct Translation {
    std::vector<std::string> english;
    std::string via;
  };

  // Parses the two texts; `*_name` names them in errors, which give the
  // file, the line and the field ("kk-ru-glossary.tsv:12: field 2 (Russian
  // words) is empty"). INVALID_ARGUMENT on a malformed line, a duplicate key
  // or a glossary word the table does not know.
  static absl::StatusOr<CrossLingualLexicon> Parse(
      std::string_view bridge_text, std::string_view bridge_name,
      std::string_view glossary_text, std::string_view glossary_name);

  // Reads and parses the two files; NOT_FOUND names a missing one.
  static absl::StatusOr<CrossLingualLexicon> Load(
      const std::string& bridge_path, const std::string& glossary_path);

  // nullptr when the lemma has no English words here.
  const Translation* Find(std::string_view lemma) const;

  // The words a word matches in the other languages, for lexical matching
  // across them (BM25 over lemmas): for a lemma, its first eight English
  // words,
  // the Russian word a Kazakh lemma goes through, and the other lemmas
  // whose first or second English word is its first or second; for an
  // English word, the lemmas whose first or second English word it is.
  // Never the word itself; at most kMaxEquivalents, in a fixed order
  // (translations first, then lemmas in byte order).
  static constexpr size_t kMaxEquivalents = 16;
  std::vector<std::string_view> Equivalents(std::string_view word) const;

  // Every lemma with its translation (aliases included), for building rows.
  const absl::flat_hash_map<std::string, Translation>& entries() const {
    return entries_;
  }

  size_t russian_entries() const { return russian_entries_; }
  size_t kazakh_entries() const { return kazakh_entries_; }
  // "ru-en=<n>:<crc32c>,kk-ru=<m>:<crc32c>" over the parsed entries.
  const std::string& identity() const { return identity_; }

 private:
  void IndexConcepts();

  absl::flat_hash_map<std::string, Translation> entries_;
  // English word -> the lemmas whose first or second English word it is,
  // in byte order.
  absl::flat_hash_map<std::string, std::vector<std::string>> concepts_;
  size_t russian_entries_ = 0;
  size_t kazakh_entries_ = 0;
  std::string identity_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_CROSS_LINGUAL_LEXICON_H_
