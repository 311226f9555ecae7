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
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"

namespace helixmatch {

class WordVectors {
 public:
  // Reads and checks the file (magic, sizes, exact length, finite values).
  // Errors name the file and what is wrong with it.
  static absl::StatusOr<std::shared_ptr<const WordVectors>> Load(
      const std::string& path);

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

 private:
  WordVectors() = default;
  void IndexWords();

  int dimension_ = 0;
  std::string identity_;
  std::vector<std::string> words_;
  std::vector<float> matrix_;
  std::unordered_map<std::string_view, uint32_t> row_of_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_WORD_VECTORS_H_
