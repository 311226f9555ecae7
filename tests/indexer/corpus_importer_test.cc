#include "indexer/corpus_importer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/data_dir.h"
#include "indexer/record_store.h"
#include "indexer/vector_index.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kOrganizations[] =
    R"({"organization": {"id": "org:uni", "kind": "ORGANIZATION_KIND_UNIVERSITY", "name": "First University", "country": "KZ"}}
{"organization": {"id": "org:firm", "kind": "ORGANIZATION_KIND_FIRM", "name": "Copper Firm", "country": "KZ"
{"organization": {"id": "org:noname", "kind": "ORGANIZATION_KIND_FIRM", "country": "KZ"}}
{"organization": {"id": "org:pub", "kind": "ORGANIZATION_KIND_PUB", "name": "Pub", "country": "KZ"}}
{"organization": {"id": "org:uni", "kind": "ORGANIZATION_KIND_UNIVERSITY", "name": "Duplicate University", "country": "KZ"}}
# a comment
{"organization": {"id": "org:firm", "kind": "ORGANIZATION_KIND_FIRM", "name": "Copper Firm", "country": "KZ"}}

{"organization": {"id": "org:other", "kind": "ORGANIZATION_KIND_RESEARCH_INSTITUTE", "name": "Institute", "country": "DE"}}
)";

constexpr char kCapabilities[] =
    R"({"capability": {"id": "cap:flotation", "organization_id": "org:uni", "title": "Copper flotation and ore grinding", "keywords": ["concentrator", "reagent"]}}
{"capability": {"id": "cap:orphan", "organization_id": "org:missing", "title": "Copper smelter"}}
{"capability": {"id": "cap:oil", "organization_id": "org:other", "title": "Oil pipeline corrosion", "description": "Drilling fluids for offshore wells."}}

{"capability": {"id": "cap:unknown", "organization_id": "org:uni", "title": "Zebra giraffe"}}
)";

constexpr char kNeeds[] =
    R"({"need": {"id": "need:1", "organization_id": "org:firm", "title": "Predictive maintenance of flotation cells at a copper concentrator"}}
{"need": {"id": "need:1", "organization_id": "org:firm", "title": "Duplicate"}}
{"need": {"id": "need:untitled", "organization_id": "org:firm"}}
)";

constexpr char kTies[] =
    R"({"tie": {"id": "tie:1", "organization_a": "org:uni", "organization_b": "org:firm", "channel": "CHANNEL_INTERNSHIP", "year": 2020}}
{"tie": {"id": "tie:dangling", "organization_a": "org:uni", "organization_b": "org:nowhere", "channel": "CHANNEL_INTERNSHIP", "year": 2020}}
{"tie": {"id": "tie:old", "organization_a": "org:uni", "organization_b": "org:firm", "channel": "CHANNEL_INTERNSHIP", "year": 1800}}
)";

double Norm(const std::vector<float>& v) {
  double sum = 0;
  for (float x : v) sum += double{x} * x;
  return std::sqrt(sum);
}

double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0;
  for (size_t i = 0; i < a.size(); ++i) dot += double{a[i]} * b[i];
  return dot;
}

class CorpusImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_.root = dir_.path() + "/data";
    std::filesystem::create_directories(data_dir_.root);
    auto store =
        RecordStore::Open(data_dir_.StorePath(), {.sync_writes = false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  ImportReport ImportFiles(const std::vector<std::string>& paths) {
    CorpusImporter importer(store_.get(), &data_dir_,
                            testing::SyntheticWordVectors());
    for (const std::string& path : paths) {
      const absl::Status status = importer.AddJsonlFile(path);
      EXPECT_TRUE(status.ok()) << status;
    }
    auto report = importer.Commit();
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : ImportReport{};
  }

  ImportReport ImportDefault() {
    orgs_ = WriteFile("organizations.jsonl", kOrganizations);
    caps_ = WriteFile("capabilities.jsonl", kCapabilities);
    needs_ = WriteFile("needs.jsonl", kNeeds);
    ties_ = WriteFile("ties.jsonl", kTies);
    return ImportFiles({orgs_, caps_, needs_, ties_});
  }

  const RejectedRecord* FindRejected(const ImportReport& report,
                                     const std::string& source, int64_t line) {
    for (const auto& r : report.rejected) {
      if (r.source == source && r.line == line) return &r;
    }
    ADD_FAILURE() << "no rejection for " << source << ":" << line;
    return nullptr;
  }

  void ExpectRejected(const ImportReport& report, const std::string& source,
                      int64_t line, const std::string& id,
                      const std::string& reason) {
    const RejectedRecord* r = FindRejected(report, source, line);
    if (r == nullptr) return;
    EXPECT_THAT(r->source, EndsWith(std::filesystem::path(source).filename()));
    EXPECT_EQ(r->id, id) << source << ":" << line;
    EXPECT_THAT(r->reason, HasSubstr(reason)) << source << ":" << line;
  }

  std::vector<float> StoredVector(v1::RecordKind kind, const std::string& id) {
    std::string bytes;
    if (kind == v1::RECORD_KIND_NEED) {
      auto need = store_->GetNeed(id);
      EXPECT_TRUE(need.ok()) << need.status();
      if (need.ok()) bytes = need->vector();
    } else {
      auto cap = store_->GetCapability(id);
      EXPECT_TRUE(cap.ok()) << cap.status();
      if (cap.ok()) bytes = cap->vector();
    }
    auto vector = DecodeVector(bytes, 16);
    EXPECT_TRUE(vector.ok()) << id << ": " << vector.status();
    return vector.ok() ? *vector : std::vector<float>();
  }

  template <class Stored>
  std::vector<std::string> Ids() {
    std::vector<std::string> ids;
    const absl::Status status = store_->ForEach<Stored>([&](Stored stored) {
      if constexpr (std::is_same_v<Stored, storage::StoredCapability> ||
                    std::is_same_v<Stored, storage::StoredNeed>) {
        ids.push_back(stored.record().id());
      } else {
        ids.push_back(stored.id());
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return ids;
  }

  testing::TempDir dir_;
  DataDir data_dir_;
  std::unique_ptr<RecordStore> store_;
  std::string orgs_, caps_, needs_, ties_;
};

TEST_F(CorpusImporterTest, CountsAcceptedRecordsPerKind) {
  const ImportReport report = ImportDefault();
  EXPECT_EQ(report.accepted, 8);
  EXPECT_EQ(report.accepted_by_kind.at("organization"), 3);
  EXPECT_EQ(report.accepted_by_kind.at("capability"), 3);
  EXPECT_EQ(report.accepted_by_kind.at("need"), 1);
  EXPECT_EQ(report.accepted_by_kind.at("tie"), 1);
  EXPECT_EQ(report.rejected.size(), 9u);
}

TEST_F(CorpusImporterTest, RejectionsNameSourceLineAndField) {
  const ImportReport report = ImportDefault();
  ExpectRejected(report, orgs_, 2, "", "malformed");
  ExpectRejected(report, orgs_, 3, "", "organization.name");
  ExpectRejected(report, orgs_, 4, "", "ORGANIZATION_KIND_PUB");
  ExpectRejected(report, orgs_, 5, "org:uni", "organization.id");
  ExpectRejected(report, orgs_, 5, "org:uni", "duplicate");
  ExpectRejected(report, orgs_, 5, "org:uni", orgs_ + ":1");
  ExpectRejected(report, caps_, 2, "cap:orphan", "capability.organization_id");
  ExpectRejected(report, caps_, 2, "cap:orphan", "org:missing");
  ExpectRejected(report, needs_, 2, "need:1", "duplicate");
  ExpectRejected(report, needs_, 3, "", "need.title");
  ExpectRejected(report, ties_, 2, "tie:dangling", "tie.organization_b");
  ExpectRejected(report, ties_, 3, "", "tie.year");
}

TEST_F(CorpusImporterTest, StoreHoldsGoodRecordsOnly) {
  ImportDefault();
  EXPECT_THAT(Ids<v1::Organization>(),
              ElementsAre("org:firm", "org:other", "org:uni"));
  EXPECT_THAT(Ids<storage::StoredCapability>(),
              ElementsAre("cap:flotation", "cap:oil", "cap:unknown"));
  EXPECT_THAT(Ids<storage::StoredNeed>(), ElementsAre("need:1"));
  EXPECT_THAT(Ids<v1::Tie>(), ElementsAre("tie:1"));
  // First occurrence of a duplicate wins.
  EXPECT_EQ(store_->GetOrganization("org:uni")->name(), "First University");
  EXPECT_EQ(store_->GetNeed("need:1")->record().title(),
            "Predictive maintenance of flotation cells at a copper "
            "concentrator");
  EXPECT_EQ(store_->GetCapability("cap:oil")->record().description(),
            "Drilling fluids for offshore wells.");
  for (const char* id : {"org:noname", "org:pub"}) {
    EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_ORGANIZATION, id)) << id;
  }
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_CAPABILITY, "cap:orphan"));
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_NEED, "need:untitled"));
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_TIE, "tie:dangling"));
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_TIE, "tie:old"));
}

TEST_F(CorpusImporterTest, EveryProfileHasAVector) {
  const ImportReport report = ImportDefault();
  EXPECT_EQ(report.embedded_documents, 4);
  EXPECT_EQ(report.documents_without_known_words, 1);
  const auto flotation =
      StoredVector(v1::RECORD_KIND_CAPABILITY, "cap:flotation");
  const auto oil = StoredVector(v1::RECORD_KIND_CAPABILITY, "cap:oil");
  const auto unknown = StoredVector(v1::RECORD_KIND_CAPABILITY, "cap:unknown");
  const auto need = StoredVector(v1::RECORD_KIND_NEED, "need:1");
  ASSERT_EQ(flotation.size(), 16u);
  EXPECT_NEAR(Norm(flotation), 1.0, 1e-5);
  EXPECT_NEAR(Norm(oil), 1.0, 1e-5);
  EXPECT_NEAR(Norm(need), 1.0, 1e-5);
  EXPECT_EQ(Norm(unknown), 0.0);
  EXPECT_GT(Dot(need, flotation), Dot(need, oil) + 0.3);
}

TEST_F(CorpusImporterTest, StoresTheModel) {
  const ImportReport report = ImportDefault();
  auto model = store_->GetModel();
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_TRUE(model->has_value());
  EXPECT_EQ((*model)->kind(), "glove-idf");
  EXPECT_EQ((*model)->word_vectors(),
            testing::SyntheticWordVectors()->identity());
  EXPECT_EQ((*model)->dimension(), 16);
  EXPECT_EQ((*model)->documents(), 4);
  EXPECT_GT((*model)->idf_size(), 5);
  EXPECT_THAT(report.model_identity, HasSubstr("glove-idf"));
  EXPECT_THAT(report.model_identity,
              HasSubstr(testing::SyntheticWordVectors()->identity()));
}

TEST_F(CorpusImporterTest, WritesLoadableIndexes) {
  const ImportReport report = ImportDefault();
  EXPECT_THAT(report.capability_index, HasSubstr("3 slots"));
  EXPECT_THAT(report.need_index, HasSubstr("1 slots"));
  for (v1::RecordKind kind :
       {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    const std::string path = data_dir_.IndexPath(kind);
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    VectorIndexFileInfo info;
    auto index = VectorIndex::Load(path, 16, &info);
    ASSERT_TRUE(index.ok()) << index.status();
    EXPECT_EQ(info.slot_ids, kind == v1::RECORD_KIND_NEED
                                 ? Ids<storage::StoredNeed>()
                                 : Ids<storage::StoredCapability>());
    EXPECT_EQ((*index)->slots(), static_cast<int64_t>(info.slot_ids.size()));
    EXPECT_EQ(info.store_sequence, store_->LatestSequence());
    for (size_t slot = 0; slot < info.slot_ids.size(); ++slot) {
      const auto stored = StoredVector(kind, info.slot_ids[slot]);
      const auto indexed = (*index)->Vector(static_cast<int64_t>(slot));
      ASSERT_EQ(indexed.size(), stored.size());
      EXPECT_TRUE(std::equal(stored.begin(), stored.end(), indexed.begin()))
          << info.slot_ids[slot];
    }
  }
  EXPECT_NE(data_dir_.IndexPath(v1::RECORD_KIND_CAPABILITY),
            data_dir_.IndexPath(v1::RECORD_KIND_NEED));

  VectorIndexFileInfo info;
  auto capabilities = VectorIndex::Load(
      data_dir_.IndexPath(v1::RECORD_KIND_CAPABILITY), 16, &info);
  ASSERT_TRUE(capabilities.ok());
  auto hits =
      (*capabilities)->Search(StoredVector(v1::RECORD_KIND_NEED, "need:1"), 1);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(info.slot_ids[(*hits)[0].slot], "cap:flotation");
}

TEST_F(CorpusImporterTest, SecondImportKeepsTheFirst) {
  ImportDefault();
  const std::string more = WriteFile(
      "more.jsonl",
      R"({"capability": {"id": "cap:new", "organization_id": "org:firm", "title": "Wheat drought irrigation"}}
{"tie": {"id": "tie:2", "organization_a": "org:other", "organization_b": "org:firm", "channel": "CHANNEL_TESTING", "year": 2021}}
)");
  const ImportReport report = ImportFiles({more});
  EXPECT_EQ(report.accepted, 2);
  EXPECT_THAT(report.rejected, IsEmpty());
  EXPECT_EQ(report.embedded_documents, 5);
  EXPECT_THAT(Ids<v1::Organization>(),
              ElementsAre("org:firm", "org:other", "org:uni"));
  EXPECT_THAT(
      Ids<storage::StoredCapability>(),
      ElementsAre("cap:flotation", "cap:new", "cap:oil", "cap:unknown"));
  EXPECT_THAT(Ids<storage::StoredNeed>(), ElementsAre("need:1"));
  EXPECT_THAT(Ids<v1::Tie>(), ElementsAre("tie:1", "tie:2"));
  EXPECT_EQ(StoredVector(v1::RECORD_KIND_CAPABILITY, "cap:new").size(), 16u);
  EXPECT_EQ((*store_->GetModel())->documents(), 5);
  VectorIndexFileInfo info;
  auto index = VectorIndex::Load(
      data_dir_.IndexPath(v1::RECORD_KIND_CAPABILITY), 16, &info);
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_THAT(info.slot_ids, ElementsAre("cap:flotation", "cap:new", "cap:oil",
                                         "cap:unknown"));
}

TEST_F(CorpusImporterTest, ReferencesMayPointToLaterRecordsOfTheImport) {
  const std::string ties = WriteFile("t.jsonl", kTies);
  const std::string orgs = WriteFile("o.jsonl", kOrganizations);
  const ImportReport report = ImportFiles({ties, orgs});
  EXPECT_EQ(report.accepted_by_kind.at("tie"), 1);
  EXPECT_EQ(report.accepted_by_kind.at("organization"), 3);
  EXPECT_TRUE(*store_->Exists(v1::RECORD_KIND_TIE, "tie:1"));
  ExpectRejected(report, ties, 2, "tie:dangling", "org:nowhere");
}

TEST_F(CorpusImporterTest, ReimportOverwritesInPlace) {
  ImportDefault();
  const std::string changed = WriteFile(
      "changed.jsonl",
      R"({"capability": {"id": "cap:oil", "organization_id": "org:other", "title": "Solar grid battery storage"}}
)");
  const ImportReport report = ImportFiles({changed});
  EXPECT_EQ(report.accepted, 1);
  EXPECT_EQ(store_->GetCapability("cap:oil")->record().title(),
            "Solar grid battery storage");
  EXPECT_EQ(Ids<storage::StoredCapability>().size(), 3u);
}

TEST_F(CorpusImporterTest, AddAndRejectDirectly) {
  CorpusImporter importer(store_.get(), &data_dir_,
                          testing::SyntheticWordVectors());
  v1::Record org;
  *org.mutable_organization() =
      testing::MakeOrganization("org:a", v1::ORGANIZATION_KIND_FIRM);
  importer.Add("api", 0, org);
  v1::Record cap;
  *cap.mutable_capability() =
      testing::MakeCapability("cap:a", "org:a", "Copper ore");
  importer.Add("api", 0, cap);
  importer.Reject("upload.csv", 7, "cap:b", "capability.title: is required");
  auto report = importer.Commit();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->accepted, 2);
  ASSERT_EQ(report->rejected.size(), 1u);
  EXPECT_EQ(report->rejected[0].source, "upload.csv");
  EXPECT_EQ(report->rejected[0].line, 7);
  EXPECT_EQ(report->rejected[0].id, "cap:b");
  EXPECT_TRUE(*store_->Exists(v1::RECORD_KIND_CAPABILITY, "cap:a"));
  // The importer starts afresh after a commit.
  auto empty = importer.Commit();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->accepted, 0);
  EXPECT_THAT(empty->rejected, IsEmpty());
}

TEST_F(CorpusImporterTest, MissingFileIsNotFound) {
  CorpusImporter importer(store_.get(), &data_dir_,
                          testing::SyntheticWordVectors());
  const std::string path = dir_.path() + "/absent.jsonl";
  const absl::Status status = importer.AddJsonlFile(path);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr(path));
  auto report = importer.Commit();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->accepted, 0);
  EXPECT_THAT(report->rejected, IsEmpty());
}

TEST_F(CorpusImporterTest, AnEngagementOutcomeBringsItsTie) {
  ImportDefault();
  const std::string outcomes = WriteFile(
      "outcomes.jsonl",
      R"({"outcome": {"id": "o-1", "offered_by": "org:uni", "offered_to": "org:firm", "kind": "OUTCOME_KIND_CONTRACT_SIGNED", "year": 2025}}
{"outcome": {"id": "o-2", "offered_by": "org:uni", "offered_to": "org:firm", "kind": "OUTCOME_KIND_CONTACTED", "year": 2025}}
)");
  const ImportReport report = ImportFiles({outcomes});
  EXPECT_THAT(report.rejected, IsEmpty());
  EXPECT_EQ(report.accepted_by_kind.at("outcome"), 2);
  EXPECT_THAT(Ids<v1::Outcome>(), ElementsAre("o-1", "o-2"));
  EXPECT_THAT(Ids<v1::Tie>(), ElementsAre("outcome:o-1", "tie:1"));
  EXPECT_EQ(store_->GetTie("outcome:o-1")->channel(),
            v1::CHANNEL_CONTRACT_RESEARCH);
}

// An outcome imported again as one that is no engagement (here a decline)
// takes away the tie its earlier version made.
TEST_F(CorpusImporterTest, AReimportedOutcomeDeletesItsStaleTie) {
  ImportDefault();
  ImportFiles({WriteFile(
      "signed.jsonl",
      R"({"outcome": {"id": "o-1", "offered_by": "org:uni", "offered_to": "org:firm", "kind": "OUTCOME_KIND_MEETING_HELD", "year": 2024}}
)")});
  ASSERT_TRUE(*store_->Exists(v1::RECORD_KIND_TIE, "outcome:o-1"));
  const ImportReport report = ImportFiles({WriteFile(
      "declined.jsonl",
      R"({"outcome": {"id": "o-1", "offered_by": "org:uni", "offered_to": "org:firm", "kind": "OUTCOME_KIND_DECLINED", "decline_reason": "DECLINE_REASON_NO_BUDGET", "year": 2025}}
)")});
  EXPECT_THAT(report.rejected, IsEmpty());
  EXPECT_EQ(store_->GetOutcome("o-1")->kind(), v1::OUTCOME_KIND_DECLINED);
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_TIE, "outcome:o-1"));
  EXPECT_THAT(Ids<v1::Tie>(), ElementsAre("tie:1"));
}

TEST_F(CorpusImporterTest, RefusesTheReservedTieIdPrefix) {
  ImportDefault();
  const std::string ties = WriteFile(
      "reserved.jsonl",
      R"({"tie": {"id": "outcome:o-9", "organization_a": "org:uni", "organization_b": "org:firm", "channel": "CHANNEL_INTERNSHIP", "year": 2021}}
{"tie": {"id": "tie:ok", "organization_a": "org:uni", "organization_b": "org:firm", "channel": "CHANNEL_INTERNSHIP", "year": 2021}}
)");
  const ImportReport report = ImportFiles({ties});
  EXPECT_EQ(report.accepted, 1);
  ASSERT_EQ(report.rejected.size(), 1u);
  ExpectRejected(report, ties, 1, "outcome:o-9",
                 "tie.id: the prefix 'outcome:' is reserved for ties made "
                 "from recorded outcomes; record an outcome instead");
  EXPECT_EQ(report.rejected[0].reason,
            "tie.id: the prefix 'outcome:' is reserved for ties made from "
            "recorded outcomes; record an outcome instead");
  EXPECT_FALSE(*store_->Exists(v1::RECORD_KIND_TIE, "outcome:o-9"));
  EXPECT_TRUE(*store_->Exists(v1::RECORD_KIND_TIE, "tie:ok"));
}

TEST_F(CorpusImporterTest, ChecksRecordsAddedDirectly) {
  CorpusImporter importer(store_.get(), &data_dir_,
                          testing::SyntheticWordVectors());
  v1::Record org;
  *org.mutable_organization() =
      testing::MakeOrganization("org:a", v1::ORGANIZATION_KIND_FIRM);
  org.mutable_organization()->set_country("kz");
  importer.Add("api", 3, org);
  importer.Add("api", 4, v1::Record());
  auto report = importer.Commit();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->accepted, 0);
  ASSERT_EQ(report->rejected.size(), 2u);
  EXPECT_EQ(report->rejected[0].id, "org:a");
  EXPECT_THAT(report->rejected[0].reason, HasSubstr("organization.country"));
  EXPECT_THAT(report->rejected[1].reason, HasSubstr("exactly one of"));
}

TEST_F(CorpusImporterTest, ImportsTheDemoCorpusWithoutRejections) {
  const ImportReport report = ImportFiles(
      {testing::DemoFile("organizations.jsonl"),
       testing::DemoFile("capabilities.jsonl"),
       testing::DemoFile("needs.jsonl"), testing::DemoFile("ties.jsonl")});
  for (const auto& r : report.rejected) {
    ADD_FAILURE() << r.source << ":" << r.line << ": " << r.reason;
  }
  EXPECT_GT(report.accepted_by_kind.at("organization"), 0);
  EXPECT_GT(report.accepted_by_kind.at("capability"), 0);
  EXPECT_GT(report.accepted_by_kind.at("need"), 0);
  EXPECT_GT(report.accepted_by_kind.at("tie"), 0);
  EXPECT_EQ(report.embedded_documents,
            report.accepted_by_kind.at("capability") +
                report.accepted_by_kind.at("need"));
}

}  // namespace
}  // namespace helixmatch
