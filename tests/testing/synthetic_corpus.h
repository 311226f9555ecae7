// A deterministic synthetic corpus for the durability, backup, corruption
// and concurrency tests: universities and firms in six topics whose
// capability profiles and needs are drawn from the vocabulary of
// SyntheticWordVectors (so no download is needed), ties between them, a
// fixed set of twenty Recommend queries, and exact fingerprints of the
// answers (organization ids, order, scores, profile ids and scores) and of
// the stored records, to compare two engines.
//
// Header-only, so the tests using it need no build change.
#ifndef HELIXMATCH_TESTS_TESTING_SYNTHETIC_CORPUS_H_
#define HELIXMATCH_TESTS_TESTING_SYNTHETIC_CORPUS_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "helixmatch/v1/matching.pb.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/checksum.h"
#include "services/engine/matching_engine.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch::testing {

inline constexpr int kTopics = 6;

// Words of SyntheticWordVectors' clusters, one list per topic.
inline const std::vector<std::vector<std::string>>& TopicWords() {
  static const auto* words = new std::vector<std::vector<std::string>>{
      {"mining", "mine", "ore", "flotation", "copper", "concentrator",
       "mineral", "processing", "geomechanics", "rock", "metallurgy", "smelter",
       "tailings", "reagent", "cells", "crushing", "grinding"},
      {"oil", "gas", "pipeline", "corrosion", "reservoir", "drilling", "well",
       "refinery", "petroleum", "fluids", "offshore"},
      {"wheat", "agriculture", "crop", "drought", "irrigation", "livestock",
       "soil", "farm", "breeding", "harvest", "grain"},
      {"solar", "wind", "grid", "energy", "power", "battery", "renewable",
       "electricity", "turbine", "storage"},
      {"software", "machine", "learning", "data", "cybersecurity", "cloud",
       "network", "algorithm", "digital", "analytics", "predictive",
       "maintenance"},
      {"health", "medical", "tuberculosis", "diagnostics", "clinic", "patient",
       "pharmaceutical", "telemedicine", "hospital", "drug"}};
  return *words;
}

inline const char* TopicSector(int topic) {
  static const char* kSectors[] = {"mining", "oil-gas", "agriculture",
                                   "energy", "it",      "health"};
  return kSectors[topic % kTopics];
}

// Three to six words of `topic`, sometimes one of another topic, with a
// serial word-free suffix so no two texts are equal by chance.
inline std::string TopicText(std::mt19937& rng, int topic) {
  const auto& words = TopicWords();
  std::uniform_int_distribution<int> count(3, 6);
  std::string text;
  const int n = count(rng);
  for (int i = 0; i < n; ++i) {
    const auto& list = words[topic % kTopics];
    if (!text.empty()) text += ' ';
    text +=
        list[std::uniform_int_distribution<size_t>(0, list.size() - 1)(rng)];
  }
  if (std::uniform_int_distribution<int>(0, 9)(rng) < 3) {
    const auto& other = words[(topic + 1 + rng() % (kTopics - 1)) % kTopics];
    text += ' ';
    text +=
        other[std::uniform_int_distribution<size_t>(0, other.size() - 1)(rng)];
  }
  return text;
}

inline v1::Record AsRecord(const v1::Organization& m) {
  v1::Record r;
  *r.mutable_organization() = m;
  return r;
}
inline v1::Record AsRecord(const v1::CapabilityProfile& m) {
  v1::Record r;
  *r.mutable_capability() = m;
  return r;
}
inline v1::Record AsRecord(const v1::FirmNeed& m) {
  v1::Record r;
  *r.mutable_need() = m;
  return r;
}
inline v1::Record AsRecord(const v1::Tie& m) {
  v1::Record r;
  *r.mutable_tie() = m;
  return r;
}

struct SyntheticCorpusOptions {
  int organizations_per_topic = 3;  // universities, and as many firms
  int capabilities_per_university = 4;
  int needs_per_firm = 2;
  int ties = 24;
  uint32_t seed = 20250101;
};

inline std::string UniversityId(int topic, int i) {
  return absl::StrCat("u", topic, "-", i);
}
inline std::string FirmId(int topic, int i) {
  return absl::StrCat("f", topic, "-", i);
}
inline std::string CapabilityId(int topic, int i, int j) {
  return absl::StrCat("c", topic, "-", i, "-", j);
}
inline std::string NeedId(int topic, int i, int j) {
  return absl::StrCat("n", topic, "-", i, "-", j);
}

// A capability of `organization` in `topic`, its text drawn from `rng`.
inline v1::CapabilityProfile TopicCapability(std::mt19937& rng,
                                             const std::string& id,
                                             const std::string& organization,
                                             int topic) {
  v1::CapabilityProfile p =
      MakeCapability(id, organization, TopicText(rng, topic));
  p.set_description(TopicText(rng, topic));
  p.add_keywords(TopicWords()[topic % kTopics]
                             [rng() % TopicWords()[topic % kTopics].size()]);
  const int min = 2 + static_cast<int>(rng() % 4);
  p.mutable_trl()->set_min(min);
  p.mutable_trl()->set_max(min + static_cast<int>(rng() % 4));
  p.add_channels_offered(rng() % 2 ? v1::CHANNEL_CONSULTANCY
                                   : v1::CHANNEL_INTERNSHIP);
  p.set_year(2015 + static_cast<int>(rng() % 10));
  return p;
}

inline v1::FirmNeed TopicNeed(std::mt19937& rng, const std::string& id,
                              const std::string& organization, int topic) {
  v1::FirmNeed n = MakeNeed(id, organization, TopicText(rng, topic));
  n.set_description(TopicText(rng, topic));
  if (rng() % 3 != 0) {
    const int min = 3 + static_cast<int>(rng() % 3);
    n.mutable_trl_wanted()->set_min(min);
    n.mutable_trl_wanted()->set_max(min + 2);
  }
  n.add_channels_wanted(rng() % 2 ? v1::CHANNEL_CONSULTANCY
                                  : v1::CHANNEL_CONTRACT_RESEARCH);
  return n;
}

// Organizations first, then profiles, needs and ties: one BatchUpsert.
inline google::protobuf::RepeatedPtrField<v1::Record> SyntheticCorpus(
    const SyntheticCorpusOptions& o = {}) {
  static const std::pair<const char*, const char*> kPlaces[] = {
      {"KZ", "Almaty"},   {"KZ", "Astana"},  {"KZ", "Karaganda"},
      {"UZ", "Tashkent"}, {"KG", "Bishkek"}, {"KZ", "Atyrau"}};
  std::mt19937 rng(o.seed);
  google::protobuf::RepeatedPtrField<v1::Record> records;
  const auto organization = [&](const std::string& id,
                                v1::OrganizationKind kind, int topic) {
    const auto& [country, city] = kPlaces[rng() % std::size(kPlaces)];
    v1::Organization org = MakeOrganization(id, kind, country, city);
    org.set_region(absl::StrCat(city, " Region"));
    org.add_sectors(TopicSector(topic));
    *records.Add() = AsRecord(org);
  };
  for (int t = 0; t < kTopics; ++t) {
    for (int i = 0; i < o.organizations_per_topic; ++i) {
      organization(UniversityId(t, i), v1::ORGANIZATION_KIND_UNIVERSITY, t);
      organization(FirmId(t, i), v1::ORGANIZATION_KIND_FIRM, t);
    }
  }
  for (int t = 0; t < kTopics; ++t) {
    for (int i = 0; i < o.organizations_per_topic; ++i) {
      for (int j = 0; j < o.capabilities_per_university; ++j) {
        *records.Add() = AsRecord(
            TopicCapability(rng, CapabilityId(t, i, j), UniversityId(t, i), t));
      }
      for (int j = 0; j < o.needs_per_firm; ++j) {
        *records.Add() =
            AsRecord(TopicNeed(rng, NeedId(t, i, j), FirmId(t, i), t));
      }
    }
  }
  for (int k = 0; k < o.ties; ++k) {
    const int tu = static_cast<int>(rng() % kTopics);
    const int tf = rng() % 2 ? tu : static_cast<int>(rng() % kTopics);
    const int iu = static_cast<int>(rng() % o.organizations_per_topic);
    const int jf = static_cast<int>(rng() % o.organizations_per_topic);
    *records.Add() = AsRecord(
        MakeTie(absl::StrCat("t", k), UniversityId(tu, iu), FirmId(tf, jf),
                2014 + static_cast<int>(rng() % 11),
                rng() % 4 ? v1::TIE_OUTCOME_COMPLETED : v1::TIE_OUTCOME_FAILED,
                rng() % 2 ? v1::CHANNEL_CONSULTANCY : v1::CHANNEL_INTERNSHIP));
  }
  return records;
}

// Twenty queries in both directions: by need, by capability, free text
// with and without a requester, and filtered.
inline std::vector<v1::RecommendRequest> FixedQueries(
    const SyntheticCorpusOptions& o = {}) {
  std::vector<v1::RecommendRequest> queries;
  const auto base = [&] {
    v1::RecommendRequest r;
    r.set_k(8);
    r.set_profiles_per_organization(4);
    return r;
  };
  for (int t = 0; t < kTopics; ++t) {
    auto r = base();
    r.set_need_id(NeedId(t, t % o.organizations_per_topic, 0));
    queries.push_back(r);
  }
  for (int t = 0; t < kTopics; ++t) {
    auto r = base();
    r.set_capability_id(CapabilityId(t, (t + 1) % o.organizations_per_topic,
                                     t % o.capabilities_per_university));
    queries.push_back(r);
  }
  std::mt19937 rng(o.seed + 1);
  for (int t = 0; t < 4; ++t) {
    auto r = base();
    r.set_text(TopicText(rng, t));
    r.set_direction(t % 2 ? v1::DIRECTION_CAPABILITY_TO_NEEDS
                          : v1::DIRECTION_NEED_TO_CAPABILITIES);
    if (t >= 2) r.set_requester_organization_id(FirmId(t, 0));
    if (t == 2) r.set_requester_organization_id(UniversityId(t, 0));
    queries.push_back(r);
  }
  {
    auto r = base();
    r.set_need_id(NeedId(0, 1, 1));
    r.mutable_filter()->add_countries("KZ");
    queries.push_back(r);
  }
  {
    auto r = base();
    r.set_need_id(NeedId(4, 0, 1));
    r.mutable_filter()->set_trl(4);
    queries.push_back(r);
  }
  {
    auto r = base();
    r.set_text("copper flotation pipeline corrosion wheat");
    r.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
    r.set_k(20);
    queries.push_back(r);
  }
  {
    auto r = base();
    r.set_capability_id(CapabilityId(3, 0, 0));
    r.mutable_filter()->add_kinds(v1::ORGANIZATION_KIND_FIRM);
    r.set_omit_explanations(true);
    queries.push_back(r);
  }
  return queries;
}

// Organization ids in order with their scores, and each suggestion's
// profiles with theirs. Profiles of exactly equal score within one
// suggestion are listed as "tied" without their ids: the engine orders
// them by profile id, but scores of a reopened engine may differ from the
// writer's in the last bits (see SameAnswers), which can order two tied
// profiles by score instead.
inline std::string Fingerprint(const v1::RecommendResponse& response) {
  std::string out;
  for (const auto& s : response.suggestions()) {
    absl::StrAppend(&out, s.organization().id(), " ",
                    absl::StrFormat("%.17g", s.score()), " [");
    for (const auto& p : s.profiles()) {
      const bool tied = std::count_if(s.profiles().begin(), s.profiles().end(),
                                      [&](const v1::MatchedProfile& q) {
                                        return q.score() == p.score();
                                      }) > 1;
      absl::StrAppend(&out, tied ? "tied" : p.id(), ":",
                      absl::StrFormat("%.17g", p.score()), " ");
    }
    absl::StrAppend(&out, "]\n");
  }
  return out;
}

// Whether two fingerprints (or digests) say the same: equal words, and
// numbers equal within a relative 1e-9. Scores are sums whose order
// follows term ids, which depend on the order records were first seen,
// so a reopened engine may differ from the one that wrote the data in the
// last bits (about 1e-17); ids and order must be exactly equal.
inline bool SameAnswers(absl::string_view a, absl::string_view b) {
  const auto words = [](absl::string_view s) {
    std::vector<absl::string_view> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ' ' || s[i] == '\n' || s[i] == ':' ||
          s[i] == '[' || s[i] == ']') {
        if (i > start) out.push_back(s.substr(start, i - start));
        start = i + 1;
      }
    }
    return out;
  };
  const auto wa = words(a);
  const auto wb = words(b);
  if (wa.size() != wb.size()) return false;
  for (size_t i = 0; i < wa.size(); ++i) {
    if (wa[i] == wb[i]) continue;
    double x, y;
    if (!absl::SimpleAtod(wa[i], &x) || !absl::SimpleAtod(wb[i], &y)) {
      return false;
    }
    if (std::abs(x - y) > 1e-9 * std::max(1.0, std::abs(x))) return false;
  }
  return true;
}

inline bool SameAnswers(const std::vector<std::string>& a,
                        const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameAnswers(a[i], b[i])) return false;
  }
  return true;
}

// One fingerprint per query; an error becomes "error: <status>".
inline std::vector<std::string> Answers(
    const MatchingEngine& engine,
    const std::vector<v1::RecommendRequest>& queries) {
  std::vector<std::string> out;
  for (const auto& q : queries) {
    auto response = engine.Recommend(q);
    out.push_back(response.ok()
                      ? Fingerprint(*response)
                      : absl::StrCat("error: ", response.status().ToString()));
  }
  return out;
}

// Counts from Stats plus a checksum of every record `ids` names as Get
// returns it (or its error code): equal strings mean the same stored state.
inline std::string StateDigest(
    const MatchingEngine& engine,
    const std::vector<std::pair<v1::RecordKind, std::string>>& ids) {
  const v1::StatsResponse stats = engine.Stats();
  uint32_t crc = 0;
  int found = 0;
  for (const auto& [kind, id] : ids) {
    auto record = engine.Get(kind, id);
    std::string bytes;
    if (record.ok()) {
      ++found;
      record->SerializeToString(&bytes);  // deterministic for one build
    } else {
      bytes = absl::StrCat(static_cast<int>(record.status().code()));
    }
    crc = Crc32c(crc, id.data(), id.size());
    crc = Crc32c(crc, bytes.data(), bytes.size());
  }
  return absl::StrFormat(
      "organizations=%d capabilities=%d needs=%d ties=%d found=%d/%d "
      "records_crc32c=%08x",
      stats.organizations(), stats.capabilities(), stats.needs(), stats.ties(),
      found, ids.size(), crc);
}

using RecordKey = std::pair<v1::RecordKind, std::string>;

inline RecordKey KeyOf(const v1::Record& r) {
  switch (r.kind_case()) {
    case v1::Record::kOrganization:
      return {v1::RECORD_KIND_ORGANIZATION, r.organization().id()};
    case v1::Record::kCapability:
      return {v1::RECORD_KIND_CAPABILITY, r.capability().id()};
    case v1::Record::kNeed:
      return {v1::RECORD_KIND_NEED, r.need().id()};
    case v1::Record::kTie:
      return {v1::RECORD_KIND_TIE, r.tie().id()};
    case v1::Record::kOutcome:
      return {v1::RECORD_KIND_OUTCOME, r.outcome().id()};
    default:
      return {v1::RECORD_KIND_UNSPECIFIED, ""};
  }
}

// One write of a scripted history: an upsert of `record`, or a delete of
// `key` when `record` holds nothing.
struct HistoryWrite {
  v1::Record record;
  RecordKey key;
  bool is_delete() const {
    return record.kind_case() == v1::Record::KIND_NOT_SET;
  }
};

// The writes of session `session` (1 or 2) after the corpus: replaces
// three capabilities and a need, deletes two capabilities, a need and a
// tie, adds four capabilities, two needs and a tie. Never touches a
// record FixedQueries names, and sessions 1 and 2 touch different ids.
inline std::vector<HistoryWrite> SessionWrites(
    int session, const SyntheticCorpusOptions& o = {}) {
  std::mt19937 rng(o.seed + 100 + static_cast<uint32_t>(session));
  std::vector<HistoryWrite> writes;
  const auto upsert = [&](v1::Record r) {
    HistoryWrite w;
    w.key = KeyOf(r);
    w.record = std::move(r);
    writes.push_back(std::move(w));
  };
  const auto remove = [&](v1::RecordKind kind, std::string id) {
    HistoryWrite w;
    w.key = {kind, std::move(id)};
    writes.push_back(std::move(w));
  };
  const int s = session;
  for (int k = 0; k < 3; ++k) {  // replacements, possibly on another topic
    const int t = (s * 2 + k) % kTopics;
    upsert(AsRecord(TopicCapability(rng, CapabilityId(t, 2, 1 + s % 2),
                                    UniversityId(t, 2), (t + k) % kTopics)));
  }
  remove(v1::RECORD_KIND_CAPABILITY, CapabilityId(s, 1, 3));
  remove(v1::RECORD_KIND_CAPABILITY, CapabilityId(s + 2, 1, 2));
  for (int k = 0; k < 4; ++k) {
    const int t = (s + k) % kTopics;
    upsert(AsRecord(TopicCapability(rng, absl::StrCat("c-s", s, "-", k),
                                    UniversityId(t, k % 3), t)));
  }
  upsert(AsRecord(TopicNeed(rng, NeedId(s + 1, 2, 1), FirmId(s + 1, 2), s)));
  remove(v1::RECORD_KIND_NEED, NeedId(s == 1 ? 1 : 5, s == 1 ? 0 : 1, 1));
  for (int k = 0; k < 2; ++k) {
    const int t = (s + 3 + k) % kTopics;
    upsert(AsRecord(
        TopicNeed(rng, absl::StrCat("n-s", s, "-", k), FirmId(t, k), t)));
  }
  upsert(AsRecord(MakeTie(absl::StrCat("t-s", s), UniversityId(s, 0),
                          FirmId(s + 1, 1), 2024)));
  remove(v1::RECORD_KIND_TIE, absl::StrCat("t", s));
  return writes;
}

inline absl::Status ApplyWrites(MatchingEngine& engine,
                                const std::vector<HistoryWrite>& writes) {
  for (const auto& w : writes) {
    absl::Status s = w.is_delete() ? engine.Delete(w.key.first, w.key.second)
                                   : engine.Upsert(w.record).status();
    if (!s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat(w.key.second, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

// Every id the corpus and the first `sessions` sessions use.
inline std::vector<RecordKey> CorpusIds(int sessions = 2,
                                        const SyntheticCorpusOptions& o = {}) {
  std::vector<RecordKey> ids;
  for (const auto& r : SyntheticCorpus(o)) ids.push_back(KeyOf(r));
  for (int s = 1; s <= sessions; ++s) {
    for (const auto& w : SessionWrites(s, o)) ids.push_back(w.key);
  }
  return ids;
}

}  // namespace helixmatch::testing

#endif  // HELIXMATCH_TESTS_TESTING_SYNTHETIC_CORPUS_H_
