#include "indexer/embedder.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "indexer/checksum.h"
#include "indexer/text_analyzer.h"

namespace helixmatch {

void NormalizeInPlace(std::vector<float>* v) {
  double norm = 0;
  for (float x : *v) norm += double{x} * x;
  if (norm <= 0) return;
  const float scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : *v) x *= scale;
}

IdfTable IdfTable::Fit(const std::vector<std::vector<std::string>>& documents) {
  std::unordered_map<std::string, int64_t> df;
  for (const auto& doc : documents) {
    std::unordered_set<std::string_view> seen(doc.begin(), doc.end());
    for (std::string_view term : seen) ++df[std::string(term)];
  }
  IdfTable table;
  table.documents_ = static_cast<int64_t>(documents.size());
  const double n = static_cast<double>(std::max<int64_t>(1, table.documents_));
  table.unseen_idf_ = std::log1p(n);
  table.idf_.reserve(df.size());
  for (const auto& [term, count] : df) {
    table.idf_.emplace(term, static_cast<float>(std::log1p(n / count)));
  }
  table.ComputeFingerprint();
  return table;
}

void IdfTable::ComputeFingerprint() {
  std::vector<std::pair<std::string_view, float>> sorted(idf_.begin(),
                                                         idf_.end());
  std::sort(sorted.begin(), sorted.end());
  uint32_t crc = 0;
  for (const auto& [term, idf] : sorted) {
    crc = Crc32c(crc, term.data(), term.size());
    crc = Crc32c(crc, "\0", 1);
    crc = Crc32c(crc, &idf, sizeof(idf));
  }
  const float unseen = static_cast<float>(unseen_idf_);
  fingerprint_ = Crc32c(crc, &unseen, sizeof(unseen));
}

double IdfTable::Idf(absl::string_view term) const {
  const auto it = idf_.find(std::string(term));
  return it == idf_.end() ? unseen_idf_ : it->second;
}

void IdfTable::ToProto(storage::EmbeddingModel* model) const {
  model->set_documents(documents_);
  model->set_unseen_idf(static_cast<float>(unseen_idf_));
  std::vector<std::pair<std::string_view, float>> sorted(idf_.begin(),
                                                         idf_.end());
  std::sort(sorted.begin(), sorted.end());
  model->clear_idf();
  for (const auto& [term, idf] : sorted) {
    auto* entry = model->add_idf();
    entry->set_term(std::string(term));
    entry->set_idf(idf);
  }
}

IdfTable IdfTable::FromProto(const storage::EmbeddingModel& model) {
  IdfTable table;
  table.documents_ = model.documents();
  table.unseen_idf_ = model.unseen_idf();
  table.idf_.reserve(model.idf_size());
  for (const auto& entry : model.idf()) {
    table.idf_.emplace(entry.term(), entry.idf());
  }
  table.ComputeFingerprint();
  return table;
}

GloveIdfEmbedder::GloveIdfEmbedder(std::shared_ptr<const WordVectors> vectors,
                                   IdfTable idf)
    : vectors_(std::move(vectors)), idf_(std::move(idf)) {}

absl::StatusOr<std::unique_ptr<GloveIdfEmbedder>> GloveIdfEmbedder::FromModel(
    std::shared_ptr<const WordVectors> vectors,
    const storage::EmbeddingModel& model) {
  if (model.kind() != kKind) {
    return absl::FailedPreconditionError(
        absl::StrCat("store was built with embedding model '", model.kind(),
                     "', this build supports '", kKind, "'"));
  }
  if (model.text_analysis() != TextAnalysisIdentity()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store was built with text analysis '",
        model.text_analysis().empty() ? "text-1 (English folding only)"
                                      : model.text_analysis(),
        "' but this build analyses text as '", TextAnalysisIdentity(),
        "'; re-import the data so its tokens and vectors are made the same "
        "way as the queries'"));
  }
  if (model.word_vectors() != vectors->identity()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store was built with word vectors ", model.word_vectors(),
        " but the loaded file is ", vectors->identity(),
        "; re-import the data or point --word-vectors at the original file"));
  }
  return std::make_unique<GloveIdfEmbedder>(std::move(vectors),
                                            IdfTable::FromProto(model));
}

storage::EmbeddingModel GloveIdfEmbedder::ToModel() const {
  storage::EmbeddingModel model;
  model.set_kind(std::string(kKind));
  model.set_word_vectors(vectors_->identity());
  model.set_dimension(vectors_->dimension());
  model.set_text_analysis(TextAnalysisIdentity());
  idf_.ToProto(&model);
  return model;
}

std::string GloveIdfEmbedder::Identity() const {
  return absl::StrCat(
      kKind, "/", vectors_->identity(), "/", TextAnalysisIdentity(),
      "/idf-docs=", idf_.documents(), ",terms=", idf_.terms(),
      ",crc32c=", absl::Hex(idf_.fingerprint(), absl::kZeroPad8));
}

std::vector<float> GloveIdfEmbedder::Embed(
    const std::vector<std::string>& tokens, int* known_tokens) const {
  std::vector<float> sum(static_cast<size_t>(vectors_->dimension()), 0.0f);
  int known = 0;
  for (const std::string& token : tokens) {
    const auto vec = vectors_->Find(token);
    if (vec.empty()) continue;
    const float weight = static_cast<float>(idf_.Idf(token));
    for (size_t i = 0; i < vec.size(); ++i) sum[i] += weight * vec[i];
    ++known;
  }
  if (known_tokens != nullptr) *known_tokens = known;
  NormalizeInPlace(&sum);
  return sum;
}

}  // namespace helixmatch
