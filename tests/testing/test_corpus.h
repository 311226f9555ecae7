// Shared test fixtures: a temporary folder, small synthetic word vectors
// (so unit tests need no download), and record builders.
#ifndef HELIXMATCH_TESTS_TESTING_TEST_CORPUS_H_
#define HELIXMATCH_TESTS_TESTING_TEST_CORPUS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/word_vectors.h"

namespace helixmatch::testing {

// A fresh folder under $TMPDIR (or /tmp), removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// 16-dimensional vectors for a few hundred words in topic clusters
// (mining, oil and gas, agriculture, energy, IT, health); words of one
// cluster are close, clusters are far apart. Deterministic.
std::shared_ptr<const WordVectors> SyntheticWordVectors();

// n random unit vectors of `dimension` floats (normal components,
// normalized), one after the other; the same seed gives the same vectors.
std::vector<float> RandomUnitVectors(int64_t n, int dimension, uint32_t seed);

// Path of the demo data file, e.g. DemoFile("capabilities.jsonl").
std::string DemoFile(const std::string& name);

// The GloVe file scripts/fetch-word-vectors.sh writes (default path).
std::string GloveFile();

// Imports the demo records (organizations, capabilities, needs, ties) into
// a new data folder at `root` with the product's importer; the error names
// the first rejected line.
absl::Status ImportDemo(const std::string& root,
                        std::shared_ptr<const WordVectors> vectors);

v1::Organization MakeOrganization(const std::string& id,
                                  v1::OrganizationKind kind,
                                  const std::string& country = "KZ",
                                  const std::string& city = "Almaty");
v1::CapabilityProfile MakeCapability(const std::string& id,
                                     const std::string& organization_id,
                                     const std::string& title);
v1::FirmNeed MakeNeed(const std::string& id, const std::string& organization_id,
                      const std::string& title);
v1::Tie MakeTie(const std::string& id, const std::string& a,
                const std::string& b, int year,
                v1::TieOutcome outcome = v1::TIE_OUTCOME_COMPLETED,
                v1::Channel channel = v1::CHANNEL_INTERNSHIP);

}  // namespace helixmatch::testing

#endif  // HELIXMATCH_TESTS_TESTING_TEST_CORPUS_H_
