#include "services/matching_engine.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using testing::MakeCapability;
using testing::MakeNeed;
using testing::MakeOrganization;
using testing::MakeTie;
using ::testing::StartsWith;
using testing::SyntheticWordVectors;
using testing::TempDir;

v1::Record Rec(const v1::Organization& org) {
  v1::Record r;
  *r.mutable_organization() = org;
  return r;
}
v1::Record Rec(const v1::CapabilityProfile& cap) {
  v1::Record r;
  *r.mutable_capability() = cap;
  return r;
}
v1::Record Rec(const v1::FirmNeed& need) {
  v1::Record r;
  *r.mutable_need() = need;
  return r;
}
v1::Record Rec(const v1::Tie& tie) {
  v1::Record r;
  *r.mutable_tie() = tie;
  return r;
}

v1::Organization Org(const std::string& id, v1::OrganizationKind kind,
                     const std::string& country, const std::string& city,
                     const std::string& sector) {
  v1::Organization org = MakeOrganization(id, kind, country, city);
  org.set_region(city + " Region");
  org.add_sectors(sector);
  return org;
}

v1::Organization University(const std::string& id, const std::string& country,
                            const std::string& city,
                            const std::string& sector) {
  return Org(id, v1::ORGANIZATION_KIND_UNIVERSITY, country, city, sector);
}

v1::Organization Firm(const std::string& id, const std::string& country,
                      const std::string& city, const std::string& sector) {
  return Org(id, v1::ORGANIZATION_KIND_FIRM, country, city, sector);
}

v1::RecommendRequest ForNeed(const std::string& need_id, int k = 10) {
  v1::RecommendRequest r;
  r.set_need_id(need_id);
  r.set_k(k);
  return r;
}

v1::RecommendRequest ForCapability(const std::string& capability_id,
                                   int k = 10) {
  v1::RecommendRequest r;
  r.set_capability_id(capability_id);
  r.set_k(k);
  return r;
}

v1::RecommendRequest ForText(const std::string& text, v1::Direction direction,
                             int k = 10) {
  v1::RecommendRequest r;
  r.set_text(text);
  r.set_direction(direction);
  r.set_k(k);
  return r;
}

std::vector<std::string> OrgIds(const v1::RecommendResponse& response) {
  std::vector<std::string> ids;
  for (const auto& s : response.suggestions()) {
    ids.push_back(s.organization().id());
  }
  return ids;
}

std::set<std::string> ProfileIds(const v1::RecommendResponse& response) {
  std::set<std::string> ids;
  for (const auto& s : response.suggestions()) {
    for (const auto& p : s.profiles()) ids.insert(p.id());
  }
  return ids;
}

const v1::Suggestion* FindSuggestion(const v1::RecommendResponse& response,
                                     const std::string& org_id) {
  for (const auto& s : response.suggestions()) {
    if (s.organization().id() == org_id) return &s;
  }
  return nullptr;
}

const v1::BarrierAssessment& Barrier(const v1::Suggestion& s,
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

// ------------------------------------------------------------------ writes

TEST_F(MatchingEngineTest, UpsertEachKindAndGetItBack) {
  const v1::Organization u = University("u1", "KZ", "Karaganda", "mining");
  const v1::Organization f = Firm("f1", "KZ", "Karaganda", "mining");
  v1::CapabilityProfile cap =
      MakeCapability("c1", "u1", "Copper ore flotation");
  cap.set_description("Flotation reagent for copper concentrator");
  cap.mutable_trl()->set_min(3);
  cap.mutable_trl()->set_max(5);
  v1::FirmNeed need = MakeNeed("n1", "f1", "Copper concentrator flotation");
  need.set_budget_band(v1::BUDGET_BAND_10K_50K);
  const v1::Tie tie = MakeTie("t1", "u1", "f1", 2023);

  struct Item {
    v1::RecordKind kind;
    std::string id;
    v1::Record record;
  };
  const std::vector<Item> items = {{v1::RECORD_KIND_ORGANIZATION, "u1", Rec(u)},
                                   {v1::RECORD_KIND_ORGANIZATION, "f1", Rec(f)},
                                   {v1::RECORD_KIND_CAPABILITY, "c1", Rec(cap)},
                                   {v1::RECORD_KIND_NEED, "n1", Rec(need)},
                                   {v1::RECORD_KIND_TIE, "t1", Rec(tie)}};
  for (const Item& item : items) {
    auto created = engine_->Upsert(item.record);
    ASSERT_TRUE(created.ok()) << created.status();
    EXPECT_TRUE(created->created()) << item.id;
  }
  for (const Item& item : items) {
    auto got = engine_->Get(item.kind, item.id);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(MessageDifferencer::Equals(*got, item.record))
        << got->ShortDebugString();
  }
  EXPECT_EQ(GetCode(v1::RECORD_KIND_NEED, "c1"), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "n1"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_UNSPECIFIED, "u1"),
            absl::StatusCode::kInvalidArgument);
  const v1::StatsResponse stats = engine_->Stats();
  EXPECT_EQ(stats.organizations(), 2);
  EXPECT_EQ(stats.capabilities(), 1);
  EXPECT_EQ(stats.needs(), 1);
  EXPECT_EQ(stats.ties(), 1);
  EXPECT_EQ(stats.model(), engine_->model_identity());
}

TEST_F(MatchingEngineTest, SecondUpsertReplaces) {
  Put(University("u1", "KZ", "Karaganda", "mining"));
  Put(Firm("f1", "KZ", "Karaganda", "mining"));
  const std::vector<v1::Record> firsts = {
      Rec(MakeCapability("c1", "u1", "Copper flotation")),
      Rec(MakeNeed("n1", "f1", "Copper ore")),
      Rec(MakeTie("t1", "u1", "f1", 2020))};
  for (const auto& r : firsts) {
    auto response = engine_->Upsert(r);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_TRUE(response->created());
  }
  auto org = engine_->Upsert(Rec(University("u1", "KZ", "Almaty", "mining")));
  ASSERT_TRUE(org.ok());
  EXPECT_FALSE(org->created());
  auto cap =
      engine_->Upsert(Rec(MakeCapability("c1", "u1", "Pipeline corrosion")));
  ASSERT_TRUE(cap.ok());
  EXPECT_FALSE(cap->created());
  auto need = engine_->Upsert(Rec(MakeNeed("n1", "f1", "Oil well drilling")));
  ASSERT_TRUE(need.ok());
  EXPECT_FALSE(need->created());
  auto tie = engine_->Upsert(Rec(MakeTie("t1", "u1", "f1", 2024)));
  ASSERT_TRUE(tie.ok());
  EXPECT_FALSE(tie->created());

  EXPECT_EQ(
      engine_->Get(v1::RECORD_KIND_ORGANIZATION, "u1")->organization().city(),
      "Almaty");
  EXPECT_EQ(
      engine_->Get(v1::RECORD_KIND_CAPABILITY, "c1")->capability().title(),
      "Pipeline corrosion");
  EXPECT_EQ(engine_->Get(v1::RECORD_KIND_TIE, "t1")->tie().year(), 2024);
  const v1::StatsResponse stats = engine_->Stats();
  EXPECT_EQ(stats.organizations(), 2);
  EXPECT_EQ(stats.capabilities(), 1);
  EXPECT_EQ(stats.needs(), 1);
  EXPECT_EQ(stats.ties(), 1);

  const auto response = Recommend(
      ForText("pipeline corrosion", v1::DIRECTION_NEED_TO_CAPABILITIES));
  EXPECT_EQ(ProfileIds(response), std::set<std::string>({"c1"}));
  const auto old_words =
      Recommend(ForText("flotation", v1::DIRECTION_NEED_TO_CAPABILITIES));
  for (const auto& suggestion : old_words.suggestions()) {
    for (const auto& profile : suggestion.profiles()) {
      EXPECT_EQ(profile.lexical(), 0.0) << profile.id();
      EXPECT_TRUE(profile.matched_terms().empty());
    }
  }
}

TEST_F(MatchingEngineTest, UpsertWithMissingOrganizationChangesNothing) {
  Put(University("u1", "KZ", "Karaganda", "mining"));
  const v1::StatsResponse before = engine_->Stats();

  auto cap = engine_->Upsert(Rec(MakeCapability("c1", "ghost", "copper ore")));
  EXPECT_EQ(cap.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(cap.status().message()),
              HasSubstr("capability.organization_id"));
  EXPECT_THAT(std::string(cap.status().message()), HasSubstr("ghost"));
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "c1"),
            absl::StatusCode::kNotFound);

  auto need = engine_->Upsert(Rec(MakeNeed("n1", "ghost", "copper ore")));
  EXPECT_EQ(need.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(need.status().message()),
              HasSubstr("need.organization_id"));
  EXPECT_EQ(GetCode(v1::RECORD_KIND_NEED, "n1"), absl::StatusCode::kNotFound);

  auto tie = engine_->Upsert(Rec(MakeTie("t1", "u1", "ghost", 2020)));
  EXPECT_EQ(tie.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(tie.status().message()),
              HasSubstr("tie.organization_b"));
  EXPECT_EQ(GetCode(v1::RECORD_KIND_TIE, "t1"), absl::StatusCode::kNotFound);

  const v1::StatsResponse after = engine_->Stats();
  EXPECT_TRUE(MessageDifferencer::Equals(before, after))
      << after.ShortDebugString();

  Reopen();
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "c1"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Stats().capabilities(), 0);
}

TEST_F(MatchingEngineTest, InvalidRecordIsRejectedWithItsField) {
  Put(University("u1", "KZ", "Karaganda", "mining"));
  auto no_title = engine_->Upsert(Rec(MakeCapability("c1", "u1", " ")));
  EXPECT_EQ(no_title.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_title.status().message()),
              StartsWith("capability.title"));
  v1::Organization bad_country = University("u2", "kz", "Almaty", "it");
  auto org = engine_->Upsert(Rec(bad_country));
  EXPECT_EQ(org.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(org.status().message()),
              StartsWith("organization.country"));
  EXPECT_EQ(engine_->Upsert(v1::Record()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->Stats().organizations(), 1);
  EXPECT_EQ(engine_->Stats().capabilities(), 0);
}

TEST_F(MatchingEngineTest, BatchUpsertIsAllOrNothing) {
  LoadCorpus();
  const v1::StatsResponse before = engine_->Stats();
  google::protobuf::RepeatedPtrField<v1::Record> batch;
  *batch.Add() = Rec(University("u_new", "KZ", "Almaty", "it"));
  *batch.Add() = Rec(MakeCapability("cap_new", "u_new", "cloud software"));
  *batch.Add() = Rec(MakeCapability("cap_bad", "u_new", ""));
  *batch.Add() = Rec(MakeNeed("need_new", "f_oil", "oil refinery"));
  auto response = engine_->BatchUpsert(batch);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(response.status().message()),
              StartsWith("records[2]"));
  EXPECT_THAT(std::string(response.status().message()),
              HasSubstr("capability.title"));
  EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, "u_new"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "cap_new"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_NEED, "need_new"),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(MessageDifferencer::Equals(before, engine_->Stats()));

  Reopen();
  EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, "u_new"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Stats().organizations(), before.organizations());
}

TEST_F(MatchingEngineTest, BatchUpsertReportsMissingOrganizationPosition) {
  LoadCorpus();
  const v1::StatsResponse before = engine_->Stats();
  google::protobuf::RepeatedPtrField<v1::Record> batch;
  *batch.Add() = Rec(MakeCapability("cap_a", "u_oil", "oil well"));
  *batch.Add() = Rec(MakeCapability("cap_b", "ghost", "oil well"));
  auto response = engine_->BatchUpsert(batch);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(response.status().message()),
              StartsWith("records[1].capability.organization_id"));
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "cap_a"),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(MessageDifferencer::Equals(before, engine_->Stats()));
}

TEST_F(MatchingEngineTest, BatchUpsertRejectsDuplicateIdsNamingBoth) {
  Put(University("u1", "KZ", "Karaganda", "mining"));
  google::protobuf::RepeatedPtrField<v1::Record> batch;
  *batch.Add() = Rec(University("u2", "KZ", "Almaty", "it"));
  *batch.Add() = Rec(MakeCapability("c1", "u2", "cloud data"));
  *batch.Add() = Rec(MakeCapability("c2", "u2", "cloud software"));
  *batch.Add() = Rec(MakeCapability("c1", "u1", "copper ore"));
  auto response = engine_->BatchUpsert(batch);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(response.status().message());
  EXPECT_THAT(message, StartsWith("records[3]"));
  EXPECT_THAT(message, HasSubstr("records[1]"));
  EXPECT_THAT(message, HasSubstr("c1"));
  EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, "u2"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "c1"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "c2"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Stats().organizations(), 1);
  EXPECT_EQ(engine_->Stats().capabilities(), 0);
}

TEST_F(MatchingEngineTest, BatchUpsertSameIdOfDifferentKindsIsFine) {
  google::protobuf::RepeatedPtrField<v1::Record> batch;
  *batch.Add() = Rec(MakeCapability("x1", "x1", "copper ore"));
  *batch.Add() = Rec(University("x1", "KZ", "Almaty", "mining"));
  auto response = engine_->BatchUpsert(batch);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->created(), 2);
  EXPECT_EQ(response->replaced(), 0);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "x1"), absl::StatusCode::kOk);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, "x1"), absl::StatusCode::kOk);
}

TEST_F(MatchingEngineTest, BatchUpsertCountsCreatedAndReplaced) {
  LoadCorpus();
  google::protobuf::RepeatedPtrField<v1::Record> batch;
  *batch.Add() = Rec(University("u_mining", "KZ", "Temirtau", "mining"));
  *batch.Add() = Rec(MakeCapability("cap_mining_2", "u_mining", "copper mine"));
  *batch.Add() = Rec(MakeCapability("cap_mining_4", "u_mining", "ore mineral"));
  *batch.Add() = Rec(MakeTie("t_new", "u_mining", "f_mining", 2024));
  auto response = engine_->BatchUpsert(batch);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->created(), 2);
  EXPECT_EQ(response->replaced(), 2);
  EXPECT_EQ(engine_->Stats().capabilities(), 11);
  EXPECT_EQ(engine_->Stats().ties(), 1);
  EXPECT_EQ(engine_->Get(v1::RECORD_KIND_ORGANIZATION, "u_mining")
                ->organization()
                .city(),
            "Temirtau");
}

TEST_F(MatchingEngineTest, BatchUpsertLimits) {
  google::protobuf::RepeatedPtrField<v1::Record> empty;
  EXPECT_EQ(engine_->BatchUpsert(empty).status().code(),
            absl::StatusCode::kInvalidArgument);

  google::protobuf::RepeatedPtrField<v1::Record> batch;
  for (int i = 0; i <= kMaxBatchRecords; ++i) {
    *batch.Add() =
        Rec(University("org" + std::to_string(i), "KZ", "Almaty", "it"));
  }
  ASSERT_EQ(batch.size(), 1001);
  auto too_big = engine_->BatchUpsert(batch);
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_big.status().message()), HasSubstr("1000"));
  EXPECT_EQ(engine_->Stats().organizations(), 0);

  batch.RemoveLast();
  auto full = engine_->BatchUpsert(batch);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->created(), 1000);
  EXPECT_EQ(engine_->Stats().organizations(), 1000);
}

TEST_F(MatchingEngineTest, IngestChunkKeepsGoodRecordsAndReportsBadOnes) {
  Put(Firm("f1", "KZ", "Atyrau", "oil-gas"));
  std::vector<v1::Record> records = {
      Rec(University("u_ing", "KZ", "Almaty", "oil-gas")),             // 10
      Rec(MakeCapability("c_bad", "u_ing", "")),                       // 11
      Rec(MakeCapability("c_ok", "u_ing", "oil pipeline corrosion")),  // 12
      Rec(MakeCapability("c_orphan", "ghost", "oil well")),            // 13
      Rec(MakeCapability("c_ok", "u_ing", "gas drilling")),            // 14
      Rec(MakeNeed("n_ok", "f1", "pipeline corrosion")),               // 15
  };
  auto errors = engine_->IngestChunk(records, 10);
  ASSERT_TRUE(errors.ok()) << errors.status();
  ASSERT_EQ(errors->size(), 3u);
  EXPECT_EQ((*errors)[0].position(), 11);
  EXPECT_EQ((*errors)[0].id(), "c_bad");
  EXPECT_THAT((*errors)[0].message(), HasSubstr("capability.title"));
  EXPECT_EQ((*errors)[1].position(), 13);
  EXPECT_EQ((*errors)[1].id(), "c_orphan");
  EXPECT_THAT((*errors)[1].message(), HasSubstr("capability.organization_id"));
  EXPECT_EQ((*errors)[2].position(), 14);
  EXPECT_EQ((*errors)[2].id(), "c_ok");
  EXPECT_THAT((*errors)[2].message(), HasSubstr("duplicate"));
  EXPECT_THAT((*errors)[2].message(), HasSubstr("12"));

  EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, "u_ing"),
            absl::StatusCode::kOk);
  auto ok = engine_->Get(v1::RECORD_KIND_CAPABILITY, "c_ok");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->capability().title(), "oil pipeline corrosion");
  EXPECT_EQ(GetCode(v1::RECORD_KIND_NEED, "n_ok"), absl::StatusCode::kOk);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "c_bad"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "c_orphan"),
            absl::StatusCode::kNotFound);
  const v1::StatsResponse stats = engine_->Stats();
  EXPECT_EQ(stats.organizations(), 2);
  EXPECT_EQ(stats.capabilities(), 1);
  EXPECT_EQ(stats.needs(), 1);

  const auto response = Recommend(ForNeed("n_ok"));
  EXPECT_EQ(OrgIds(response), std::vector<std::string>({"u_ing"}));

  const std::vector<v1::Record> all_bad = {
      Rec(MakeCapability("c1", "ghost", "oil")), v1::Record()};
  auto bad = engine_->IngestChunk(all_bad, 0);
  ASSERT_TRUE(bad.ok()) << bad.status();
  ASSERT_EQ(bad->size(), 2u);
  EXPECT_EQ((*bad)[0].position(), 0);
  EXPECT_EQ((*bad)[1].position(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(stats, engine_->Stats()));
}

TEST_F(MatchingEngineTest, DeleteUnknownIsNotFound) {
  LoadCorpus();
  for (auto kind : {v1::RECORD_KIND_ORGANIZATION, v1::RECORD_KIND_CAPABILITY,
                    v1::RECORD_KIND_NEED, v1::RECORD_KIND_TIE}) {
    const absl::Status s = engine_->Delete(kind, "nothing_here");
    EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << kind;
    EXPECT_THAT(std::string(s.message()), HasSubstr("nothing_here"));
  }
  EXPECT_EQ(engine_->Delete(v1::RECORD_KIND_NEED, "cap_mining_1").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Delete(v1::RECORD_KIND_UNSPECIFIED, "u_oil").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "bad id!").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(MatchingEngineTest, DeleteOrganizationWithProfilesFails) {
  LoadCorpus();
  Put(MakeTie("t1", "u_energy", "f_energy", 2024));
  for (const char* id : {"u_mining", "f_oil", "u_energy"}) {
    const absl::Status s = engine_->Delete(v1::RECORD_KIND_ORGANIZATION, id);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << id;
    EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, id), absl::StatusCode::kOk);
  }
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap_energy_1").ok());
  EXPECT_EQ(engine_->Delete(v1::RECORD_KIND_ORGANIZATION, "u_energy").code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_TIE, "t1").ok());
  const int64_t orgs = engine_->Stats().organizations();
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_ORGANIZATION, "u_energy").ok());
  EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, "u_energy"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Stats().organizations(), orgs - 1);

  auto orphan = engine_->Upsert(
      Rec(MakeCapability("cap_energy_2", "u_energy", "solar power")));
  EXPECT_EQ(orphan.status().code(), absl::StatusCode::kFailedPrecondition);

  Reopen();
  EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, "u_energy"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Stats().organizations(), orgs - 1);
}

TEST_F(MatchingEngineTest, DeletedProfileIsNeverRecommended) {
  LoadCorpus();
  v1::RecommendRequest request = ForNeed("need_mining");
  request.set_profiles_per_organization(10);
  ASSERT_TRUE(ProfileIds(Recommend(request)).count("cap_mining_1"));

  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap_mining_1").ok());
  EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "cap_mining_1"),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap_mining_1").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Stats().capabilities(), 9);

  const auto after = Recommend(request);
  EXPECT_EQ(ProfileIds(after).count("cap_mining_1"), 0u);
  const v1::Suggestion* mining = FindSuggestion(after, "u_mining");
  ASSERT_NE(mining, nullptr);
  EXPECT_EQ(mining->total_profiles(), 2);
  const auto text = Recommend(
      ForText("copper flotation reagent", v1::DIRECTION_NEED_TO_CAPABILITIES));
  EXPECT_EQ(ProfileIds(text).count("cap_mining_1"), 0u);

  auto explain = engine_->Explain([] {
    v1::ExplainRequest r;
    r.set_need_id("need_mining");
    r.set_capability_id("cap_mining_1");
    return r;
  }());
  EXPECT_EQ(explain.status().code(), absl::StatusCode::kNotFound);

  Reopen();
  EXPECT_EQ(ProfileIds(Recommend(request)).count("cap_mining_1"), 0u);
}

TEST_F(MatchingEngineTest, DeletedNeedIsNotAQueryAnymore) {
  LoadCorpus();
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_NEED, "need_oil").ok());
  EXPECT_EQ(engine_->Recommend(ForNeed("need_oil")).status().code(),
            absl::StatusCode::kNotFound);
  const auto response = Recommend(ForCapability("cap_oil_1"));
  EXPECT_EQ(ProfileIds(response).count("need_oil"), 0u);
  EXPECT_EQ(FindSuggestion(response, "f_oil"), nullptr);
}

// ------------------------------------------------------------------ queries

TEST_F(MatchingEngineTest, MiningNeedRanksMiningUniversityFirst) {
  LoadCorpus();
  const auto response = Recommend(ForNeed("need_mining", 5));
  ASSERT_GE(response.suggestions_size(), 1);
  EXPECT_LE(response.suggestions_size(), 5);
  const v1::Suggestion& top = response.suggestions(0);
  EXPECT_EQ(top.organization().id(), "u_mining");
  ASSERT_GE(top.profiles_size(), 1);
  EXPECT_EQ(top.profiles(0).id(), "cap_mining_1");
  EXPECT_GT(top.breakdown().lexical(), 0.0);
  EXPECT_GT(top.breakdown().dense(), 0.5);
  EXPECT_THAT(std::vector<std::string>(top.evidence_terms().begin(),
                                       top.evidence_terms().end()),
              ::testing::Contains("flotation"));
  EXPECT_FALSE(top.organization().has_signals());
  EXPECT_EQ(response.model(), engine_->model_identity());
  EXPECT_GT(response.candidates_considered(), 0);
  for (int i = 1; i < response.suggestions_size(); ++i) {
    EXPECT_LT(response.suggestions(i).score(), top.score());
  }
  EXPECT_EQ(top.ladder().recommended_rung(), 0);
  EXPECT_EQ(top.ladder().next_rung(), 3);
  EXPECT_GT(top.breakdown().benefit_alignment(), 0.0);
}

TEST_F(MatchingEngineTest, SignalsReachBarriersAndFeaturesStayInRange) {
  LoadCorpus();
  v1::Organization university =
      University("u_mining", "KZ", "Karaganda", "mining");
  university.mutable_signals()->set_tto_present(false);
  university.mutable_signals()->set_researchers(20);
  university.mutable_signals()->set_publications_per_year(30);
  v1::Organization firm = Firm("f_mining", "KZ", "Karaganda", "mining");
  firm.mutable_signals()->set_rd_staff(0);
  Put(university);
  Put(firm);
  v1::CapabilityProfile cap = MakeCapability(
      "cap_mining_5", "u_mining", "Copper flotation reagent concentrator");
  cap.add_benefits_sought(v1::BENEFIT_RESEARCH);
  cap.add_benefits_sought(v1::BENEFIT_FUNDING);
  cap.add_channels_offered(v1::CHANNEL_TESTING);
  Put(cap);
  v1::FirmNeed need = MakeNeed("need_mining_2", "f_mining",
                               "Copper flotation reagent at the concentrator");
  need.add_benefits_sought(v1::BENEFIT_RESEARCH);
  need.add_benefits_sought(v1::BENEFIT_HUMAN_CAPITAL);
  need.add_channels_wanted(v1::CHANNEL_TESTING);
  need.add_channels_wanted(v1::CHANNEL_INTERNSHIP);
  Put(need);

  const auto response = Recommend(ForNeed("need_mining_2", 10));
  ASSERT_GE(response.suggestions_size(), 2);
  const v1::Suggestion& top = response.suggestions(0);
  ASSERT_EQ(top.organization().id(), "u_mining");
  EXPECT_EQ(top.profiles(0).id(), "cap_mining_5");
  EXPECT_FALSE(top.organization().has_signals());
  EXPECT_EQ(Barrier(top, v1::BARRIER_CODE_ORG_SUPPORT).severity(),
            v1::SEVERITY_HIGH);
  EXPECT_EQ(Barrier(top, v1::BARRIER_CODE_ABSORPTIVE_CAPACITY).severity(),
            v1::SEVERITY_HIGH);
  EXPECT_NE(Barrier(top, v1::BARRIER_CODE_RESEARCH_CAPACITY).severity(),
            v1::SEVERITY_UNKNOWN);
  EXPECT_DOUBLE_EQ(top.breakdown().capacity(), 1.0);
  EXPECT_NEAR(top.breakdown().benefit_alignment(), 0.6 * 0.5 + 0.4 / 3.0, 1e-9);
  const std::vector<std::string> unknown(
      top.breakdown().unknown_features().begin(),
      top.breakdown().unknown_features().end());
  EXPECT_THAT(unknown, ::testing::Not(::testing::Contains("capacity")));
  const v1::Suggestion* oil = FindSuggestion(response, "u_oil");
  ASSERT_NE(oil, nullptr);
  EXPECT_EQ(Barrier(*oil, v1::BARRIER_CODE_ORG_SUPPORT).severity(),
            v1::SEVERITY_UNKNOWN);
  EXPECT_THAT(
      std::vector<std::string>(oil->breakdown().unknown_features().begin(),
                               oil->breakdown().unknown_features().end()),
      ::testing::Contains("capacity"));

  for (const auto& s : response.suggestions()) {
    const v1::ScoreBreakdown& b = s.breakdown();
    for (double feature :
         {b.topical_fit(), b.dense(), b.lexical(), b.depth(), b.trust(),
          b.proximity(), b.capacity(), b.benefit_alignment()}) {
      EXPECT_GE(feature, 0.0) << s.organization().id();
      EXPECT_LE(feature, 1.0) << s.organization().id();
    }
  }
}

TEST_F(MatchingEngineTest, EachTopicFindsItsUniversity) {
  LoadCorpus();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"need_oil", "u_oil"},
      {"need_agri", "u_agri"},
      {"need_energy", "u_energy"}};
  for (const auto& [need, university] : expected) {
    const auto response = Recommend(ForNeed(need, 3));
    ASSERT_GE(response.suggestions_size(), 1) << need;
    EXPECT_EQ(response.suggestions(0).organization().id(), university) << need;
  }
}

TEST_F(MatchingEngineTest, FreeTextQueriesInBothDirections) {
  LoadCorpus();
  const auto to_caps = Recommend(ForText(
      "copper flotation concentrator", v1::DIRECTION_NEED_TO_CAPABILITIES, 3));
  ASSERT_GE(to_caps.suggestions_size(), 1);
  EXPECT_EQ(to_caps.suggestions(0).organization().id(), "u_mining");
  for (const auto& s : to_caps.suggestions()) {
    EXPECT_EQ(s.organization().kind(), v1::ORGANIZATION_KIND_UNIVERSITY);
  }

  const auto to_needs = Recommend(
      ForText("oil pipeline corrosion", v1::DIRECTION_CAPABILITY_TO_NEEDS, 3));
  ASSERT_GE(to_needs.suggestions_size(), 1);
  EXPECT_EQ(to_needs.suggestions(0).organization().id(), "f_oil");
  EXPECT_EQ(to_needs.suggestions(0).profiles(0).id(), "need_oil");

  const auto dense_only = Recommend(
      ForText("smelter mineral", v1::DIRECTION_NEED_TO_CAPABILITIES, 3));
  ASSERT_GE(dense_only.suggestions_size(), 1);
  EXPECT_EQ(dense_only.suggestions(0).organization().id(), "u_mining");
}

TEST_F(MatchingEngineTest, FreeTextWithoutRequesterHasUnknownPairBarriers) {
  LoadCorpus();
  const auto response = Recommend(
      ForText("copper flotation", v1::DIRECTION_NEED_TO_CAPABILITIES, 3));
  ASSERT_GE(response.suggestions_size(), 1);
  const v1::Suggestion& s = response.suggestions(0);
  EXPECT_EQ(Barrier(s, v1::BARRIER_CODE_TRUST).severity(),
            v1::SEVERITY_UNKNOWN);
  EXPECT_EQ(Barrier(s, v1::BARRIER_CODE_DISTANCE).severity(),
            v1::SEVERITY_UNKNOWN);
  EXPECT_THAT(std::vector<std::string>(s.breakdown().unknown_features().begin(),
                                       s.breakdown().unknown_features().end()),
              ::testing::IsSupersetOf({"trust", "proximity"}));
}

TEST_F(MatchingEngineTest, FreeTextWithRequesterUsesItsLocation) {
  LoadCorpus();
  v1::RecommendRequest request =
      ForText("copper flotation", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  request.set_requester_organization_id("f_mining");
  const auto response = Recommend(request);
  const v1::Suggestion* mining = FindSuggestion(response, "u_mining");
  ASSERT_NE(mining, nullptr);
  EXPECT_DOUBLE_EQ(mining->breakdown().proximity(), 1.0);
  EXPECT_EQ(Barrier(*mining, v1::BARRIER_CODE_DISTANCE).severity(),
            v1::SEVERITY_NONE);
  const v1::Suggestion* health = FindSuggestion(response, "u_health");
  ASSERT_NE(health, nullptr);
  EXPECT_DOUBLE_EQ(health->breakdown().proximity(), 0.0);
  EXPECT_EQ(Barrier(*health, v1::BARRIER_CODE_DISTANCE).severity(),
            v1::SEVERITY_HIGH);

  request.set_requester_organization_id("ghost");
  EXPECT_EQ(engine_->Recommend(request).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(MatchingEngineTest, TextWithOnlyUnknownWordsIsRejected) {
  LoadCorpus();
  auto response = engine_->Recommend(
      ForText("zzyzx quuxly", v1::DIRECTION_NEED_TO_CAPABILITIES));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(response.status().message()), HasSubstr("text"));

  auto blank =
      engine_->Recommend(ForText("   ", v1::DIRECTION_NEED_TO_CAPABILITIES));
  EXPECT_EQ(blank.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(blank.status().message()), StartsWith("text"));

  auto too_long =
      engine_->Recommend(ForText(std::string(kMaxQueryTextBytes + 1, 'a'),
                                 v1::DIRECTION_NEED_TO_CAPABILITIES));
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MatchingEngineTest, KOutOfRangeIsRejected) {
  LoadCorpus();
  for (int k : {0, -1, kMaxK + 1}) {
    auto response = engine_->Recommend(ForNeed("need_mining", k));
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument)
        << k;
    EXPECT_THAT(std::string(response.status().message()), StartsWith("k:"));
  }
  EXPECT_TRUE(engine_->Recommend(ForNeed("need_mining", kMaxK)).ok());
  EXPECT_TRUE(engine_->Recommend(ForNeed("need_mining", 1)).ok());
}

TEST_F(MatchingEngineTest, RequestValidation) {
  LoadCorpus();
  auto no_direction =
      engine_->Recommend(ForText("copper", v1::DIRECTION_UNSPECIFIED));
  EXPECT_EQ(no_direction.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_direction.status().message()),
              StartsWith("direction"));

  v1::RecommendRequest wrong_direction = ForNeed("need_mining");
  wrong_direction.set_direction(v1::DIRECTION_CAPABILITY_TO_NEEDS);
  EXPECT_EQ(engine_->Recommend(wrong_direction).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::RecommendRequest no_query;
  no_query.set_k(3);
  EXPECT_EQ(engine_->Recommend(no_query).status().code(),
            absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(engine_->Recommend(ForNeed("no_such_need")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Recommend(ForCapability("no_such_cap")).status().code(),
            absl::StatusCode::kNotFound);

  v1::RecommendRequest too_many_profiles = ForNeed("need_mining");
  too_many_profiles.set_profiles_per_organization(kMaxProfilesPerOrganization +
                                                  1);
  auto profiles = engine_->Recommend(too_many_profiles);
  EXPECT_EQ(profiles.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(profiles.status().message()),
              StartsWith("profiles_per_organization"));

  v1::RecommendRequest bad_country = ForNeed("need_mining");
  bad_country.mutable_filter()->add_countries("kz");
  auto country = engine_->Recommend(bad_country);
  EXPECT_EQ(country.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(country.status().message()),
              StartsWith("filter.countries[0]"));

  v1::RecommendRequest bad_trl = ForNeed("need_mining");
  bad_trl.mutable_filter()->set_trl(10);
  EXPECT_EQ(engine_->Recommend(bad_trl).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::RecommendRequest not_owner = ForNeed("need_mining");
  not_owner.set_requester_organization_id("f_oil");
  auto owner = engine_->Recommend(not_owner);
  EXPECT_EQ(owner.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(owner.status().message()),
              StartsWith("requester_organization_id"));
  not_owner.set_requester_organization_id("f_mining");
  EXPECT_TRUE(engine_->Recommend(not_owner).ok());
}

TEST_F(MatchingEngineTest, CountryFilterOnlyReturnsThatCountry) {
  LoadCorpus();
  v1::RecommendRequest request = ForNeed("need_mining", 10);
  request.mutable_filter()->add_countries("UZ");
  const auto uz = Recommend(request);
  EXPECT_EQ(OrgIds(uz), std::vector<std::string>({"u_health"}));

  request.mutable_filter()->clear_countries();
  request.mutable_filter()->add_countries("KZ");
  const auto kz = Recommend(request);
  EXPECT_EQ(kz.suggestions_size(), 5);
  for (const auto& s : kz.suggestions()) {
    EXPECT_EQ(s.organization().country(), "KZ");
  }
}

TEST_F(MatchingEngineTest, FilterLeavingExactlyKOrganizationsReturnsAllK) {
  LoadCorpus();
  v1::RecommendRequest request = ForNeed("need_mining", 3);
  request.mutable_filter()->add_sectors("oil-gas");
  request.mutable_filter()->add_sectors("agriculture");
  request.mutable_filter()->add_sectors("health");
  const auto response = Recommend(request);
  std::vector<std::string> ids = OrgIds(response);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, std::vector<std::string>({"u_agri", "u_health", "u_oil"}));
}

TEST_F(MatchingEngineTest, KindRegionAndTrlFilters) {
  LoadCorpus();
  v1::RecommendRequest regions =
      ForText("copper flotation", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  regions.mutable_filter()->add_regions("Atyrau Region");
  EXPECT_EQ(OrgIds(Recommend(regions)), std::vector<std::string>({"u_oil"}));

  v1::RecommendRequest trl =
      ForText("copper ore", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  trl.set_profiles_per_organization(10);
  trl.mutable_filter()->set_trl(5);
  const auto with_trl = Recommend(trl);
  EXPECT_EQ(ProfileIds(with_trl), std::set<std::string>({"cap_mining_1"}));
  trl.mutable_filter()->set_trl(8);
  EXPECT_EQ(Recommend(trl).suggestions_size(), 0);

  v1::RecommendRequest kinds =
      ForText("copper ore", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  kinds.mutable_filter()->add_kinds(v1::ORGANIZATION_KIND_FIRM);
  EXPECT_EQ(Recommend(kinds).suggestions_size(), 0);
}

TEST_F(MatchingEngineTest, WidensThePoolUntilKOrganizationsAreFound) {
  google::protobuf::RepeatedPtrField<v1::Record> batch;
  *batch.Add() = Rec(University("u_big", "KZ", "Karaganda", "mining"));
  for (int i = 0; i < 250; ++i) {
    *batch.Add() = Rec(MakeCapability("big_" + std::to_string(i), "u_big",
                                      "Copper flotation concentrator ore"));
  }
  const std::vector<std::pair<std::string, std::string>> others = {
      {"u_oil", "oil pipeline"},       {"u_agri", "wheat crop"},
      {"u_it", "cloud software"},      {"u_energy", "solar grid"},
      {"u_health", "hospital clinic"}, {"u_edu", "students curriculum"}};
  for (const auto& [id, text] : others) {
    *batch.Add() = Rec(University(id, "KZ", "Almaty", "other"));
    *batch.Add() = Rec(MakeCapability("cap_" + id, id, text));
  }
  ASSERT_TRUE(engine_->BatchUpsert(batch).ok());
  const auto response = Recommend(
      ForText("copper flotation", v1::DIRECTION_NEED_TO_CAPABILITIES, 5));
  ASSERT_EQ(response.suggestions_size(), 5);
  EXPECT_EQ(response.suggestions(0).organization().id(), "u_big");
  EXPECT_GT(response.candidates_considered(), 200);
  const std::vector<std::string> ids = OrgIds(response);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 5u);
  EXPECT_EQ(response.suggestions(0).total_profiles(), 250);
  EXPECT_EQ(response.suggestions(0).profiles_size(), 3);
}

TEST_F(MatchingEngineTest, RequesterIsNeverSuggested) {
  LoadCorpus();
  Put(MakeCapability("cap_f_mining", "f_mining",
                     "Copper flotation at the concentrator"));
  const auto by_need = Recommend(ForNeed("need_mining", 20));
  EXPECT_EQ(FindSuggestion(by_need, "f_mining"), nullptr);
  EXPECT_EQ(ProfileIds(by_need).count("cap_f_mining"), 0u);
  EXPECT_NE(FindSuggestion(by_need, "u_mining"), nullptr);

  v1::RecommendRequest text = ForText("copper flotation concentrator",
                                      v1::DIRECTION_NEED_TO_CAPABILITIES, 20);
  text.set_requester_organization_id("u_mining");
  const auto by_text = Recommend(text);
  EXPECT_EQ(FindSuggestion(by_text, "u_mining"), nullptr);
  ASSERT_GE(by_text.suggestions_size(), 1);
  EXPECT_EQ(by_text.suggestions(0).organization().id(), "f_mining");

  const auto by_capability = Recommend(ForCapability("cap_f_mining", 20));
  EXPECT_EQ(FindSuggestion(by_capability, "f_mining"), nullptr);
}

TEST_F(MatchingEngineTest, PrivateNeedsAreNeverSuggested) {
  LoadCorpus();
  v1::RecommendRequest request = ForCapability("cap_mining_1", 20);
  request.set_profiles_per_organization(10);
  const auto response = Recommend(request);
  const std::set<std::string> ids = ProfileIds(response);
  EXPECT_EQ(ids.count("need_mining_private"), 0u);
  EXPECT_EQ(ids.count("need_mining"), 1u);
  ASSERT_GE(response.suggestions_size(), 1);
  EXPECT_EQ(response.suggestions(0).organization().id(), "f_mining");
  for (const auto& s : response.suggestions()) {
    EXPECT_EQ(s.organization().kind(), v1::ORGANIZATION_KIND_FIRM);
  }

  v1::RecommendRequest text = ForText("copper flotation reagent concentrator",
                                      v1::DIRECTION_CAPABILITY_TO_NEEDS, 20);
  text.set_profiles_per_organization(10);
  EXPECT_EQ(ProfileIds(Recommend(text)).count("need_mining_private"), 0u);
  EXPECT_EQ(GetCode(v1::RECORD_KIND_NEED, "need_mining_private"),
            absl::StatusCode::kOk);
  EXPECT_TRUE(engine_->Recommend(ForNeed("need_mining_private")).ok());
}

TEST_F(MatchingEngineTest, ProgrammeOnlyNeedsOnlyForProgrammes) {
  LoadCorpus();
  v1::FirmNeed need =
      MakeNeed("need_programme", "f_oil", "Copper flotation concentrator");
  need.set_visibility(v1::VISIBILITY_PROGRAMME_ONLY);
  Put(need);
  Put(MakeOrganization("gov", v1::ORGANIZATION_KIND_GOVERNMENT_PROGRAMME));

  v1::RecommendRequest request = ForCapability("cap_mining_1", 20);
  request.set_profiles_per_organization(10);
  EXPECT_EQ(ProfileIds(Recommend(request)).count("need_programme"), 0u);

  v1::RecommendRequest programme = ForText(
      "copper flotation concentrator", v1::DIRECTION_CAPABILITY_TO_NEEDS, 20);
  programme.set_profiles_per_organization(10);
  programme.set_requester_organization_id("gov");
  const std::set<std::string> ids = ProfileIds(Recommend(programme));
  EXPECT_EQ(ids.count("need_programme"), 1u);
  EXPECT_EQ(ids.count("need_mining_private"), 0u);
}

TEST_F(MatchingEngineTest, SuggestionsAreGroupedAndSorted) {
  LoadCorpus();
  Put(MakeCapability("cap_mining_4", "u_mining", "Copper mine geomechanics"));
  for (int per_org : {0, 1, 2, 10}) {
    v1::RecommendRequest request =
        ForText("copper ore mining", v1::DIRECTION_NEED_TO_CAPABILITIES, 20);
    request.set_profiles_per_organization(per_org);
    const auto response = Recommend(request);
    ASSERT_GE(response.suggestions_size(), 2);
    std::set<std::string> seen;
    std::set<std::string> profiles;
    for (int i = 0; i < response.suggestions_size(); ++i) {
      const v1::Suggestion& s = response.suggestions(i);
      EXPECT_TRUE(seen.insert(s.organization().id()).second)
          << s.organization().id();
      if (i > 0) {
        EXPECT_LE(s.score(), response.suggestions(i - 1).score());
      }
      ASSERT_GE(s.profiles_size(), 1);
      EXPECT_LE(s.profiles_size(), per_org == 0 ? 3 : per_org);
      for (int j = 0; j < s.profiles_size(); ++j) {
        EXPECT_TRUE(profiles.insert(s.profiles(j).id()).second);
        if (j > 0) {
          EXPECT_LE(s.profiles(j).score(), s.profiles(j - 1).score());
        }
      }
      EXPECT_DOUBLE_EQ(s.breakdown().topical_fit(), s.profiles(0).score());
      EXPECT_GE(s.score(), s.breakdown().topical_fit());
      ASSERT_EQ(s.barriers_size(), 12);
      for (int b = 0; b < 12; ++b) {
        EXPECT_EQ(s.barriers(b).code(), static_cast<v1::BarrierCode>(b + 1));
        EXPECT_FALSE(s.barriers(b).mitigation().empty());
      }
      EXPECT_FALSE(s.ladder().rationale().empty());
    }
    const v1::Suggestion& mining = response.suggestions(0);
    EXPECT_EQ(mining.organization().id(), "u_mining");
    EXPECT_EQ(mining.total_profiles(), 4);
    EXPECT_EQ(mining.profiles_size(), per_org == 0 ? 3 : std::min(per_org, 4));
  }
}

TEST_F(MatchingEngineTest, EverySuggestionHasTwelveBarriers) {
  LoadCorpus();
  for (const auto& request :
       {ForNeed("need_mining", 20), ForCapability("cap_oil_1", 20),
        ForText("wheat", v1::DIRECTION_NEED_TO_CAPABILITIES, 20),
        ForText("wheat", v1::DIRECTION_CAPABILITY_TO_NEEDS, 20)}) {
    const auto response = Recommend(request);
    ASSERT_GT(response.suggestions_size(), 0) << request.ShortDebugString();
    for (const auto& s : response.suggestions()) {
      ASSERT_EQ(s.barriers_size(), 12);
      for (int b = 0; b < 12; ++b) {
        EXPECT_EQ(s.barriers(b).code(), static_cast<v1::BarrierCode>(b + 1));
        EXPECT_NE(s.barriers(b).severity(), v1::SEVERITY_UNSPECIFIED);
      }
    }
  }
}

class TrustSetupTest : public MatchingEngineTest {
 protected:
  void SetUp() override {
    MatchingEngineTest::SetUp();
    Put(Firm("f_x", "KZ", "Karaganda", "mining"));
    Put(University("u_a", "KZ", "Karaganda", "mining"));
    Put(University("u_b", "KZ", "Karaganda", "mining"));
    Put(MakeNeed("need_x", "f_x", "Copper flotation at the concentrator"));
    Put(MakeCapability("cap_a", "u_a", "Copper ore flotation"));
    Put(MakeCapability("cap_b", "u_b", "Copper ore flotation"));
  }
};

TEST_F(TrustSetupTest, CompletedTiesLowerTrustBarrier) {
  Put(MakeTie("t1", "u_a", "f_x", 2023));
  Put(MakeTie("t2", "f_x", "u_a", 2024));
  const auto response = Recommend(ForNeed("need_x"));
  const v1::Suggestion* a = FindSuggestion(response, "u_a");
  const v1::Suggestion* b = FindSuggestion(response, "u_b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Barrier(*a, v1::BARRIER_CODE_TRUST).severity(), v1::SEVERITY_LOW);
  EXPECT_EQ(Barrier(*b, v1::BARRIER_CODE_TRUST).severity(), v1::SEVERITY_HIGH);
  EXPECT_LT(Barrier(*a, v1::BARRIER_CODE_TRUST).severity(),
            Barrier(*b, v1::BARRIER_CODE_TRUST).severity());
  EXPECT_EQ(Barrier(*a, v1::BARRIER_CODE_UNAWARENESS).severity(),
            v1::SEVERITY_NONE);
  EXPECT_GT(a->breakdown().trust(), 0.0);
  EXPECT_DOUBLE_EQ(b->breakdown().trust(), 0.0);
  EXPECT_DOUBLE_EQ(a->breakdown().topical_fit(), b->breakdown().topical_fit());
  EXPECT_GT(a->score(), b->score());
  EXPECT_EQ(response.suggestions(0).organization().id(), "u_a");
  ASSERT_EQ(a->trust_evidence_size(), 2);
  EXPECT_THAT(a->trust_evidence(0), StartsWith("2024"));
  EXPECT_EQ(b->trust_evidence_size(), 0);
  EXPECT_EQ(a->ladder().covered_rung(), 1);
  EXPECT_GE(a->ladder().recommended_rung(), 2);
  EXPECT_EQ(b->ladder().covered_rung(), -1);
  EXPECT_EQ(b->ladder().recommended_rung(), 0);

  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_TIE, "t2").ok());
  const auto after = Recommend(ForNeed("need_x"));
  const v1::Suggestion* a2 = FindSuggestion(after, "u_a");
  ASSERT_NE(a2, nullptr);
  EXPECT_EQ(Barrier(*a2, v1::BARRIER_CODE_TRUST).severity(),
            v1::SEVERITY_MEDIUM);
  EXPECT_EQ(a2->trust_evidence_size(), 1);
  EXPECT_LT(a2->breakdown().trust(), a->breakdown().trust());
}

TEST_F(TrustSetupTest, SharedPartnerIsCounted) {
  Put(University("u_c", "KZ", "Almaty", "mining"));
  Put(MakeTie("t1", "u_c", "f_x", 2022));
  Put(MakeTie("t2", "u_c", "u_b", 2022));
  const auto response = Recommend(ForNeed("need_x"));
  const v1::Suggestion* a = FindSuggestion(response, "u_a");
  const v1::Suggestion* b = FindSuggestion(response, "u_b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Barrier(*a, v1::BARRIER_CODE_UNAWARENESS).severity(),
            v1::SEVERITY_HIGH);
  EXPECT_EQ(Barrier(*b, v1::BARRIER_CODE_UNAWARENESS).severity(),
            v1::SEVERITY_MEDIUM);
  EXPECT_THAT(Barrier(*b, v1::BARRIER_CODE_UNAWARENESS).summary(),
              HasSubstr("1 shared partner"));
}

TEST_F(TrustSetupTest, ProgrammeOnlyHistoryRaisesStateSteering) {
  v1::Tie tie = MakeTie("t1", "u_a", "f_x", 2024);
  tie.set_origin(v1::TIE_ORIGIN_PROGRAMME);
  Put(tie);
  const auto response = Recommend(ForNeed("need_x"));
  const v1::Suggestion* a = FindSuggestion(response, "u_a");
  const v1::Suggestion* b = FindSuggestion(response, "u_b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Barrier(*a, v1::BARRIER_CODE_STATE_STEERING).severity(),
            v1::SEVERITY_HIGH);
  EXPECT_EQ(Barrier(*b, v1::BARRIER_CODE_STATE_STEERING).severity(),
            v1::SEVERITY_UNKNOWN);
}

TEST_F(MatchingEngineTest, ExplainPinsTheCapabilityFirstAndChecksIds) {
  LoadCorpus();
  v1::ExplainRequest request;
  request.set_need_id("need_mining");
  request.set_capability_id("cap_mining_3");
  auto response = engine_->Explain(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->need().id(), "need_mining");
  EXPECT_EQ(response->capability().id(), "cap_mining_3");
  const v1::Suggestion& s = response->suggestion();
  EXPECT_EQ(s.organization().id(), "u_mining");
  ASSERT_GE(s.profiles_size(), 2);
  EXPECT_EQ(s.profiles(0).id(), "cap_mining_3");
  EXPECT_EQ(s.profiles(1).id(), "cap_mining_1");
  for (int j = 2; j < s.profiles_size(); ++j) {
    EXPECT_LE(s.profiles(j).score(), s.profiles(j - 1).score());
  }
  EXPECT_EQ(s.total_profiles(), 3);
  EXPECT_EQ(s.barriers_size(), 12);
  EXPECT_FALSE(s.ladder().rationale().empty());
  EXPECT_EQ(Barrier(s, v1::BARRIER_CODE_DISTANCE).severity(),
            v1::SEVERITY_NONE);

  request.set_capability_id("cap_oil_1");
  auto unrelated = engine_->Explain(request);
  ASSERT_TRUE(unrelated.ok()) << unrelated.status();
  EXPECT_EQ(unrelated->suggestion().organization().id(), "u_oil");
  EXPECT_EQ(unrelated->suggestion().profiles(0).id(), "cap_oil_1");

  request.set_capability_id("nope");
  EXPECT_EQ(engine_->Explain(request).status().code(),
            absl::StatusCode::kNotFound);
  request.set_need_id("nope");
  request.set_capability_id("cap_mining_1");
  EXPECT_EQ(engine_->Explain(request).status().code(),
            absl::StatusCode::kNotFound);
  request.set_need_id("");
  EXPECT_EQ(engine_->Explain(request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------- persistence

struct Snapshot {
  std::vector<std::string> organizations;
  std::vector<double> scores;
  std::vector<std::vector<std::string>> profiles;
};

Snapshot Take(const v1::RecommendResponse& response) {
  Snapshot s;
  for (const auto& suggestion : response.suggestions()) {
    s.organizations.push_back(suggestion.organization().id());
    s.scores.push_back(suggestion.score());
    std::vector<std::string> ids;
    for (const auto& p : suggestion.profiles()) ids.push_back(p.id());
    s.profiles.push_back(std::move(ids));
  }
  return s;
}

void ExpectSame(const Snapshot& a, const Snapshot& b) {
  ASSERT_EQ(a.organizations, b.organizations);
  ASSERT_EQ(a.scores.size(), b.scores.size());
  for (size_t i = 0; i < a.scores.size(); ++i) {
    EXPECT_NEAR(a.scores[i], b.scores[i], 1e-6) << a.organizations[i];
  }
  EXPECT_EQ(a.profiles, b.profiles);
}

class PersistenceTest : public MatchingEngineTest {
 protected:
  void SetUp() override {
    MatchingEngineTest::SetUp();
    LoadCorpus();
    // A replaced and a deleted profile leave dead slots in the indexes.
    Put(MakeCapability("cap_mining_2", "u_mining",
                       "Crushing and grinding of copper ore in the mine"));
    Put(MakeNeed("need_oil", "f_oil", "Corrosion of the oil and gas pipeline"));
    ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap_agri_2").ok());
    Put(MakeTie("t1", "u_mining", "f_mining", 2024));
    before_ = Answers();
    stats_ = engine_->Stats();
  }

  std::vector<Snapshot> Answers() {
    std::vector<Snapshot> out;
    v1::RecommendRequest need = ForNeed("need_mining", 10);
    need.set_profiles_per_organization(10);
    out.push_back(Take(Recommend(need)));
    out.push_back(Take(Recommend(ForCapability("cap_oil_1", 10))));
    out.push_back(Take(Recommend(
        ForText("copper ore wheat", v1::DIRECTION_NEED_TO_CAPABILITIES, 10))));
    return out;
  }

  void ExpectSameAnswers() {
    const std::vector<Snapshot> after = Answers();
    ASSERT_EQ(after.size(), before_.size());
    for (size_t i = 0; i < after.size(); ++i) {
      SCOPED_TRACE(i);
      ExpectSame(before_[i], after[i]);
    }
    const v1::StatsResponse stats = engine_->Stats();
    EXPECT_EQ(stats.organizations(), stats_.organizations());
    EXPECT_EQ(stats.capabilities(), stats_.capabilities());
    EXPECT_EQ(stats.needs(), stats_.needs());
    EXPECT_EQ(stats.ties(), stats_.ties());
    EXPECT_EQ(stats.model(), stats_.model());
    EXPECT_EQ(GetCode(v1::RECORD_KIND_CAPABILITY, "cap_agri_2"),
              absl::StatusCode::kNotFound);
    EXPECT_EQ(engine_->Get(v1::RECORD_KIND_CAPABILITY, "cap_mining_2")
                  ->capability()
                  .title(),
              "Crushing and grinding of copper ore in the mine");
  }

  // Writes still work on the reopened engine and are found.
  void ExpectWritable() {
    Put(MakeCapability("cap_new", "u_agri", "Copper flotation reagent"));
    const auto response = Recommend(
        ForText("flotation reagent", v1::DIRECTION_NEED_TO_CAPABILITIES, 10));
    EXPECT_EQ(ProfileIds(response).count("cap_new"), 1u);
    ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap_new").ok());
  }

  std::string IndexPath(v1::RecordKind kind) const {
    return DataDir{dir_.path()}.IndexPath(kind);
  }

  std::vector<Snapshot> before_;
  v1::StatsResponse stats_;
};

TEST_F(PersistenceTest, ReopenGivesTheSameAnswers) {
  Reopen();
  ExpectSameAnswers();
  ExpectWritable();
  Reopen();
  ExpectSameAnswers();
}

TEST_F(PersistenceTest, MissingIndexFilesAreRebuilt) {
  engine_.reset();
  for (auto kind : {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    ASSERT_TRUE(std::filesystem::exists(IndexPath(kind)));
  }
  ASSERT_TRUE(std::filesystem::remove(IndexPath(v1::RECORD_KIND_CAPABILITY)));
  Reopen();
  ExpectSameAnswers();
  ExpectWritable();

  engine_.reset();
  ASSERT_TRUE(std::filesystem::remove(IndexPath(v1::RECORD_KIND_CAPABILITY)));
  ASSERT_TRUE(std::filesystem::remove(IndexPath(v1::RECORD_KIND_NEED)));
  Reopen();
  ExpectSameAnswers();
}

void FlipByte(const std::string& path, std::streamoff offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file.good()) << path;
  file.seekg(offset);
  char c = 0;
  file.read(&c, 1);
  ASSERT_TRUE(file.good());
  c = static_cast<char>(c ^ 0x5A);
  file.seekp(offset);
  file.write(&c, 1);
  ASSERT_TRUE(file.good());
}

TEST_F(PersistenceTest, CorruptIndexFileIsRebuilt) {
  engine_.reset();
  const std::string caps = IndexPath(v1::RECORD_KIND_CAPABILITY);
  const auto size =
      static_cast<std::streamoff>(std::filesystem::file_size(caps));
  ASSERT_GT(size, 64);
  FlipByte(caps, size / 2);
  Reopen();
  ExpectSameAnswers();
  ExpectWritable();

  for (std::streamoff offset : {std::streamoff{0}, std::streamoff{10}}) {
    engine_.reset();
    FlipByte(IndexPath(v1::RECORD_KIND_NEED), offset);
    Reopen();
    ExpectSameAnswers();
  }

  engine_.reset();
  std::filesystem::resize_file(caps, std::filesystem::file_size(caps) - 7);
  Reopen();
  ExpectSameAnswers();
}

TEST_F(PersistenceTest, StaleIndexFileIsRebuilt) {
  engine_.reset();
  const std::string caps = IndexPath(v1::RECORD_KIND_CAPABILITY);
  const std::string stale = dir_.path() + "/stale.hxidx";
  std::filesystem::copy_file(caps, stale);
  Reopen();
  ASSERT_TRUE(engine_->Delete(v1::RECORD_KIND_CAPABILITY, "cap_agri_1").ok());
  Put(MakeCapability("cap_agri_1", "u_agri", "Copper flotation reagent"));
  before_ = Answers();
  engine_.reset();
  std::filesystem::copy_file(stale, caps,
                             std::filesystem::copy_options::overwrite_existing);
  Reopen();
  ExpectSameAnswers();
}

TEST_F(MatchingEngineTest, OpenRefusesOtherWordVectors) {
  Put(University("u1", "KZ", "Almaty", "it"));
  engine_.reset();
  auto other =
      WordVectors::FromRows(4, {"copper", "ore"}, {{1, 0, 0, 0}, {0, 1, 0, 0}});
  ASSERT_TRUE(other.ok()) << other.status();
  EngineOptions options = Options();
  options.word_vectors = *other;
  auto engine = MatchingEngine::Open(options);
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kFailedPrecondition);
  Reopen();
  EXPECT_EQ(GetCode(v1::RECORD_KIND_ORGANIZATION, "u1"), absl::StatusCode::kOk);
}

// ------------------------------------------------------------- concurrency

// Readers and the writer pace each other by counts, without sleeps: after
// each upsert the writer waits until kReaders queries that started after
// its acknowledgement have finished, then deletes; readers stay at most a
// few queries ahead of what the writer waits for.
TEST_F(MatchingEngineTest, ConcurrentQueriesNeverSeeAcknowledgedDeletes) {
  LoadCorpus();
  Put(University("u_tmp", "KZ", "Karaganda", "mining"));
  constexpr int kWrites = 80;
  constexpr int kReaders = 4;
  std::atomic<int> started{0};
  std::atomic<int> completed{0};
  std::atomic<int> wanted{0};
  std::atomic<int> deleted_upto{-1};
  std::atomic<bool> writer_done{false};
  std::atomic<int> errors{0};
  std::atomic<int> stale{0};
  std::atomic<int> seen_temporary{0};
  std::atomic<int> writer_failures{0};

  v1::RecommendRequest request = ForText(
      "copper flotation concentrator", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  request.set_profiles_per_organization(10);

  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      const v1::RecommendRequest own =
          r % 2 == 0 ? request : ForNeed("need_mining", 10);
      while (!writer_done.load()) {
        if (started.load() >= wanted.load() + 4 * kReaders) {
          std::this_thread::yield();
          continue;
        }
        const int acknowledged = deleted_upto.load();
        started.fetch_add(1);
        auto response = engine_->Recommend(own);
        if (!response.ok()) {
          errors.fetch_add(1);
        } else {
          for (const auto& s : response->suggestions()) {
            for (const auto& p : s.profiles()) {
              if (p.id().rfind("tmp-", 0) != 0) continue;
              seen_temporary.fetch_add(1);
              if (std::stoi(p.id().substr(4)) <= acknowledged) {
                stale.fetch_add(1);
              }
            }
          }
        }
        completed.fetch_add(1);
      }
    });
  }

  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      const std::string id = "tmp-" + std::to_string(i);
      if (!engine_
               ->Upsert(Rec(MakeCapability(
                   id, "u_tmp", "Copper flotation concentrator ore")))
               .ok()) {
        writer_failures.fetch_add(1);
      }
      auto visible = engine_->Recommend(request);
      if (!visible.ok() || !ProfileIds(*visible).count(id)) {
        writer_failures.fetch_add(1);
      }
      const int before = started.load();
      wanted.store(before + kReaders);
      while (completed.load() < before + kReaders) std::this_thread::yield();
      if (!engine_->Delete(v1::RECORD_KIND_CAPABILITY, id).ok()) {
        writer_failures.fetch_add(1);
      }
      deleted_upto.store(i);
    }
    writer_done.store(true);
  });
  writer.join();
  for (auto& t : readers) t.join();

  EXPECT_EQ(writer_failures.load(), 0);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(stale.load(), 0);
  EXPECT_GE(completed.load(), kWrites * kReaders);
  EXPECT_GE(seen_temporary.load(), kWrites * kReaders);
  EXPECT_EQ(deleted_upto.load(), kWrites - 1);
  EXPECT_EQ(engine_->Stats().capabilities(), 10);
  for (const auto& id : ProfileIds(Recommend(request))) {
    EXPECT_NE(id.rfind("tmp-", 0), 0u) << id;
  }
}

}  // namespace
}  // namespace helixmatch
