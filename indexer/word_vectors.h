// Pretrained word vectors (GloVe 6B 100d) read from the compact binary file
// that scripts/fetch-word-vectors.sh writes:
//   "HXWVEC01", uint32 dimension, uint32 count,
//   count x (uint16 length, UTF-8 bytes), zero padding to 4 bytes,
//   float32 [count][dimension]; all little-endian.
//
// Immutable after loading; thread-safe for concurrent reads.
#ifndef HELIXMATCH_INDEXER_WORD_VECTORS_H_
#define HELIXMATCH_INDEXER_WORD_VECTORS_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "indexer/cross_lingual_lexicon.h"

namespace helixmatch {

class WordVectors {
 public:
  // Files of the cross-lingual lexicon, looked for beside the vector file
  // (scripts/fetch-word-vectors.sh writes them there).
  static constexpr std::string_view kBridgeFile = "ru-en-bridge.tsv";
  static constexpr std::string_view kGlossaryFile = "kk-ru-glossary.tsv";

  enum class Bridge {
    kBeside,       // add the lexicon's rows when kBridgeFile is beside
    kEnglishOnly,  // the GloVe rows alone (the evaluation's baseline)
  };

  // Reads and checks the file (magic, sizes, exact length, finite values).
  // With Bridge::kBeside and kBridgeFile in the same folder, also reads
  // that and kGlossaryFile (which must then exist) and adds their rows
  // (WithLexicon). Errors name the file and what is wrong with it (for the
  // lexicon: file, line and field).
  static absl::StatusOr<std::shared_ptr<const WordVectors>> Load(
      const std::string& path, Bridge bridge = Bridge::kBeside);

  // `base` plus one row per lexicon lemma whose English words `base` has:
  // the mean of the vectors of its (at most four) most frequent English
  // words, weighted towards the frequent ones. The identity names the
  // lexicon, so an index built with other rows is never read with these.
  static absl::StatusOr<std::shared_ptr<const WordVectors>> WithLexicon(
      const std::shared_ptr<const WordVectors>& base,
      CrossLingualLexicon lexicon);

  // Builds a table from memory (tests, user-supplied vectors). All rows must
  // have `dimension` components.
  static absl::StatusOr<std::shared_ptr<const WordVectors>> FromRows(
      int dimension, const std::vector<std::string>& words,
      const std::vector<std::vector<float>>& rows);

  int dimension() const { return dimension_; }
  size_t size() const { return words_.size(); }
  // Identity for the stored model: "<count>x<dimension>:crc32c=<hex>".
  const std::string& identity() const { return identity_; }

  // The vector of a lower-cased word; empty when the word is unknown.
  std::span<const float> Find(std::string_view word) const;

  // How a bridged lemma reached English (its English words and the Russian
  // word a Kazakh one went through); nullptr for any other word.
  const CrossLingualLexicon::Translation* Translation(
      std::string_view word) const;

  // The lexicon's equivalents of a word in the other languages
  // (CrossLingualLexicon::Equivalents); none without a lexicon. Of a
  // lemma's English words, the one that fits `context` (a query's vector)
  // best: the highest cosine to it, so сорт in a text about wheat is
  // "variety", not "quality" (a second sense let in as much noise as
  // matches on the demo). Without a context, the dictionary's first. The
  // views live as long as this table.
  static constexpr size_t kEnglishSenses = 1;
  std::vector<std::string_view> Equivalents(
      std::string_view word, std::span<const float> context = {}) const;

  // The lexicon the rows were built from; nullptr when there is none.
  const CrossLingualLexicon* lexicon() const { return lexicon_.get(); }

 private:
  WordVectors() = default;
  // With room kept for `spare_rows` more rows (a lexicon's).
  static absl::StatusOr<std::shared_ptr<WordVectors>> LoadTable(
      const std::string& path, size_t spare_rows);
  // Appends the lexicon's rows (see WithLexicon) to this table, in place.
  void AddLexicon(CrossLingualLexicon lexicon);
  void IndexWords();

  int dimension_ = 0;
  std::string identity_;
  std::vector<std::string> words_;
  std::vector<float> matrix_;
  absl::flat_hash_map<std::string_view, uint32_t> row_of_;
  std::shared_ptr<const CrossLingualLexicon> lexicon_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_WORD_VECTORS_H_
