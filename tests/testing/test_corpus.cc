#include "tests/testing/test_corpus.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "indexer/corpus_importer.h"
#include "indexer/default_paths.h"
#include "indexer/record_store.h"

namespace helixmatch::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr ? base : "/tmp") + "/helixmatch-test-XXXXXX";
  char* made = mkdtemp(pattern.data());
  if (made == nullptr) std::abort();
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

std::vector<float> RandomUnitVectors(int64_t n, int dimension, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> out(static_cast<size_t>(n) * dimension);
  for (int64_t i = 0; i < n; ++i) {
    float* v = out.data() + i * dimension;
    double norm = 0;
    for (int d = 0; d < dimension; ++d) {
      v[d] = normal(rng);
      norm += double{v[d]} * v[d];
    }
    const float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (int d = 0; d < dimension; ++d) v[d] *= scale;
  }
  return out;
}

std::shared_ptr<const WordVectors> SyntheticWordVectors() {
  static const auto vectors = [] {
    const std::vector<std::vector<std::string>> clusters = {
        {"mining", "mine", "ore", "flotation", "copper", "concentrator",
         "mineral", "processing", "geomechanics", "rock", "metallurgy",
         "smelter", "tailings", "reagent", "cells", "crushing", "grinding"},
        {"oil", "gas", "pipeline", "corrosion", "reservoir", "drilling", "well",
         "refinery", "petroleum", "fluids", "offshore"},
        {"wheat", "agriculture", "crop", "drought", "irrigation", "livestock",
         "soil", "farm", "breeding", "harvest", "grain"},
        {"solar", "wind", "grid", "energy", "power", "battery", "renewable",
         "electricity", "turbine", "storage"},
        {"software", "machine", "learning", "data", "cybersecurity", "cloud",
         "network", "algorithm", "digital", "analytics", "predictive",
         "maintenance"},
        {"health", "medical", "tuberculosis", "diagnostics", "clinic",
         "patient", "pharmaceutical", "telemedicine", "hospital", "drug"},
        {"students", "internship", "graduates", "training", "curriculum",
         "teaching", "education"},
        {"обогащение", "руда", "медь"},
    };
    constexpr int kDimension = 16;
    std::mt19937 rng(42);
    std::normal_distribution<float> noise(0.0f, 0.15f);
    std::vector<std::string> words;
    std::vector<std::vector<float>> rows;
    for (size_t c = 0; c < clusters.size(); ++c) {
      std::vector<float> centre(kDimension, 0.0f);
      centre[c % kDimension] = 1.0f;
      centre[(c + 8) % kDimension] = 0.5f;
      // Cyrillic mining words sit next to the mining cluster.
      if (c == 7) centre = {1.0f, 0, 0, 0, 0, 0, 0, 0, 0.5f};
      centre.resize(kDimension, 0.0f);
      for (const auto& word : clusters[c]) {
        std::vector<float> row = centre;
        for (float& x : row) x += noise(rng);
        words.push_back(word);
        rows.push_back(std::move(row));
      }
    }
    auto table = WordVectors::FromRows(kDimension, words, rows);
    if (!table.ok()) std::abort();
    return *table;
  }();
  return vectors;
}

std::string DemoFile(const std::string& name) {
  return std::string(HELIXMATCH_SOURCE_DIR) + "/data/demo/" + name;
}

std::string GloveFile() { return DefaultWordVectorsPath(); }

absl::Status ImportDemo(const std::string& root,
                        std::shared_ptr<const WordVectors> vectors) {
  DataDir data{root};
  std::filesystem::create_directories(root);
  RecordStoreOptions options;
  options.sync_writes = false;
  auto store = RecordStore::Open(data.StorePath(), options);
  if (!store.ok()) return store.status();
  CorpusImporter importer(store->get(), &data, std::move(vectors));
  for (const char* file : {"organizations.jsonl", "capabilities.jsonl",
                           "needs.jsonl", "ties.jsonl"}) {
    if (auto s = importer.AddJsonlFile(DemoFile(file)); !s.ok()) return s;
  }
  auto report = importer.Commit();
  if (!report.ok()) return report.status();
  if (!report->rejected.empty()) {
    const auto& r = report->rejected.front();
    return absl::InvalidArgumentError(
        absl::StrCat(r.source, ":", r.line, ": ", r.reason));
  }
  return absl::OkStatus();
}

v1::Organization MakeOrganization(const std::string& id,
                                  v1::OrganizationKind kind,
                                  const std::string& country,
                                  const std::string& city) {
  v1::Organization org;
  org.set_id(id);
  org.set_kind(kind);
  org.set_name("Organization " + id);
  org.set_country(country);
  org.set_city(city);
  return org;
}

v1::CapabilityProfile MakeCapability(const std::string& id,
                                     const std::string& organization_id,
                                     const std::string& title) {
  v1::CapabilityProfile p;
  p.set_id(id);
  p.set_organization_id(organization_id);
  p.set_title(title);
  return p;
}

v1::FirmNeed MakeNeed(const std::string& id, const std::string& organization_id,
                      const std::string& title) {
  v1::FirmNeed n;
  n.set_id(id);
  n.set_organization_id(organization_id);
  n.set_title(title);
  return n;
}

v1::Tie MakeTie(const std::string& id, const std::string& a,
                const std::string& b, int year, v1::TieOutcome outcome,
                v1::Channel channel) {
  v1::Tie t;
  t.set_id(id);
  t.set_organization_a(a);
  t.set_organization_b(b);
  t.set_year(year);
  t.set_outcome(outcome);
  t.set_channel(channel);
  return t;
}

}  // namespace helixmatch::testing
