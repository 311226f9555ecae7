#include "indexer/cordis_importer.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/record_store.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;

// A small export in the format of the public CORDIS tables.
class CordisImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write("organizations.csv",
          "pic,type,country,name\n"
          "100,HES,DE,Uni Alpha\n"
          "101,HES,FR,\n"  // name not published
          "200,PRC,DE,\"Firm, Beta\"\n"
          "300,REC,IT,Institute Gamma\n"
          "400,PUB,ES,Agency\n"
          "500,HES,de,Lower-case country\n"  // invalid country
          "broken,row\n");
    Write("projects.csv",
          "rcn,project_id,map_confidence,start_year,end_year,programme_part,"
          "acronym,title,topic_code,topic_title,theme,type_of_action\n"
          "1,11,A,2016,2018,SC5,COPPER,Copper flotation sensors,T1,"
          "\"Raw materials, mining\",t,RIA\n"
          "2,,,2017,2020,SC3,,,,,,\n"  // unmapped: no title
          "3,33,A,2019,2021,SC1,LATE,Late project,T3,Health,t,RIA\n"
          "4,44,B,abc,2020,SC1,BAD,Bad year,T4,x,t,RIA\n");
    Write("participations.csv",
          "rcn,pic,role\n"
          "1,100,coordinator\n"
          "1,200,participant\n"
          "1,300,participant\n"
          "1,400,participant\n"
          "1,999,participant\n"  // unknown organization
          "1,100,participant\n"  // duplicate
          "2,101,coordinator\n"
          "2,200,participant\n"
          "3,100,coordinator\n"
          "3,200,participant\n"
          "77,100,participant\n");  // unknown project
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.path() + "/" + name) << text;
  }

  absl::StatusOr<CordisReport> Import(int until_year) {
    importer_.reset();
    store_.reset();  // releases the RocksDB lock of an earlier import
    data_ = DataDir{dir_.path() + "/db"};
    std::filesystem::create_directories(data_.root);
    RecordStoreOptions options;
    options.sync_writes = false;
    auto store = RecordStore::Open(data_.StorePath(), options);
    if (!store.ok()) return store.status();
    store_ = std::move(*store);
    importer_ = std::make_unique<CorpusImporter>(
        store_.get(), &data_, testing::SyntheticWordVectors());
    CordisImportOptions cordis;
    cordis.until_year = until_year;
    auto report = QueueCordisExport(dir_.path(), cordis, importer_.get());
    if (!report.ok()) return report.status();
    auto committed = importer_->Commit();
    if (!committed.ok()) return committed.status();
    import_report_ = *committed;
    return report;
  }

  testing::TempDir dir_;
  DataDir data_;
  std::unique_ptr<RecordStore> store_;
  std::unique_ptr<CorpusImporter> importer_;
  ImportReport import_report_;
};

TEST_F(CordisImporterTest, BuildsOrganizationsProfilesAndTies) {
  auto report = Import(2018);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->organizations, 5);
  EXPECT_EQ(report->organizations_without_name, 1);
  EXPECT_EQ(report->projects, 2);      // 1 and 2; 3 is after 2018, 4 is bad
  EXPECT_EQ(report->capabilities, 2);  // 100 and 300 in project 1
  // Project 1: firm-research pairs (100-200, 200-300) and research pairs
  // (100-300); the public body gets none. Project 2: 101-200.
  EXPECT_EQ(report->ties, 4);
  EXPECT_EQ(report->skipped.at("project after --until-year"), 1);
  EXPECT_EQ(report->skipped.at("participation in a project after --until-year"),
            2);
  EXPECT_EQ(report->skipped.at("participation in an unknown project"), 1);
  EXPECT_EQ(report->skipped.at("participation of unknown organization"), 1);
  EXPECT_EQ(report->skipped.at("duplicate participation"), 1);
  EXPECT_EQ(report->skipped.at(
                "research participation in a project without title (unmapped)"),
            1);
  EXPECT_EQ(report->skipped.at("invalid organization"), 1);
  EXPECT_EQ(report->skipped.at("malformed row"), 2);
  ASSERT_EQ(report->bad_rows.size(), 2u);
  EXPECT_THAT(report->bad_rows[0], HasSubstr("organizations.csv:8"));
  EXPECT_THAT(report->bad_rows[1], HasSubstr("start_year 'abc'"));

  auto firm = store_->GetOrganization("pic:200");
  ASSERT_TRUE(firm.ok());
  EXPECT_EQ(firm->name(), "Firm, Beta");
  EXPECT_EQ(firm->kind(), v1::ORGANIZATION_KIND_FIRM);
  auto unnamed = store_->GetOrganization("pic:101");
  ASSERT_TRUE(unnamed.ok());
  EXPECT_THAT(unnamed->name(), HasSubstr("name not published"));
  auto cap = store_->GetCapability("cap:100:1");
  ASSERT_TRUE(cap.ok());
  EXPECT_EQ(cap->record().title(), "Copper flotation sensors");
  EXPECT_EQ(cap->record().description(), "Raw materials, mining");
  EXPECT_EQ(cap->record().reference(), "project COPPER (2016)");
  EXPECT_EQ(cap->record().year(), 2016);
  auto tie = store_->GetTie("tie:1:100:200");
  ASSERT_TRUE(tie.ok());
  EXPECT_EQ(tie->year(), 2016);
  EXPECT_EQ(tie->outcome(), v1::TIE_OUTCOME_COMPLETED);  // ended 2018
  EXPECT_THAT(tie->reference(), HasSubstr("COPPER"));
  EXPECT_EQ(store_->GetTie("tie:2:101:200")->outcome(),
            v1::TIE_OUTCOME_ONGOING);  // ends 2020, after the split
  EXPECT_FALSE(store_->GetTie("tie:1:200:400").ok());
  EXPECT_FALSE(store_->GetCapability("cap:100:3").ok());
  EXPECT_FALSE(store_->GetOrganization("pic:500").ok());
  EXPECT_EQ(import_report_.rejected.size(), 1u);  // the invalid country
  EXPECT_THAT(import_report_.rejected[0].reason,
              HasSubstr("organization.country"));
}

TEST_F(CordisImporterTest, WithoutUntilYearEveryYearCounts) {
  auto report = Import(0);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->projects, 3);
  EXPECT_EQ(report->capabilities, 3);  // cap:100:3 too
  EXPECT_TRUE(store_->GetCapability("cap:100:3").ok());
  EXPECT_EQ(store_->GetTie("tie:1:100:200")->outcome(),
            v1::TIE_OUTCOME_ONGOING);  // no split year: nothing "finished"
}

TEST_F(CordisImporterTest, MissingFileOrColumnIsAPreciseError) {
  std::filesystem::remove(dir_.path() + "/participations.csv");
  auto report = Import(2018);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(report.status().message(), HasSubstr("participations.csv"));

  Write("participations.csv", "rcn,role\n1,coordinator\n");
  report = Import(2018);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("'pic'"));
}

}  // namespace
}  // namespace helixmatch
