#include "indexer/lemmatizer.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <hunspell/hunspell.hxx>
#include <mutex>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace helixmatch {
namespace {

// Cyrillic letters are two bytes each in UTF-8.
constexpr size_t kCyrillicLetter = 2;

// Longest first, so "ами" is tried before "и".
constexpr std::string_view kRussianEndings[] = {
    "иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ией", "ия",
    "ие",   "ии",  "ий",  "ая",  "яя",  "ое",  "ее",  "ые",  "ой",  "ом",  "ем",
    "ах",   "ях",  "ов",  "ев",  "ей",  "ам",  "ям",  "ую",  "юю",  "ью",  "а",
    "я",    "ы",   "и",   "у",   "ю",   "е",   "о",   "ь"};

constexpr std::string_view kKazakhSuffixes[] = {
    // locative adjective, ablative, genitive, instrumental
    "дағы", "дегі", "тағы", "тегі", "нан", "нен", "дан", "ден", "тан", "тен",
    "ның", "нің", "дың", "дің", "тың", "тің", "мен", "бен", "пен",
    // plural, abstract nouns (-ness, -ity, -ical)
    "лар", "лер", "дар", "дер", "тар", "тер", "лық", "лік", "дық", "дік", "тық",
    "тік",
    // possessive (with the accusative)
    "ымыз", "іміз", "сын", "сін", "сы", "сі", "ын", "ін",
    // dative, accusative, locative
    "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та", "те", "ны", "ні",
    "ды", "ді", "ты", "ті", "ы", "і"};

std::string StripLongestSuffix(std::string_view word,
                               std::span<const std::string_view> suffixes,
                               size_t min_stem_letters) {
  for (std::string_view suffix : suffixes) {
    if (word.size() >= suffix.size() + min_stem_letters * kCyrillicLetter &&
        word.substr(word.size() - suffix.size()) == suffix) {
      return std::string(word.substr(0, word.size() - suffix.size()));
    }
  }
  return std::string(word);
}

size_t Letters(std::string_view word) {
  size_t letters = 0;
  for (char c : word) letters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return letters;
}

// hunspell-kk lists the word itself first and stems after it, some of them
// not prefixes or too short to be words ("теңіз" -> теңіз, те): the
// shortest stem of three letters or more that starts the word.
std::string BestKazakhStem(Hunspell& hunspell, const std::string& word) {
  std::string best;
  for (const std::string& stem : hunspell.stem(word)) {
    if (Letters(stem) < 3 || word.compare(0, stem.size(), stem) != 0) continue;
    if (best.empty() || stem.size() < best.size()) best = stem;
  }
  return best;
}

// A stem ending in ғ or г before a vowel suffix ends in қ or к on its own
// (шаруашылығы -> шаруашылық).
void RestoreVoicedFinal(std::string* stem) {
  for (const auto& [voiced, voiceless] :
       {std::pair<std::string_view, std::string_view>{"ғ", "қ"}, {"г", "к"}}) {
    if (stem->ends_with(voiced)) {
      stem->replace(stem->size() - voiced.size(), voiced.size(), voiceless);
      return;
    }
  }
}

// Kazakh stacks suffixes: strip one at a time until hunspell knows the rest
// or nothing more comes off.
std::string KazakhLemma(Hunspell* hunspell, const std::string& word) {
  std::string known;
  if (hunspell != nullptr) {
    known = BestKazakhStem(*hunspell, word);
    if (!known.empty() && known != word) return known;
  }
  std::string rest = word;
  for (int i = 0; i < 4; ++i) {
    std::string shorter = StripKazakhSuffix(rest);
    if (shorter == rest) break;
    RestoreVoicedFinal(&shorter);
    rest = std::move(shorter);
    if (hunspell != nullptr && hunspell->spell(rest)) {
      std::string stem = BestKazakhStem(*hunspell, rest);
      return stem.empty() ? rest : stem;
    }
  }
  // A word hunspell knows as it is stays as it is.
  return known.empty() ? rest : known;
}

bool Readable(const std::string& path) {
  std::ifstream in(path);
  return in.good();
}

}  // namespace

std::string StripRussianEnding(std::string_view word) {
  return StripLongestSuffix(word, kRussianEndings, 4);
}

std::string StripKazakhSuffix(std::string_view word) {
  return StripLongestSuffix(word, kKazakhSuffixes, 3);
}

struct Lemmatizer::Dictionaries {
  std::unique_ptr<Hunspell> russian;
  std::unique_ptr<Hunspell> kazakh;
  std::mutex mu;  // guards both Hunspell objects and the caches
  absl::flat_hash_map<std::string, std::string> russian_cache;
  absl::flat_hash_map<std::string, std::string> kazakh_cache;
};

Lemmatizer::Lemmatizer() : dictionaries_(std::make_unique<Dictionaries>()) {}
Lemmatizer::~Lemmatizer() = default;

std::unique_ptr<Lemmatizer> Lemmatizer::Open(const std::string& hunspell_dir) {
  std::unique_ptr<Lemmatizer> lemmatizer(new Lemmatizer());
  const auto open = [&](const char* name, std::unique_ptr<Hunspell>* out) {
    const std::string base = absl::StrCat(hunspell_dir, "/", name);
    const std::string aff = base + ".aff", dic = base + ".dic";
    if (!Readable(aff) || !Readable(dic)) return std::string("suffix");
    *out = std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
    std::error_code error;
    const auto size = std::filesystem::file_size(dic, error);
    return absl::StrCat("hunspell:", error ? 0 : size);
  };
  const std::string ru = open("ru_RU", &lemmatizer->dictionaries_->russian);
  const std::string kk = open("kk_KZ", &lemmatizer->dictionaries_->kazakh);
  lemmatizer->identity_ = absl::StrCat("ru=", ru, ",kk=", kk);
  return lemmatizer;
}

const Lemmatizer& Lemmatizer::Default() {
  static const Lemmatizer* const lemmatizer = [] {
    const char* dir = std::getenv("HELIXMATCH_HUNSPELL_DIR");
    return Open(dir != nullptr ? dir : "/usr/share/hunspell").release();
  }();
  return *lemmatizer;
}

std::string Lemmatizer::Lemma(std::string_view word,
                              TextLanguage language) const {
  if (language == TextLanguage::kEnglish) return std::string(word);
  const bool russian = language == TextLanguage::kRussian;
  Dictionaries& d = *dictionaries_;
  Hunspell* hunspell = russian ? d.russian.get() : d.kazakh.get();
  auto& cache = russian ? d.russian_cache : d.kazakh_cache;
  const std::string key(word);
  std::lock_guard<std::mutex> lock(d.mu);
  if (const auto it = cache.find(key); it != cache.end()) return it->second;
  std::string lemma;
  if (russian) {
    // Hunspell's first stem is its most likely reading.
    if (hunspell != nullptr) {
      const std::vector<std::string> stems = hunspell->stem(key);
      if (!stems.empty()) lemma = stems.front();
    }
    if (lemma.empty()) lemma = StripRussianEnding(key);
  } else {
    lemma = KazakhLemma(hunspell, key);
  }
  // Unbounded query text must not grow the cache without limit.
  constexpr size_t kMaxCached = 1 << 19;
  if (cache.size() < kMaxCached) cache.emplace(key, lemma);
  return lemma;
}

}  // namespace helixmatch
