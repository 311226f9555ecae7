// The engine fixture shared by the engine-level tests of query/,
// ranking/, explain/ and engine/: a real MatchingEngine over a temporary
// data folder with synthetic word vectors, a small corpus of universities
// and firms across topics, and helpers to build records and requests.
#ifndef HELIXMATCH_TESTS_TESTING_ENGINE_FIXTURE_H_
#define HELIXMATCH_TESTS_TESTING_ENGINE_FIXTURE_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/engine/matching_engine.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace testing {

inline v1::Record Rec(const v1::Organization& org) {
  v1::Record r;
  *r.mutable_organization() = org;
  return r;
}
inline v1::Record Rec(const v1::CapabilityProfile& cap) {
  v1::Record r;
  *r.mutable_capability() = cap;
  return r;
}
inline v1::Record Rec(const v1::FirmNeed& need) {
  v1::Record r;
  *r.mutable_need() = need;
  return r;
}
inline v1::Record Rec(const v1::Tie& tie) {
  v1::Record r;
  *r.mutable_tie() = tie;
  return r;
}

inline v1::Organization Org(const std::string& id, v1::OrganizationKind kind,
                            const std::string& country, const std::string& city,
                            const std::string& sector) {
  v1::Organization org = MakeOrganization(id, kind, country, city);
  org.set_region(city + " Region");
  org.add_sectors(sector);
  return org;
}

inline v1::Organization University(const std::string& id,
                                   const std::string& country,
                                   const std::string& city,
                                   const std::string& sector) {
  return Org(id, v1::ORGANIZATION_KIND_UNIVERSITY, country, city, sector);
}

inline v1::Organization Firm(const std::string& id, const std::string& country,
                             const std::string& city,
                             const std::string& sector) {
  return Org(id, v1::ORGANIZATION_KIND_FIRM, country, city, sector);
}

inline v1::RecommendRequest ForNeed(const std::string& need_id, int k = 10) {
  v1::RecommendRequest r;
  r.set_need_id(need_id);
  r.set_k(k);
  return r;
}

inline v1::RecommendRequest ForCapability(const std::string& capability_id,
                                          int k = 10) {
  v1::RecommendRequest r;
  r.set_capability_id(capability_id);
  r.set_k(k);
  return r;
}

inline v1::RecommendRequest ForText(const std::string& text,
                                    v1::Direction direction, int k = 10) {
  v1::RecommendRequest r;
  r.set_text(text);
  r.set_direction(direction);
  r.set_k(k);
  return r;
}

inline std::vector<std::string> OrgIds(const v1::RecommendResponse& response) {
  std::vector<std::string> ids;
  for (const auto& s : response.suggestions()) {
    ids.push_back(s.organization().id());
  }
  return ids;
}

inline std::set<std::string> ProfileIds(const v1::RecommendResponse& response) {
  std::set<std::string> ids;
  for (const auto& s : response.suggestions()) {
    for (const auto& p : s.profiles()) ids.insert(p.id());
  }
  return ids;
}

inline const v1::Suggestion* FindSuggestion(
    const v1::RecommendResponse& response, const std::string& org_id) {
  for (const auto& s : response.suggestions()) {
    if (s.organization().id() == org_id) return &s;
  }
  return nullptr;
}

inline const v1::BarrierAssessment& Barrier(const v1::Suggestion& s,
                                            v1::BarrierCode code) {
  return s.barriers(code - 1);
}

class MatchingEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  EngineOptions Options() const {
    EngineOptions options;
    options.data_dir = dir_.path();
    options.word_vectors = SyntheticWordVectors();
    options.reference_year = 2025;
    return options;
  }

  void Reopen() {
    engine_.reset();
    auto engine = MatchingEngine::Open(Options());
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  template <typename T>
  void Put(const T& message) {
    auto response = engine_->Upsert(Rec(message));
    ASSERT_TRUE(response.ok()) << response.status();
  }

  v1::RecommendResponse Recommend(const v1::RecommendRequest& request) {
    auto response = engine_->Recommend(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::RecommendResponse();
  }

  absl::StatusCode GetCode(v1::RecordKind kind, const std::string& id) {
    return engine_->Get(kind, id).status().code();
  }

  // Firms and universities across topics.
  // One batch: a single durable write keeps the fixture cheap.
  void LoadCorpus() {
    google::protobuf::RepeatedPtrField<v1::Record> batch;
    const auto add = [&batch](const auto& message) {
      *batch.Add() = Rec(message);
    };
    add(University("u_mining", "KZ", "Karaganda", "mining"));
    add(University("u_oil", "KZ", "Atyrau", "oil-gas"));
    add(University("u_agri", "KZ", "Almaty", "agriculture"));
    add(University("u_it", "KZ", "Astana", "it"));
    add(University("u_energy", "KZ", "Pavlodar", "energy"));
    add(University("u_health", "UZ", "Tashkent", "health"));
    add(Firm("f_mining", "KZ", "Karaganda", "mining"));
    add(Firm("f_oil", "KZ", "Atyrau", "oil-gas"));
    add(Firm("f_agri", "KZ", "Almaty", "agriculture"));
    add(Firm("f_energy", "KZ", "Pavlodar", "energy"));

    v1::CapabilityProfile m1 = MakeCapability(
        "cap_mining_1", "u_mining", "Copper ore flotation at the concentrator");
    m1.add_keywords("flotation");
    m1.add_keywords("reagent");
    m1.mutable_trl()->set_min(4);
    m1.mutable_trl()->set_max(6);
    m1.add_channels_offered(v1::CHANNEL_CONSULTANCY);
    m1.add_channels_offered(v1::CHANNEL_INTERNSHIP);
    add(m1);
    add(MakeCapability("cap_mining_2", "u_mining",
                       "Grinding and crushing of copper ore"));
    add(MakeCapability("cap_mining_3", "u_mining",
                       "Tailings processing and smelter metallurgy"));
    add(MakeCapability("cap_oil_1", "u_oil",
                       "Pipeline corrosion in oil and gas wells"));
    add(MakeCapability("cap_oil_2", "u_oil",
                       "Drilling fluids for the petroleum reservoir"));
    add(MakeCapability("cap_agri_1", "u_agri", "Drought and wheat breeding"));
    add(MakeCapability("cap_agri_2", "u_agri", "Irrigation of crop soil"));
    add(MakeCapability("cap_it_1", "u_it",
                       "Machine learning for data analytics in the cloud"));
    add(MakeCapability("cap_energy_1", "u_energy",
                       "Wind turbine and solar power for the grid"));
    add(MakeCapability("cap_health_1", "u_health",
                       "Tuberculosis diagnostics for hospital patients"));

    v1::FirmNeed n = MakeNeed("need_mining", "f_mining",
                              "Flotation cells at a copper concentrator");
    n.add_channels_wanted(v1::CHANNEL_CONSULTANCY);
    n.mutable_trl_wanted()->set_min(5);
    n.mutable_trl_wanted()->set_max(7);
    add(n);
    v1::FirmNeed hidden = MakeNeed("need_mining_private", "f_mining",
                                   "Copper flotation reagent at the "
                                   "concentrator");
    hidden.set_visibility(v1::VISIBILITY_PRIVATE);
    add(hidden);
    add(MakeNeed("need_oil", "f_oil", "Corrosion of the oil pipeline"));
    add(MakeNeed("need_agri", "f_agri", "Wheat crop irrigation in drought"));
    add(MakeNeed("need_energy", "f_energy",
                 "Battery storage for the power grid"));
    auto response = engine_->BatchUpsert(batch);
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->created(), 25);
  }

  TempDir dir_;
  std::unique_ptr<MatchingEngine> engine_;
};

}  // namespace testing
}  // namespace helixmatch

#endif  // HELIXMATCH_TESTS_TESTING_ENGINE_FIXTURE_H_
