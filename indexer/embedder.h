// Turns text into dense vectors. The interface lets other models (LSA,
// vectors supplied by the user) replace the first one:
// GloveIdfEmbedder, the IDF-weighted average of pretrained GloVe vectors,
// with IDF fitted on the indexed corpus.
#ifndef HELIXMATCH_INDEXER_EMBEDDER_H_
#define HELIXMATCH_INDEXER_EMBEDDER_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/storage/stored.pb.h"
#include "indexer/word_vectors.h"

namespace helixmatch {

// Thread-safe: Embed is const and has no shared mutable state.
class Embedder {
 public:
  virtual ~Embedder() = default;

  // Identifies the model, including its fitted state: two embedders with
  // the same identity give the same vector for the same text.
  virtual std::string Identity() const = 0;
  virtual int Dimension() const = 0;

  // Unit-length vector of `tokens` (as made by Tokenize). When no token is
  // known to the model the vector is all zero and *known_tokens is 0.
  virtual std::vector<float> Embed(const std::vector<std::string>& tokens,
                                   int* known_tokens = nullptr) const = 0;

  // The words a token matches in the model's other languages (lexical
  // matching across languages), the senses that fit `context` (the
  // query's vector) first; none for a single-language model. The views
  // live as long as the embedder.
  virtual std::vector<std::string_view> Equivalents(
      std::string_view /*token*/, std::span<const float> /*context*/) const {
    return {};
  }
};

// Inverse document frequencies, fitted on a corpus of token lists.
class IdfTable {
 public:
  IdfTable() = default;

  // idf(t) = ln(1 + N / df(t)); a term outside the corpus gets
  // ln(1 + N), the weight of a term seen once.
  static IdfTable Fit(const std::vector<std::vector<std::string>>& documents);

  double Idf(absl::string_view term) const;
  int64_t documents() const { return documents_; }
  size_t terms() const { return idf_.size(); }
  // CRC-32C over the sorted (term, idf) entries: tables that weigh any
  // term differently have different fingerprints.
  uint32_t fingerprint() const { return fingerprint_; }

  void ToProto(storage::EmbeddingModel* model) const;
  static IdfTable FromProto(const storage::EmbeddingModel& model);

 private:
  int64_t documents_ = 0;
  void ComputeFingerprint();

  double unseen_idf_ = 1.0;
  uint32_t fingerprint_ = 0;
  std::unordered_map<std::string, float> idf_;
};

class GloveIdfEmbedder : public Embedder {
 public:
  static constexpr absl::string_view kKind = "glove-idf";

  GloveIdfEmbedder(std::shared_ptr<const WordVectors> vectors, IdfTable idf);

  // Rebuilds the embedder a store recorded. FAILED_PRECONDITION when the
  // word vectors differ from the ones the store was built with.
  static absl::StatusOr<std::unique_ptr<GloveIdfEmbedder>> FromModel(
      std::shared_ptr<const WordVectors> vectors,
      const storage::EmbeddingModel& model);

  storage::EmbeddingModel ToModel() const;

  std::string Identity() const override;
  int Dimension() const override { return vectors_->dimension(); }
  std::vector<float> Embed(const std::vector<std::string>& tokens,
                           int* known_tokens = nullptr) const override;
  std::vector<std::string_view> Equivalents(
      std::string_view token, std::span<const float> context) const override {
    return vectors_->Equivalents(token, context);
  }

 private:
  std::shared_ptr<const WordVectors> vectors_;
  IdfTable idf_;
};

// Scales v to unit length; leaves an all-zero vector as it is.
void NormalizeInPlace(std::vector<float>* v);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_EMBEDDER_H_
