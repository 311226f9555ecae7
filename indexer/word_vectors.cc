#include "indexer/word_vectors.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "indexer/checksum.h"
#include "indexer/file_contents.h"

namespace helixmatch {
namespace {

constexpr std::string_view kMagic = "HXWVEC01";
constexpr int kMaxDimension = 4096;

template <typename T>
bool ReadLittleEndian(std::string_view bytes, size_t* pos, T* out) {
  if (*pos + sizeof(T) > bytes.size()) return false;
  std::memcpy(out, bytes.data() + *pos, sizeof(T));
  *pos += sizeof(T);
  return true;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const WordVectors>> WordVectors::Load(
    const std::string& path, Bridge bridge) {
  // The lexicon is read first, so the table is read with room for its rows
  // (growing the 136 MB matrix afterwards would copy it). Its errors come
  // after the table's own, as when it was read second.
  std::optional<absl::StatusOr<CrossLingualLexicon>> lexicon;
  if (bridge == Bridge::kBeside) {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    const std::string prefix = dir.empty() ? std::string() : dir + "/";
    const std::string bridge_path = prefix + std::string(kBridgeFile);
    std::error_code error;
    if (std::filesystem::exists(bridge_path, error)) {
      lexicon = CrossLingualLexicon::Load(bridge_path,
                                          prefix + std::string(kGlossaryFile));
    }
  }
  const size_t spare_rows =
      lexicon && lexicon->ok() ? (*lexicon)->entries().size() : 0;
  auto table = LoadTable(path, spare_rows);
  if (!table.ok()) return table.status();
  if (!lexicon) return std::move(*table);
  if (!lexicon->ok()) {
    return absl::Status(lexicon->status().code(),
                        absl::StrCat("cross-lingual lexicon beside the word "
                                     "vectors: ",
                                     lexicon->status().message()));
  }
  // In place: the table is this call's own, so its 400k words and their
  // matrix are neither copied nor indexed twice.
  (*table)->AddLexicon(std::move(**lexicon));
  return std::move(*table);
}

absl::StatusOr<std::shared_ptr<const WordVectors>> WordVectors::WithLexicon(
    const std::shared_ptr<const WordVectors>& base,
    CrossLingualLexicon lexicon) {
  // The copy's index still views base's words, which outlive this call;
  // AddLexicon looks up through it and then indexes the copy's own.
  auto table = std::shared_ptr<WordVectors>(new WordVectors(*base));
  table->AddLexicon(std::move(lexicon));
  return std::shared_ptr<const WordVectors>(std::move(table));
}

void WordVectors::AddLexicon(CrossLingualLexicon lexicon) {
  lexicon_ = std::make_shared<const CrossLingualLexicon>(std::move(lexicon));
  // Sorted keys, so the rows (and the identity) do not depend on hash order.
  std::vector<std::string_view> keys;
  for (const auto& [key, translation] : lexicon_->entries()) {
    keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  const size_t dim = static_cast<size_t>(dimension_);
  const size_t base_rows = words_.size();
  // The English words are looked up in the GloVe rows alone: the new
  // words are appended after, and indexed again then (row_of_ holds views
  // of words_, which the appends may move).
  std::vector<std::string_view> bridged_words;
  matrix_.reserve(matrix_.size() + keys.size() * dim);
  std::vector<uint32_t> ranks;
  std::vector<float> row(dim);
  for (std::string_view key : keys) {
    ranks.clear();
    for (const std::string& english : lexicon_->Find(key)->english) {
      const auto it = row_of_.find(english);
      if (it != row_of_.end() && it->second < base_rows) {
        ranks.push_back(it->second);
      }
    }
    if (ranks.empty()) continue;
    // GloVe rows are in order of frequency: the most frequent English words
    // carry the common sense of a Russian word (вода -> water, not
    // backwash), so only the kMaxSenses most frequent count, weighted by
    // (1 + rank / 1000)^-1/2.
    constexpr size_t kMaxSenses = 4;
    std::sort(ranks.begin(), ranks.end());
    ranks.resize(std::min(ranks.size(), kMaxSenses));
    std::fill(row.begin(), row.end(), 0.0f);
    double total = 0;
    for (uint32_t rank : ranks) {
      const double weight = 1.0 / std::sqrt(1.0 + rank / 1000.0);
      total += weight;
      const float* source = matrix_.data() + size_t{rank} * dim;
      for (size_t i = 0; i < dim; ++i) {
        row[i] += static_cast<float>(weight) * source[i];
      }
    }
    for (float& x : row) x = static_cast<float>(x / total);
    bridged_words.push_back(key);
    matrix_.insert(matrix_.end(), row.begin(), row.end());
  }
  words_.reserve(base_rows + bridged_words.size());
  for (std::string_view word : bridged_words) words_.emplace_back(word);
  identity_ = absl::StrCat(identity_, "+", lexicon_->identity(),
                           ",rows=", bridged_words.size());
  row_of_.clear();
  IndexWords();
  // A bridged lemma that GloVe also holds (rare Cyrillic tokens) takes the
  // bridge: the translation carries the meaning, the GloVe row little.
  for (uint32_t i = static_cast<uint32_t>(base_rows); i < words_.size(); ++i) {
    row_of_[words_[i]] = i;
  }
}

const CrossLingualLexicon::Translation* WordVectors::Translation(
    std::string_view word) const {
  if (lexicon_ == nullptr || Find(word).empty()) return nullptr;
  return lexicon_->Find(word);
}

absl::StatusOr<std::shared_ptr<WordVectors>> WordVectors::LoadTable(
    const std::string& path, size_t spare_rows) {
  const auto file_error = [&path](const absl::Status& s) {
    if (absl::IsNotFound(s)) {
      return absl::NotFoundError(
          absl::StrCat("word vectors: cannot open '", path,
                       "' (run scripts/fetch-word-vectors.sh to create it)"));
    }
    return absl::Status(s.code(), absl::StrCat("word vectors: ", s.message()));
  };
  const auto corrupt = [&](absl::string_view what) {
    return absl::DataLossError(
        absl::StrCat("word vectors '", path, "': ", what));
  };
  auto length = FileLength(path);
  if (!length.ok()) return file_error(length.status());
  if (*length < 16) {
    return corrupt("not a helixmatch word vector file (bad magic)");
  }
  // The file is read straight into the buffer that becomes the matrix:
  // the header and words are parsed from its front, then the vectors are
  // moved down over them. The header's dimension sizes the room kept for
  // `spare_rows` (a file replaced in between is read whole and checked
  // again below; only the room may then be short).
  char header[16];
  if (auto s = ReadFileRange(path, 0, header); !s.ok()) return file_error(s);
  uint32_t dimension = 0, count = 0;
  std::memcpy(&dimension, header + 8, sizeof(dimension));
  const size_t floats = (*length + sizeof(float) - 1) / sizeof(float);
  std::vector<float> buffer;
  buffer.reserve(floats +
                 spare_rows * std::min<uint32_t>(dimension, kMaxDimension));
  buffer.resize(floats);
  if (auto s = ReadFileRange(
          path, 0,
          std::span<char>(reinterpret_cast<char*>(buffer.data()), *length));
      !s.ok()) {
    return file_error(s);
  }
  const std::string_view bytes(reinterpret_cast<const char*>(buffer.data()),
                               *length);
  if (bytes.substr(0, 8) != kMagic) {
    return corrupt("not a helixmatch word vector file (bad magic)");
  }
  size_t pos = 8;
  ReadLittleEndian(bytes, &pos, &dimension);
  ReadLittleEndian(bytes, &pos, &count);
  if (dimension == 0 || dimension > kMaxDimension) {
    return corrupt(
        absl::StrCat("dimension ", dimension, " outside 1..", kMaxDimension));
  }
  auto table = std::shared_ptr<WordVectors>(new WordVectors());
  table->dimension_ = static_cast<int>(dimension);
  // Each word takes at least its two length bytes.
  if (count > (bytes.size() - pos) / 2) {
    return corrupt(absl::StrCat("truncated: ", count, " words cannot fit in ",
                                bytes.size(), " bytes"));
  }
  table->words_.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint16_t length = 0;
    if (!ReadLittleEndian(bytes, &pos, &length) ||
        pos + length > bytes.size()) {
      return corrupt(absl::StrCat("truncated in word ", i, " of ", count));
    }
    table->words_.emplace_back(bytes.data() + pos, length);
    pos += length;
  }
  pos = (pos + 3) & ~size_t{3};
  const size_t matrix_bytes = size_t{count} * dimension * sizeof(float);
  if (bytes.size() != pos + matrix_bytes) {
    return corrupt(absl::StrCat("size ", bytes.size(), " bytes, expected ",
                                pos + matrix_bytes, " for ", count,
                                " words of dimension ", dimension));
  }
  table->identity_ =
      absl::StrFormat("%ux%u:crc32c=%08x", count, dimension, Crc32c(bytes));
  // `pos` is a multiple of 4, so the vectors start on a float.
  std::memmove(buffer.data(), buffer.data() + pos / sizeof(float),
               matrix_bytes);
  buffer.resize(size_t{count} * dimension);
  table->matrix_ = std::move(buffer);
  for (size_t i = 0; i < table->matrix_.size(); ++i) {
    if (!std::isfinite(table->matrix_[i])) {
      return corrupt(absl::StrCat("non-finite value in the vector of '",
                                  table->words_[i / dimension], "'"));
    }
  }
  table->IndexWords();
  return table;
}

absl::StatusOr<std::shared_ptr<const WordVectors>> WordVectors::FromRows(
    int dimension, const std::vector<std::string>& words,
    const std::vector<std::vector<float>>& rows) {
  if (dimension <= 0 || dimension > kMaxDimension) {
    return absl::InvalidArgumentError(
        absl::StrCat("dimension ", dimension, " outside 1..", kMaxDimension));
  }
  if (words.size() != rows.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(words.size(), " words but ", rows.size(), " vectors"));
  }
  auto table = std::shared_ptr<WordVectors>(new WordVectors());
  table->dimension_ = dimension;
  table->words_ = words;
  uint32_t crc = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (static_cast<int>(rows[i].size()) != dimension) {
      return absl::InvalidArgumentError(
          absl::StrCat("vector of '", words[i], "' has ", rows[i].size(),
                       " components, expected ", dimension));
    }
    table->matrix_.insert(table->matrix_.end(), rows[i].begin(), rows[i].end());
    crc = Crc32c(crc, words[i].data(), words[i].size());
    crc = Crc32c(crc, rows[i].data(), rows[i].size() * sizeof(float));
  }
  table->identity_ =
      absl::StrFormat("%zux%d:crc32c=%08x", words.size(), dimension, crc);
  table->IndexWords();
  return std::shared_ptr<const WordVectors>(std::move(table));
}

void WordVectors::IndexWords() {
  row_of_.reserve(words_.size());
  for (uint32_t i = 0; i < words_.size(); ++i) {
    row_of_.emplace(words_[i], i);  // first (most frequent) wins
  }
}

std::span<const float> WordVectors::Find(std::string_view word) const {
  const auto it = row_of_.find(word);
  if (it == row_of_.end()) return {};
  return {matrix_.data() + size_t{it->second} * dimension_,
          static_cast<size_t>(dimension_)};
}

namespace {

bool IsEnglish(std::string_view word) {
  return !word.empty() &&
         std::all_of(word.begin(), word.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; });
}

double Cosine(std::span<const float> a, std::span<const float> b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += double{a[i]} * b[i];
    na += double{a[i]} * a[i];
    nb += double{b[i]} * b[i];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

}  // namespace

std::vector<std::string_view> WordVectors::Equivalents(
    std::string_view word, std::span<const float> context) const {
  if (lexicon_ == nullptr) return {};
  std::vector<std::string_view> all = lexicon_->Equivalents(word);
  if (lexicon_->Find(word) == nullptr) return all;  // English: lemmas only
  // The lemma's English words in the dictionary's order, scored by how
  // well they fit the context (all 0 without one, so the order stays).
  std::vector<std::pair<double, size_t>> senses;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!IsEnglish(all[i])) continue;
    const auto row = Find(all[i]);
    if (row.empty()) continue;
    senses.emplace_back(context.empty() ? 0.0 : Cosine(row, context), i);
  }
  std::stable_sort(senses.begin(), senses.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (senses.size() > kEnglishSenses) senses.resize(kEnglishSenses);
  std::vector<std::string_view> out;
  for (size_t i = 0; i < all.size(); ++i) {
    const bool kept = std::any_of(senses.begin(), senses.end(),
                                  [i](const auto& s) { return s.second == i; });
    if (!IsEnglish(all[i]) || kept) out.push_back(all[i]);
  }
  return out;
}

}  // namespace helixmatch
