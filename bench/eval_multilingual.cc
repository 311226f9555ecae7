// Cross-language matching on the bilingual illustrative set
// (data/eval/multilingual_needs.tsv): Russian and Kazakh needs against the
// English demo capabilities (and a few capabilities against English needs),
// ranked by the dense topical fit alone (cosine of the embedded texts, the
// embedder and IDF the indexer uses), once with the English-only analysis
// (no bridge rows, no lemmas, no transliteration) and once with the
// multilingual one. Optional distractors: English capability texts, one a
// line (scripts/eval-multilingual.sh takes CORDIS project titles).
//
// Prints a Markdown table of R@10 and nDCG@10 per language and direction,
// then one JSON line. Run through scripts/eval-multilingual.sh.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "indexer/default_paths.h"
#include "indexer/embedder.h"
#include "indexer/jsonl_reader.h"
#include "indexer/profile_text.h"
#include "indexer/text_analyzer.h"
#include "indexer/word_vectors.h"

namespace helixmatch {
namespace {

struct Query {
  std::string id, language, direction, text;
  std::vector<std::string> relevant;
};

struct Candidate {
  std::string id;
  bool capability;
  std::string text;
};

struct Scores {
  double recall = 0, ndcg = 0;
  int count = 0;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "eval_multilingual: %s\n", message.c_str());
  return 2;
}

bool ReadLines(const std::string& path, std::vector<std::string>* lines) {
  std::ifstream in(path);
  if (!in) return false;
  for (std::string line; std::getline(in, line);) lines->push_back(line);
  return true;
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0;
  for (size_t i = 0; i < a.size(); ++i) dot += double{a[i]} * b[i];
  return dot;  // both unit length (or zero)
}

int Run(int argc, char** argv) {
  CLI::App app{"Cross-language matching on the bilingual illustrative set"};
  std::string set_path = "data/eval/multilingual_needs.tsv";
  std::string demo_dir = "data/demo";
  std::string vectors_path = DefaultWordVectorsPath();
  std::string distractors_path;
  app.add_option("--set", set_path, "the bilingual set (TSV)");
  app.add_option("--demo", demo_dir,
                 "folder of capabilities.jsonl, needs.jsonl");
  app.add_option("--word-vectors", vectors_path, "GloVe file (lexicon beside)");
  app.add_option("--distractors", distractors_path,
                 "extra English capability texts, one a line");
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> lines;
  if (!ReadLines(set_path, &lines)) return Fail("cannot read " + set_path);
  std::vector<Query> queries;
  int number = 0;
  for (const std::string& line : lines) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() != 5) {
      return Fail(absl::StrCat(set_path, ":", number, ": expected 5 fields"));
    }
    queries.push_back(
        {f[0], f[1], f[2], f[3], absl::StrSplit(f[4], ' ', absl::SkipEmpty())});
  }
  std::vector<Candidate> candidates;
  for (const char* name : {"capabilities.jsonl", "needs.jsonl"}) {
    std::vector<std::string> records;
    const std::string path = demo_dir + "/" + name;
    if (!ReadLines(path, &records)) return Fail("cannot read " + path);
    for (const std::string& json : records) {
      if (json.empty()) continue;
      auto record = ParseRecordJson(json);
      if (!record.ok()) return Fail(std::string(record.status().message()));
      if (record->has_capability()) {
        candidates.push_back(
            {record->capability().id(), true, ProfileText(*record)});
      } else if (record->has_need()) {
        candidates.push_back(
            {record->need().id(), false, ProfileText(*record)});
      }
    }
  }
  if (!distractors_path.empty()) {
    std::vector<std::string> titles;
    if (!ReadLines(distractors_path, &titles)) {
      return Fail("cannot read " + distractors_path);
    }
    for (size_t i = 0; i < titles.size(); ++i) {
      if (!titles[i].empty()) {
        candidates.push_back({absl::StrCat("distractor:", i), true, titles[i]});
      }
    }
  }

  std::map<std::string, std::map<std::string, Scores>> results;  // mode, group
  for (const bool multilingual : {false, true}) {
    const std::string mode = multilingual ? "multilingual" : "english-only";
    auto vectors = WordVectors::Load(
        vectors_path, multilingual ? WordVectors::Bridge::kBeside
                                   : WordVectors::Bridge::kEnglishOnly);
    if (!vectors.ok()) return Fail(std::string(vectors.status().message()));
    if (multilingual && (*vectors)->lexicon() == nullptr) {
      return Fail("no cross-lingual lexicon beside " + vectors_path +
                  " (run scripts/fetch-word-vectors.sh)");
    }
    TokenizeOptions options;
    options.multilingual = multilingual;
    std::vector<std::vector<std::string>> documents;
    for (const Candidate& c : candidates) {
      documents.push_back(Tokenize(c.text, options));
    }
    const GloveIdfEmbedder embedder(*vectors, IdfTable::Fit(documents));
    std::vector<std::vector<float>> candidate_vectors;
    for (const auto& tokens : documents) {
      candidate_vectors.push_back(embedder.Embed(tokens));
    }
    for (const Query& q : queries) {
      const bool want_capability = q.direction == "need->cap";
      const auto v = embedder.Embed(Tokenize(q.text, options));
      std::vector<std::pair<double, const std::string*>> ranked;
      for (size_t i = 0; i < candidates.size(); ++i) {
        if (candidates[i].capability != want_capability) continue;
        ranked.emplace_back(Cosine(v, candidate_vectors[i]), &candidates[i].id);
      }
      std::stable_sort(ranked.begin(), ranked.end(),
                       [](auto& a, auto& b) { return a.first > b.first; });
      double hits = 0, dcg = 0, ideal = 0;
      for (size_t r = 0; r < std::min<size_t>(10, ranked.size()); ++r) {
        if (std::find(q.relevant.begin(), q.relevant.end(),
                      *ranked[r].second) != q.relevant.end()) {
          ++hits;
          dcg += 1.0 / std::log2(r + 2.0);
        }
      }
      for (size_t r = 0; r < std::min<size_t>(10, q.relevant.size()); ++r) {
        ideal += 1.0 / std::log2(r + 2.0);
      }
      for (const std::string& group :
           {q.language + " " + q.direction, std::string("all")}) {
        Scores& s = results[mode][group];
        s.recall += hits / q.relevant.size();
        s.ndcg += dcg / ideal;
        ++s.count;
      }
    }
  }

  std::printf(
      "| queries | n | R@10 English-only | R@10 multilingual | "
      "nDCG@10 English-only | nDCG@10 multilingual |\n");
  std::printf("|---|---|---|---|---|---|\n");
  std::string json = "{";
  for (const auto& [group, base] : results["english-only"]) {
    const Scores& ml = results["multilingual"][group];
    const auto avg = [](double sum, int n) { return n ? sum / n : 0.0; };
    std::printf("| %s | %d | %.4f | %.4f | %.4f | %.4f |\n", group.c_str(),
                base.count, avg(base.recall, base.count),
                avg(ml.recall, ml.count), avg(base.ndcg, base.count),
                avg(ml.ndcg, ml.count));
    absl::StrAppend(
        &json, json.size() > 1 ? ", " : "",
        absl::StrFormat("\"%s\": {\"n\": %d, \"r10_english_only\": "
                        "%.4f, \"r10_multilingual\": %.4f, "
                        "\"ndcg10_english_only\": %.4f, "
                        "\"ndcg10_multilingual\": %.4f}",
                        group, base.count, avg(base.recall, base.count),
                        avg(ml.recall, ml.count), avg(base.ndcg, base.count),
                        avg(ml.ndcg, ml.count)));
  }
  std::printf("%s, \"candidates\": %zu}\n", json.c_str(), candidates.size());
  return 0;
}

}  // namespace
}  // namespace helixmatch

int main(int argc, char** argv) { return helixmatch::Run(argc, argv); }
