#include "indexer/cross_lingual_lexicon.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "indexer/checksum.h"
#include "indexer/file_contents.h"
#include "indexer/lemmatizer.h"
#include "indexer/text_analyzer.h"

namespace helixmatch {
namespace {

using absl::string_view;

string_view Absl(std::string_view s) { return string_view(s.data(), s.size()); }

struct Line {
  int number;
  string_view key;
  std::vector<string_view> words;
};

bool IsAsciiLetters(string_view word) {
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; });
}

// Words are case-folded tokens: no space or control byte, and folding
// changes nothing (Tokenize never yields "Медь").
bool IsTokenLike(string_view word) {
  const std::string_view view(word.data(), word.size());
  return !word.empty() && std::none_of(word.begin(), word.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b <= ' ' || b == 0x7F;
  }) && LowerUtf8(view) == view;
}

absl::StatusOr<std::vector<Line>> ParseLines(string_view text, string_view name,
                                             string_view key_field,
                                             string_view words_field) {
  std::vector<Line> lines;
  int number = 0;
  for (string_view raw : absl::StrSplit(text, '\n')) {
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (raw.empty() || raw.front() == '#') continue;
    const auto error = [&](auto&&... what) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ":", number, ": ", what...));
    };
    const std::vector<string_view> fields = absl::StrSplit(raw, '\t');
    if (fields.size() != 2) {
      return error("expected 2 tab-separated fields (", key_field, ", ",
                   words_field, "), found ", fields.size());
    }
    if (!IsTokenLike(fields[0])) {
      return error("field 1 (", key_field, ") '", fields[0],
                   "' is not one lower-case word");
    }
    Line line{number, fields[0], {}};
    for (string_view word : absl::StrSplit(fields[1], ' ')) {
      if (!IsTokenLike(word)) {
        return error("field 2 (", words_field,
                     ") has an empty or malformed "
                     "word in '",
                     fields[1], "'");
      }
      line.words.push_back(word);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

uint32_t Fingerprint(
    const absl::flat_hash_map<std::string, CrossLingualLexicon::Translation>&
        entries,
    bool kazakh) {
  std::vector<std::pair<string_view, const CrossLingualLexicon::Translation*>>
      sorted;
  for (const auto& [key, translation] : entries) {
    if (translation.via.empty() != kazakh)
      sorted.emplace_back(key, &translation);
  }
  std::sort(sorted.begin(), sorted.end());
  uint32_t crc = 0;
  for (const auto& [key, translation] : sorted) {
    crc = Crc32c(crc, key.data(), key.size());
    for (const std::string& word : translation->english) {
      crc = Crc32c(crc, "\t", 1);
      crc = Crc32c(crc, word.data(), word.size());
    }
    crc = Crc32c(crc, "\n", 1);
  }
  return crc;
}

}  // namespace

absl::StatusOr<CrossLingualLexicon> CrossLingualLexicon::Parse(
    std::string_view bridge_text, std::string_view bridge_name,
    std::string_view glossary_text, std::string_view glossary_name) {
  auto bridge = ParseLines(Absl(bridge_text), Absl(bridge_name), "Russian word",
                           "English words");
  if (!bridge.ok()) return bridge.status();
  auto glossary = ParseLines(Absl(glossary_text), Absl(glossary_name),
                             "Kazakh word", "Russian or English words");
  if (!glossary.ok()) return glossary.status();

  CrossLingualLexicon lexicon;
  for (const Line& line : *bridge) {
    Translation translation;
    for (string_view word : line.words) {
      if (!IsAsciiLetters(word)) {
        return absl::InvalidArgumentError(absl::StrCat(
            Absl(bridge_name), ":", line.number, ": field 2 (English words): '",
            word, "' is not an English word (a-z)"));
      }
      translation.english.emplace_back(word);
    }
    if (!lexicon.entries_.emplace(line.key, std::move(translation)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(Absl(bridge_name), ":", line.number,
                       ": field 1 (Russian "
                       "word): '",
                       line.key, "' appears twice"));
    }
  }
  lexicon.russian_entries_ = lexicon.entries_.size();

  absl::flat_hash_map<std::string, Translation> kazakh;
  for (const Line& line : *glossary) {
    Translation translation;
    for (string_view word : line.words) {
      if (IsAsciiLetters(word)) {
        translation.english.emplace_back(word);
        continue;
      }
      const auto russian = lexicon.entries_.find(word);
      if (russian == lexicon.entries_.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat(Absl(glossary_name), ":", line.number,
                         ": field 2 (Russian or "
                         "English words): '",
                         word, "' is neither in ", Absl(bridge_name),
                         " nor an English word (a-z)"));
      }
      if (translation.via.empty()) translation.via = std::string(word);
      for (const std::string& english : russian->second.english) {
        if (std::find(translation.english.begin(), translation.english.end(),
                      english) == translation.english.end()) {
          translation.english.push_back(english);
        }
      }
    }
    if (translation.via.empty()) translation.via = translation.english.front();
    if (!kazakh.emplace(line.key, std::move(translation)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(Absl(glossary_name), ":", line.number,
                       ": field 1 (Kazakh "
                       "word): '",
                       line.key, "' appears twice"));
    }
  }
  lexicon.kazakh_entries_ = kazakh.size();
  // A glossary entry overrides a Russian word spelled the same.
  for (auto& [key, translation] : kazakh) {
    lexicon.entries_.insert_or_assign(key, std::move(translation));
  }
  // Russian words hunspell does not know reach Tokenize suffix-stripped.
  // Keys in sorted order, so when two strip to the same stem the first
  // wins in every process (hash order is seeded per process).
  std::vector<std::string> keys;
  keys.reserve(lexicon.entries_.size());
  for (const auto& [key, translation] : lexicon.entries_) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    std::string stem = StripRussianEnding(key);
    if (stem == key || lexicon.entries_.contains(stem)) continue;
    Translation translation = lexicon.entries_.at(key);
    lexicon.entries_.emplace(std::move(stem), std::move(translation));
  }
  lexicon.IndexConcepts();
  lexicon.identity_ = absl::StrFormat(
      "ru-en=%zu:%08x,kk-ru=%zu:%08x", lexicon.russian_entries_,
      Fingerprint(lexicon.entries_, false), lexicon.kazakh_entries_,
      Fingerprint(lexicon.entries_, true));
  return lexicon;
}

absl::StatusOr<CrossLingualLexicon> CrossLingualLexicon::Load(
    const std::string& bridge_path, const std::string& glossary_path) {
  auto bridge = ReadFileContents(bridge_path);
  if (!bridge.ok()) return bridge.status();
  auto glossary = ReadFileContents(glossary_path);
  if (!glossary.ok()) return glossary.status();
  return Parse(*bridge, bridge_path, *glossary, glossary_path);
}

const CrossLingualLexicon::Translation* CrossLingualLexicon::Find(
    std::string_view lemma) const {
  const auto it = entries_.find(Absl(lemma));
  return it == entries_.end() ? nullptr : &it->second;
}

// A lemma stands for its first two English words (the senses the
// dictionary lists it under first).
constexpr size_t kConceptWords = 2;
// A lemma's equivalents include its first eight English words (the word
// vectors then keep those that fit the query, WordVectors::Equivalents).
constexpr size_t kEnglishEquivalents = 8;

void CrossLingualLexicon::IndexConcepts() {
  for (const auto& [key, translation] : entries_) {
    const size_t n = std::min(kConceptWords, translation.english.size());
    for (size_t i = 0; i < n; ++i) {
      concepts_[translation.english[i]].push_back(key);
    }
  }
  for (auto& [english, lemmas] : concepts_) {
    std::sort(lemmas.begin(), lemmas.end());
  }
}

std::vector<std::string_view> CrossLingualLexicon::Equivalents(
    std::string_view word) const {
  std::vector<std::string_view> out;
  auto add = [&](std::string_view w) {
    if (out.size() < kMaxEquivalents && w != word &&
        std::find(out.begin(), out.end(), w) == out.end()) {
      out.push_back(w);
    }
  };
  auto add_lemmas_of = [&](std::string_view english) {
    const auto it = concepts_.find(Absl(english));
    if (it == concepts_.end()) return;
    for (const std::string& lemma : it->second) add(lemma);
  };
  const Translation* translation = Find(word);
  if (translation == nullptr) {
    add_lemmas_of(word);
    return out;
  }
  const auto& english = translation->english;
  for (size_t i = 0; i < std::min(kEnglishEquivalents, english.size()); ++i) {
    add(english[i]);
  }
  if (!translation->via.empty()) add(translation->via);
  for (size_t i = 0; i < std::min(kConceptWords, english.size()); ++i) {
    add_lemmas_of(english[i]);
  }
  return out;
}

}  // namespace helixmatch
