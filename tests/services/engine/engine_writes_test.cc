// MatchingEngine writes: upserts, batches, ingest chunks, deletes.
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
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace ::helixmatch::testing;  // NOLINT: the fixture's helpers

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

}  // namespace
}  // namespace helixmatch
