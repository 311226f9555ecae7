// Synthetic corpus shared by the benchmarks: texts drawn from a small
// domain vocabulary (every word is in the GloVe vectors, so texts embed
// like real ones), and the organization ids of the synthetic corpus.
//
// Organizations are "org:<i>" for i in [0, organizations): even i are
// universities that own the capability profiles, odd i are firms (the
// requesters of the serving benchmark).
#ifndef HELIXMATCH_BENCH_SYNTHETIC_TEXT_H_
#define HELIXMATCH_BENCH_SYNTHETIC_TEXT_H_

#include <iterator>
#include <random>
#include <string>

namespace helixmatch::bench {

inline constexpr const char* kSyntheticWords[] = {
    "mining",       "ore",           "flotation",    "copper",
    "concentrator", "tailings",      "geomechanics", "rock",
    "smelter",      "metallurgy",    "leaching",     "gold",
    "oil",          "gas",           "pipeline",     "corrosion",
    "reservoir",    "drilling",      "well",         "refinery",
    "wheat",        "drought",       "irrigation",   "livestock",
    "soil",         "breeding",      "grain",        "solar",
    "wind",         "grid",          "battery",      "power",
    "turbine",      "storage",       "software",     "learning",
    "data",         "cybersecurity", "cloud",        "network",
    "analytics",    "predictive",    "maintenance",  "sensor",
    "health",       "tuberculosis",  "diagnostics",  "clinic",
    "patient",      "drug",          "vaccine",      "students",
    "internship",   "training",      "curriculum",   "water",
    "cement",       "steel",         "coal",         "methane",
    "catalyst",     "polymer",       "coating",      "vibration",
    "monitoring",   "control",       "optimisation", "modelling",
    "simulation",   "testing",       "materials",    "welding",
    "robotics",     "vision"};

// `words` words drawn uniformly from kSyntheticWords, separated by spaces.
inline std::string SyntheticText(std::mt19937& rng, int words) {
  std::uniform_int_distribution<size_t> pick(0, std::size(kSyntheticWords) - 1);
  std::string text;
  for (int i = 0; i < words; ++i) {
    if (i > 0) text += ' ';
    text += kSyntheticWords[pick(rng)];
  }
  return text;
}

inline std::string SyntheticOrganizationId(int i) {
  return "org:" + std::to_string(i);
}

}  // namespace helixmatch::bench

#endif  // HELIXMATCH_BENCH_SYNTHETIC_TEXT_H_
