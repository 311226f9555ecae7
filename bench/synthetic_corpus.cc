// Writes a synthetic corpus as JSONL (one helixmatch.v1.Record per line)
// for `helixmatch-indexer import`: the organizations, capability profiles
// and ties recommend_bench builds, so a server can be benchmarked on any
// number of profiles without real data.
//
//   build/bench/synthetic_corpus --profiles 100000 --out corpus.jsonl
//
// Organizations "org:<i>" (even: universities owning the profiles, odd:
// firms; see bench/synthetic_text.h), capability profiles "cap:<i>" with a
// title of 8 and a description of 12 domain words, and one internship tie
// between org:2j and org:2j+1 for every third organization. Deterministic
// for a given --seed.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "CLI/CLI.hpp"
#include "bench/synthetic_text.h"
#include "helixmatch/v1/records.pb.h"

namespace {

using helixmatch::bench::SyntheticOrganizationId;
using helixmatch::bench::SyntheticText;

bool WriteRecord(const helixmatch::v1::Record& record, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string line;
  if (!google::protobuf::util::MessageToJsonString(record, &line, options)
           .ok()) {
    return false;
  }
  out << line << '\n';
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Synthetic corpus (JSONL) for helixmatch-indexer import"};
  int profiles = 100000, organizations = 5000;
  unsigned seed = 7;
  std::string out_path;
  app.add_option("--profiles", profiles, "Capability profiles")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  app.add_option("--organizations", organizations,
                 "Organizations (half universities, half firms)")
      ->capture_default_str()
      ->check(CLI::Range(2, 10000000));
  app.add_option("--seed", seed)->capture_default_str();
  app.add_option("--out", out_path, "Output file (default: stdout)");
  CLI11_PARSE(app, argc, argv);

  std::ofstream file;
  if (!out_path.empty()) {
    file.open(out_path);
    if (!file) {
      std::fprintf(stderr, "synthetic_corpus: cannot write '%s'\n",
                   out_path.c_str());
      return 1;
    }
  }
  std::ostream& out = out_path.empty() ? std::cout : file;
  std::mt19937 rng(seed);
  const char* countries[] = {"KZ", "DE", "FR", "IT", "ES", "PL"};
  helixmatch::v1::Record record;
  bool ok = true;
  for (int i = 0; i < organizations && ok; ++i) {
    auto* org = record.mutable_organization();
    org->Clear();
    org->set_id(SyntheticOrganizationId(i));
    org->set_kind(i % 2 == 0 ? helixmatch::v1::ORGANIZATION_KIND_UNIVERSITY
                             : helixmatch::v1::ORGANIZATION_KIND_FIRM);
    org->set_name("Organization " + std::to_string(i));
    org->set_country(countries[i % 6]);
    org->set_city("City " + std::to_string(i % 50));
    ok = WriteRecord(record, out);
  }
  const int universities = (organizations + 1) / 2;
  for (int i = 0; i < profiles && ok; ++i) {
    auto* cap = record.mutable_capability();
    cap->Clear();
    cap->set_id("cap:" + std::to_string(i));
    cap->set_organization_id(SyntheticOrganizationId((i % universities) * 2));
    cap->set_title(SyntheticText(rng, 8));
    cap->set_description(SyntheticText(rng, 12));
    ok = WriteRecord(record, out);
  }
  for (int i = 0; i < organizations && ok; ++i) {
    if (i % 3 != 0 || i - i % 2 + 1 >= organizations) continue;
    auto* tie = record.mutable_tie();
    tie->Clear();
    tie->set_id("tie:" + std::to_string(i));
    tie->set_organization_a(SyntheticOrganizationId(i - i % 2));
    tie->set_organization_b(SyntheticOrganizationId(i - i % 2 + 1));
    tie->set_channel(helixmatch::v1::CHANNEL_INTERNSHIP);
    tie->set_year(2020);
    ok = WriteRecord(record, out);
  }
  if (!ok) {
    std::fprintf(stderr, "synthetic_corpus: write failed\n");
    return 1;
  }
  return 0;
}
