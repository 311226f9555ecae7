// The two write paths store the same records: the bulk importer
// (CorpusImporter) and the engine's online Upsert share the record writer
// of indexer/records.h (ValidateForWrite, OrganizationReferences,
// AddPutWrites). The same records, written by each into its own data
// folder, must leave the same records of every kind in the store,
// including the outcome tie a replacing outcome takes away and the tie
// with a reserved id both refuse. (Vectors differ by design: an import
// refits the embedding model, an upsert uses the stored one.)
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/corpus_importer.h"
#include "indexer/data_dir.h"
#include "indexer/record_store.h"
#include "indexer/records.h"
#include "services/engine/matching_engine.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeCapability;
using testing::MakeNeed;
using testing::MakeOrganization;
using testing::MakeTie;
using testing::SyntheticWordVectors;

v1::Record OrganizationRecord(const std::string& id,
                              v1::OrganizationKind kind) {
  v1::Record r;
  *r.mutable_organization() = MakeOrganization(id, kind);
  return r;
}

v1::Record OutcomeRecord(const std::string& id, v1::OutcomeKind kind) {
  v1::Record r;
  v1::Outcome* o = r.mutable_outcome();
  o->set_id(id);
  o->set_offered_by("org:uni");
  o->set_offered_to("org:firm");
  o->set_kind(kind);
  o->set_year(2025);
  if (kind == v1::OUTCOME_KIND_DECLINED) {
    o->set_decline_reason(v1::DECLINE_REASON_TIMING);
  }
  return r;
}

// Two rounds of writes: the second replaces records of the first.
std::vector<std::vector<v1::Record>> Rounds() {
  std::vector<v1::Record> first = {
      OrganizationRecord("org:uni", v1::ORGANIZATION_KIND_UNIVERSITY),
      OrganizationRecord("org:firm", v1::ORGANIZATION_KIND_FIRM),
      OrganizationRecord("org:lab", v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE),
  };
  v1::Record r;
  *r.mutable_capability() =
      MakeCapability("cap:flotation", "org:uni", "Copper flotation reagents");
  first.push_back(r);
  *r.mutable_capability() =
      MakeCapability("cap:wells", "org:lab", "Oil well drilling fluids");
  first.push_back(r);
  *r.mutable_need() =
      MakeNeed("need:grinding", "org:firm", "Ore grinding at a concentrator");
  first.push_back(r);
  *r.mutable_tie() = MakeTie("tie:1", "org:uni", "org:firm", 2021);
  first.push_back(r);
  first.push_back(OutcomeRecord("o-meeting", v1::OUTCOME_KIND_MEETING_HELD));
  first.push_back(
      OutcomeRecord("o-contract", v1::OUTCOME_KIND_CONTRACT_SIGNED));
  first.push_back(OutcomeRecord("o-contacted", v1::OUTCOME_KIND_CONTACTED));

  std::vector<v1::Record> second;
  // Replaces an engagement by a decline: its tie must go.
  second.push_back(OutcomeRecord("o-meeting", v1::OUTCOME_KIND_DECLINED));
  *r.mutable_capability() = MakeCapability(
      "cap:flotation", "org:uni", "Flotation cells and grinding circuits");
  second.push_back(r);
  *r.mutable_tie() = MakeTie("tie:2", "org:lab", "org:firm", 2022);
  second.push_back(r);
  return {first, second};
}

// A tie with the reserved id: both paths refuse it.
v1::Record ReservedTie() {
  v1::Record r;
  *r.mutable_tie() = MakeTie("outcome:forged", "org:uni", "org:firm", 2023);
  return r;
}

// Every stored record, by kind name, serialized (capabilities and needs
// without their vectors, whose size is checked).
std::map<std::string, std::vector<std::string>> StoredRecords(
    const std::string& root) {
  std::map<std::string, std::vector<std::string>> out;
  auto store = RecordStore::Open(DataDir{root}.StorePath());
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return out;
  const auto keep = [&](const char* kind,
                        const google::protobuf::Message& record) {
    out[kind].push_back(record.SerializeAsString());
    return absl::OkStatus();
  };
  const auto profile = [&](const char* kind, const auto& stored) {
    EXPECT_EQ(stored.vector().size(), 16 * sizeof(float)) << kind;
    return keep(kind, stored.record());
  };
  const RecordStore& s = **store;
  EXPECT_TRUE(s.ForEach<v1::Organization>([&](const v1::Organization& o) {
                 return keep("organization", o);
               }).ok());
  EXPECT_TRUE(s.ForEach<storage::StoredCapability>(
                   [&](const storage::StoredCapability& c) {
                     return profile("capability", c);
                   })
                  .ok());
  EXPECT_TRUE(s.ForEach<storage::StoredNeed>([&](const storage::StoredNeed& n) {
                 return profile("need", n);
               }).ok());
  EXPECT_TRUE(s.ForEach<v1::Tie>([&](const v1::Tie& t) {
                 return keep("tie", t);
               }).ok());
  EXPECT_TRUE(s.ForEach<v1::Outcome>([&](const v1::Outcome& o) {
                 return keep("outcome", o);
               }).ok());
  return out;
}

std::vector<std::string> TieIds(const std::vector<std::string>& serialized) {
  std::vector<std::string> ids;
  for (const std::string& bytes : serialized) {
    v1::Tie tie;
    EXPECT_TRUE(tie.ParseFromString(bytes));
    ids.push_back(tie.id());
  }
  return ids;
}

TEST(WritePathsTest, ImportAndUpsertStoreTheSameRecords) {
  testing::TempDir imported;
  testing::TempDir upserted;
  {
    const DataDir dir{imported.path()};
    auto store = RecordStore::Open(dir.StorePath(), {.sync_writes = false});
    ASSERT_TRUE(store.ok()) << store.status();
    CorpusImporter importer(store->get(), &dir, SyntheticWordVectors());
    int round = 0;
    for (const auto& records : Rounds()) {
      int line = 0;
      for (const v1::Record& r : records) importer.Add("round", ++line, r);
      if (round++ == 0) importer.Add("round", ++line, ReservedTie());
      auto report = importer.Commit();
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_EQ(report->accepted, static_cast<int64_t>(records.size()));
      if (round == 1) {
        ASSERT_EQ(report->rejected.size(), 1u);
        EXPECT_EQ(report->rejected[0].id, "outcome:forged");
        EXPECT_THAT(report->rejected[0].reason,
                    HasSubstr("tie.id: the prefix 'outcome:' is reserved"));
      } else {
        EXPECT_TRUE(report->rejected.empty());
      }
    }
  }
  {
    EngineOptions options;
    options.data_dir = upserted.path();
    options.word_vectors = SyntheticWordVectors();
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    int round = 0;
    for (const auto& records : Rounds()) {
      for (const v1::Record& r : records) {
        auto upserted_one = (*engine)->Upsert(r);
        ASSERT_TRUE(upserted_one.ok()) << upserted_one.status();
      }
      if (round++ == 0) {
        const absl::Status refused = (*engine)->Upsert(ReservedTie()).status();
        EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
        EXPECT_EQ(refused.message(),
                  "record.tie.id: the prefix 'outcome:' is reserved for ties "
                  "made from recorded outcomes; record an outcome instead");
      }
    }
  }
  const auto from_import = StoredRecords(imported.path());
  const auto from_upsert = StoredRecords(upserted.path());
  for (const RecordKindInfo& kind : kRecordKinds) {
    const std::string name(kind.name);
    EXPECT_EQ(from_import.count(name), 1u) << name;
    EXPECT_TRUE(from_import.at(name) == from_upsert.at(name))
        << name << ": the two write paths stored different records";
  }
  // What both stored: the decline took its tie away, the contract kept it.
  EXPECT_THAT(TieIds(from_import.at("tie")),
              ElementsAre("outcome:o-contract", "tie:1", "tie:2"));
  EXPECT_EQ(from_import.at("outcome").size(), 3u);
  EXPECT_EQ(from_import.at("capability").size(), 2u);
}

}  // namespace
}  // namespace helixmatch
