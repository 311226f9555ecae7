#include "services/catalog/catalog.h"

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/catalog/funding_call.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeCapability;
using testing::MakeNeed;
using testing::MakeOrganization;
using testing::MakeTie;

constexpr int kDimension = 4;

std::unique_ptr<VectorIndex> EmptyIndex() {
  auto index = VectorIndex::Create(kDimension, 0);
  EXPECT_TRUE(index.ok()) << index.status();
  return std::move(*index);
}

std::vector<float> Unit(int axis) {
  std::vector<float> v(kDimension, 0.0f);
  v[axis % kDimension] = 1.0f;
  return v;
}

v1::Organization Firm(const std::string& id, const std::string& region) {
  v1::Organization org = MakeOrganization(id, v1::ORGANIZATION_KIND_FIRM);
  org.set_region(region);
  return org;
}

class CatalogTest : public ::testing::Test {
 protected:
  CatalogTest() : catalog_(EmptyIndex(), EmptyIndex()) {
    catalog_.PutOrganization(
        MakeOrganization("u1", v1::ORGANIZATION_KIND_UNIVERSITY));
    catalog_.PutOrganization(
        MakeOrganization("u2", v1::ORGANIZATION_KIND_UNIVERSITY));
    catalog_.PutOrganization(Firm("f1", "Karaganda Region"));
  }

  uint32_t Term(const std::string& word) const {
    return catalog_.terms().Find(word);
  }
  uint32_t Org(const std::string& id) const {
    return catalog_.OrganizationIndex(id);
  }

  Catalog catalog_;
};

TEST_F(CatalogTest, OrganizationsAreCountedAndReplacedInPlace) {
  EXPECT_EQ(catalog_.live_organizations(), 3);
  const uint32_t u1 = Org("u1");
  ASSERT_NE(u1, kNoIndex);
  EXPECT_EQ(Org("missing"), kNoIndex);
  v1::Organization renamed =
      MakeOrganization("u1", v1::ORGANIZATION_KIND_UNIVERSITY);
  renamed.set_name("Renamed");
  catalog_.PutOrganization(renamed);
  EXPECT_EQ(catalog_.live_organizations(), 3);
  EXPECT_EQ(Org("u1"), u1);
  EXPECT_EQ(catalog_.organization(u1).record->name(), "Renamed");
  EXPECT_EQ(catalog_.organizations().size(), 3u);
}

TEST_F(CatalogTest, FirmsInRegionCountsLiveFirmsOnly) {
  EXPECT_EQ(catalog_.FirmsInRegion("Karaganda Region"), 1);
  catalog_.PutOrganization(Firm("f2", "Karaganda Region"));
  v1::Organization uni =
      MakeOrganization("u3", v1::ORGANIZATION_KIND_UNIVERSITY);
  uni.set_region("Karaganda Region");
  catalog_.PutOrganization(uni);
  EXPECT_EQ(catalog_.FirmsInRegion("Karaganda Region"), 2);
  EXPECT_EQ(catalog_.FirmsInRegion("Atyrau Region"), 0);
  EXPECT_EQ(catalog_.FirmsInRegion(""), 0);

  catalog_.PutOrganization(Firm("f2", "Atyrau Region"));
  EXPECT_EQ(catalog_.FirmsInRegion("Karaganda Region"), 1);
  EXPECT_EQ(catalog_.FirmsInRegion("Atyrau Region"), 1);

  catalog_.PutOrganization(Firm("f2", "Atyrau Region"));
  EXPECT_EQ(catalog_.FirmsInRegion("Atyrau Region"), 1);

  ASSERT_TRUE(catalog_.RemoveOrganization("f2").ok());
  EXPECT_EQ(catalog_.FirmsInRegion("Atyrau Region"), 0);
  catalog_.PutOrganization(Firm("f2", "Atyrau Region"));
  EXPECT_EQ(catalog_.FirmsInRegion("Atyrau Region"), 1);

  v1::Organization became_university =
      MakeOrganization("f1", v1::ORGANIZATION_KIND_UNIVERSITY);
  became_university.set_region("Karaganda Region");
  catalog_.PutOrganization(became_university);
  EXPECT_EQ(catalog_.FirmsInRegion("Karaganda Region"), 0);
}

TEST_F(CatalogTest, PutCapabilityIndexesItEverywhere) {
  ASSERT_TRUE(
      catalog_
          .PutCapability(
              MakeCapability("c1", "u1", "Copper flotation concentrator"),
              Unit(0))
          .ok());
  const ProfileSet& caps = catalog_.capabilities();
  EXPECT_EQ(caps.live(), 1);
  EXPECT_EQ(caps.index().slots(), 1);
  ASSERT_EQ(caps.SlotOf("c1"), 0u);
  EXPECT_EQ(caps.SlotOf("c2"), kNoIndex);
  const ProfileEntry& e = caps.entry(0);
  EXPECT_EQ(e.id, "c1");
  EXPECT_TRUE(e.live);
  EXPECT_EQ(e.organization, Org("u1"));
  ASSERT_NE(e.capability, nullptr);
  EXPECT_EQ(e.need, nullptr);
  EXPECT_EQ(e.title(), "Copper flotation concentrator");
  EXPECT_EQ(e.length, 3u);
  EXPECT_THAT(catalog_.organization(Org("u1")).capabilities, ElementsAre(0u));
  EXPECT_THAT(catalog_.organization(Org("u2")).capabilities, IsEmpty());
  EXPECT_EQ(catalog_.needs().live(), 0);

  const uint32_t flotation = Term("flotation");
  ASSERT_NE(flotation, kNoIndex);
  EXPECT_EQ(catalog_.terms().Term(flotation), "flotation");
  EXPECT_EQ(caps.DocumentFrequency(flotation), 1u);
  ASSERT_EQ(caps.Postings(flotation).size(), 1u);
  EXPECT_EQ(caps.Postings(flotation)[0].slot, 0u);
  EXPECT_EQ(caps.Postings(flotation)[0].count, 1u);
  EXPECT_EQ(catalog_.needs().DocumentFrequency(flotation), 0u);
  EXPECT_EQ(Term("pipeline"), kNoIndex);
  EXPECT_EQ(caps.DocumentFrequency(12345), 0u);
  EXPECT_THAT(caps.Postings(12345), IsEmpty());
}

TEST_F(CatalogTest, TermCountsAndAverageLength) {
  auto c1 = MakeCapability("c1", "u1", "ore ore ore flotation");
  auto c2 = MakeCapability("c2", "u2", "ore grinding");
  ASSERT_TRUE(catalog_.PutCapability(c1, Unit(0)).ok());
  ASSERT_TRUE(catalog_.PutCapability(c2, Unit(1)).ok());
  const ProfileSet& caps = catalog_.capabilities();
  EXPECT_DOUBLE_EQ(caps.average_length(), 3.0);
  const uint32_t ore = Term("ore");
  EXPECT_EQ(caps.DocumentFrequency(ore), 2u);
  uint32_t count_in_c1 = 0;
  for (const Posting& p : caps.Postings(ore)) {
    if (p.slot == caps.SlotOf("c1")) count_in_c1 = p.count;
  }
  EXPECT_EQ(count_in_c1, 3u);
  const auto& terms = caps.entry(caps.SlotOf("c1")).terms;
  for (size_t i = 1; i < terms.size(); ++i) {
    EXPECT_LT(terms[i - 1].term, terms[i].term);
  }
}

TEST_F(CatalogTest, ReplacingAProfileKillsTheOldSlotAndKeepsOneLive) {
  ASSERT_TRUE(catalog_
                  .PutCapability(MakeCapability("c1", "u1", "copper flotation"),
                                 Unit(0))
                  .ok());
  ASSERT_TRUE(catalog_
                  .PutCapability(
                      MakeCapability("c1", "u2", "pipeline corrosion"), Unit(1))
                  .ok());
  const ProfileSet& caps = catalog_.capabilities();
  EXPECT_EQ(caps.live(), 1);
  EXPECT_EQ(caps.index().slots(), 2);
  ASSERT_EQ(caps.entries().size(), 2u);
  EXPECT_FALSE(caps.entry(0).live);
  EXPECT_TRUE(caps.entry(1).live);
  EXPECT_EQ(caps.SlotOf("c1"), 1u);
  EXPECT_THAT(caps.SlotIds(), ElementsAre("", "c1"));
  EXPECT_THAT(catalog_.organization(Org("u1")).capabilities, IsEmpty());
  EXPECT_THAT(catalog_.organization(Org("u2")).capabilities, ElementsAre(1u));
  EXPECT_EQ(caps.DocumentFrequency(Term("flotation")), 0u);
  EXPECT_EQ(caps.DocumentFrequency(Term("corrosion")), 1u);
  EXPECT_DOUBLE_EQ(caps.average_length(), 2.0);
}

TEST_F(CatalogTest, PutCapabilityForUnknownOrganizationChangesNothing) {
  const absl::Status s = catalog_.PutCapability(
      MakeCapability("c1", "nobody", "copper flotation"), Unit(0));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("capability.organization_id"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("nobody"));
  EXPECT_EQ(catalog_.capabilities().live(), 0);
  EXPECT_EQ(catalog_.capabilities().index().slots(), 0);
  EXPECT_EQ(catalog_.capabilities().SlotOf("c1"), kNoIndex);
}

TEST_F(CatalogTest, FailedReplacementKeepsTheExistingProfile) {
  ASSERT_TRUE(catalog_
                  .PutCapability(MakeCapability("c1", "u1", "copper flotation"),
                                 Unit(0))
                  .ok());
  EXPECT_FALSE(
      catalog_.PutCapability(MakeCapability("c1", "nobody", "ore"), Unit(1))
          .ok());
  EXPECT_EQ(catalog_.capabilities().SlotOf("c1"), 0u);
  EXPECT_EQ(catalog_.capabilities().live(), 1);
}

TEST_F(CatalogTest, PutManyLeavesWhatPutOneByOneLeaves) {
  ASSERT_TRUE(
      catalog_.PutCapability(MakeCapability("c0", "u1", "old ore"), Unit(3))
          .ok());
  std::vector<v1::Record> records(6);
  *records[0].mutable_capability() =
      MakeCapability("c1", "u1", "copper flotation");
  *records[1].mutable_need() = MakeNeed("n1", "f1", "flotation cells");
  *records[2].mutable_tie() = MakeTie("t1", "u1", "f1", 2020);
  *records[3].mutable_capability() =
      MakeCapability("c2", "u2", "pipeline corrosion");
  // Replaced within the batch, and a profile stored before it.
  *records[4].mutable_capability() = MakeCapability("c1", "u2", "grinding");
  *records[5].mutable_capability() = MakeCapability("c0", "u2", "new ore");
  const std::vector<std::vector<float>> vectors{Unit(0), Unit(1), {},
                                                Unit(2), Unit(3), Unit(1)};

  Catalog one_by_one(EmptyIndex(), EmptyIndex());
  one_by_one.PutOrganization(
      MakeOrganization("u1", v1::ORGANIZATION_KIND_UNIVERSITY));
  one_by_one.PutOrganization(
      MakeOrganization("u2", v1::ORGANIZATION_KIND_UNIVERSITY));
  one_by_one.PutOrganization(Firm("f1", "Karaganda Region"));
  ASSERT_TRUE(
      one_by_one.PutCapability(MakeCapability("c0", "u1", "old ore"), Unit(3))
          .ok());
  std::vector<const v1::Record*> pointers;
  std::vector<std::span<const float>> spans;
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_TRUE(one_by_one.Put(records[i], vectors[i]).ok()) << i;
    pointers.push_back(&records[i]);
    spans.emplace_back(vectors[i]);
  }
  ASSERT_TRUE(catalog_.PutMany(pointers, spans).ok());

  for (const v1::RecordKind kind :
       {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    const ProfileSet& got = catalog_.profiles(kind);
    const ProfileSet& want = one_by_one.profiles(kind);
    EXPECT_EQ(got.SlotIds(), want.SlotIds()) << kind;
    EXPECT_EQ(got.live(), want.live()) << kind;
    ASSERT_EQ(got.index().slots(), want.index().slots()) << kind;
    for (int64_t slot = 0; slot < got.index().slots(); ++slot) {
      const auto a = got.index().Vector(slot);
      const auto b = want.index().Vector(slot);
      EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()))
          << kind << " slot " << slot;
    }
  }
  EXPECT_THAT(catalog_.capabilities().SlotIds(),
              ElementsAre("", "", "c2", "c1", "c0"));
  for (const char* org : {"u1", "u2", "f1"}) {
    EXPECT_EQ(
        catalog_.organization(Org(org)).capabilities,
        one_by_one.organization(one_by_one.OrganizationIndex(org)).capabilities)
        << org;
    EXPECT_EQ(catalog_.organization(Org(org)).needs,
              one_by_one.organization(one_by_one.OrganizationIndex(org)).needs)
        << org;
  }
  EXPECT_TRUE(catalog_.Contains(v1::RECORD_KIND_TIE, "t1"));
  EXPECT_EQ(catalog_.capabilities().DocumentFrequency(Term("grinding")), 1u);
  EXPECT_EQ(catalog_.capabilities().DocumentFrequency(Term("copper")), 0u);
}

TEST_F(CatalogTest, PutManyWithAnUnknownOrganizationChangesNothing) {
  std::vector<v1::Record> records(2);
  *records[0].mutable_capability() =
      MakeCapability("c1", "u1", "copper flotation");
  *records[1].mutable_capability() = MakeCapability("c2", "nobody", "ore");
  const std::vector<float> a = Unit(0), b = Unit(1);
  const std::vector<const v1::Record*> pointers{&records[0], &records[1]};
  const std::vector<std::span<const float>> spans{a, b};
  const absl::Status s = catalog_.PutMany(pointers, spans);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("nobody"));
  EXPECT_EQ(catalog_.capabilities().live(), 0);
  EXPECT_EQ(catalog_.capabilities().index().slots(), 0);
  EXPECT_EQ(catalog_.capabilities().SlotOf("c1"), kNoIndex);
}

TEST_F(CatalogTest, RemoveProfile) {
  ASSERT_TRUE(catalog_
                  .PutCapability(MakeCapability("c1", "u1", "copper flotation"),
                                 Unit(0))
                  .ok());
  ASSERT_TRUE(
      catalog_
          .PutCapability(MakeCapability("c2", "u1", "copper smelter"), Unit(1))
          .ok());
  EXPECT_EQ(catalog_.capabilities().DocumentFrequency(Term("copper")), 2u);
  EXPECT_FALSE(catalog_.RemoveProfile(v1::RECORD_KIND_CAPABILITY, "nope"));
  EXPECT_FALSE(catalog_.RemoveProfile(v1::RECORD_KIND_NEED, "c1"));
  EXPECT_TRUE(catalog_.RemoveProfile(v1::RECORD_KIND_CAPABILITY, "c1"));
  EXPECT_FALSE(catalog_.RemoveProfile(v1::RECORD_KIND_CAPABILITY, "c1"));
  const ProfileSet& caps = catalog_.capabilities();
  EXPECT_EQ(caps.live(), 1);
  EXPECT_EQ(caps.SlotOf("c1"), kNoIndex);
  EXPECT_FALSE(caps.entry(0).live);
  EXPECT_THAT(catalog_.organization(Org("u1")).capabilities, ElementsAre(1u));
  EXPECT_EQ(caps.DocumentFrequency(Term("copper")), 1u);
  EXPECT_EQ(caps.DocumentFrequency(Term("flotation")), 0u);
  EXPECT_THAT(caps.SlotIds(), ElementsAre("", "c2"));
}

TEST_F(CatalogTest, NeedsLiveInTheirOwnSet) {
  v1::FirmNeed need = MakeNeed("n1", "f1", "flotation cells");
  need.mutable_trl_wanted()->set_min(4);
  need.mutable_trl_wanted()->set_max(6);
  ASSERT_TRUE(catalog_.PutNeed(need, Unit(2)).ok());
  ASSERT_TRUE(
      catalog_.PutCapability(MakeCapability("n1", "u1", "flotation"), Unit(0))
          .ok());
  EXPECT_EQ(catalog_.needs().live(), 1);
  EXPECT_EQ(catalog_.capabilities().live(), 1);
  const uint32_t slot = catalog_.needs().SlotOf("n1");
  ASSERT_EQ(slot, 0u);
  const ProfileEntry& e = catalog_.needs().entry(slot);
  ASSERT_NE(e.need, nullptr);
  EXPECT_EQ(e.trl_min(), 4);
  EXPECT_EQ(e.trl_max(), 6);
  EXPECT_THAT(catalog_.organization(Org("f1")).needs, ElementsAre(0u));
  EXPECT_EQ(&catalog_.profiles(v1::RECORD_KIND_NEED), &catalog_.needs());
  EXPECT_EQ(&catalog_.profiles(v1::RECORD_KIND_CAPABILITY),
            &catalog_.capabilities());
  EXPECT_EQ(catalog_.needs().DocumentFrequency(Term("cells")), 1u);
  EXPECT_EQ(catalog_.capabilities().DocumentFrequency(Term("cells")), 0u);

  const absl::Status missing =
      catalog_.PutNeed(MakeNeed("n2", "ghost", "ore"), Unit(0));
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(missing.message()),
              HasSubstr("need.organization_id"));
  EXPECT_TRUE(catalog_.RemoveProfile(v1::RECORD_KIND_NEED, "n1"));
  EXPECT_EQ(catalog_.needs().live(), 0);
  EXPECT_EQ(catalog_.capabilities().live(), 1);
  EXPECT_THAT(catalog_.organization(Org("f1")).needs, IsEmpty());
}

TEST_F(CatalogTest, TiesAttachToBothOrganizations) {
  catalog_.PutTie(MakeTie("t1", "u1", "f1", 2024));
  catalog_.PutTie(MakeTie("t2", "u2", "f1", 2023));
  EXPECT_EQ(catalog_.live_ties(), 2);
  const uint32_t t1 = catalog_.TieIndex("t1");
  ASSERT_NE(t1, kNoIndex);
  EXPECT_EQ(catalog_.TieIndex("t9"), kNoIndex);
  EXPECT_EQ(catalog_.ties()[t1].a, Org("u1"));
  EXPECT_EQ(catalog_.ties()[t1].b, Org("f1"));
  EXPECT_THAT(catalog_.organization(Org("u1")).ties, ElementsAre(t1));
  EXPECT_EQ(catalog_.organization(Org("f1")).ties.size(), 2u);

  catalog_.PutTie(MakeTie("t1", "u2", "f1", 2025));
  EXPECT_EQ(catalog_.live_ties(), 2);
  const uint32_t t1_new = catalog_.TieIndex("t1");
  EXPECT_NE(t1_new, t1);
  EXPECT_FALSE(catalog_.ties()[t1].live);
  EXPECT_TRUE(catalog_.ties()[t1_new].live);
  EXPECT_THAT(catalog_.organization(Org("u1")).ties, IsEmpty());
  EXPECT_EQ(catalog_.organization(Org("u2")).ties.size(), 2u);
  EXPECT_EQ(catalog_.organization(Org("f1")).ties.size(), 2u);

  EXPECT_TRUE(catalog_.RemoveTie("t1"));
  EXPECT_FALSE(catalog_.RemoveTie("t1"));
  EXPECT_EQ(catalog_.live_ties(), 1);
  EXPECT_EQ(catalog_.TieIndex("t1"), kNoIndex);
  EXPECT_EQ(catalog_.organization(Org("f1")).ties.size(), 1u);
}

TEST_F(CatalogTest, SharedTiesLoadInBulkAndStayFindableByTheirIds) {
  // Ids longer than a short string's inline buffer, and more ties than
  // reserved, so the tie list and the id map both grow while the ids they
  // are keyed by must stay where they are.
  catalog_.ReserveTies(4);
  for (int i = 0; i < 300; ++i) {
    catalog_.PutTie(std::make_shared<const v1::Tie>(
        MakeTie(absl::StrCat("cordis-tie-", i, "-of-a-long-series"),
                i % 2 == 0 ? "u1" : "u2", "f1", 2020)));
  }
  EXPECT_EQ(catalog_.live_ties(), 300);
  for (int i = 0; i < 300; ++i) {
    const std::string id = absl::StrCat("cordis-tie-", i, "-of-a-long-series");
    const uint32_t index = catalog_.TieIndex(id);
    ASSERT_NE(index, kNoIndex) << id;
    EXPECT_EQ(catalog_.ties()[index].record->id(), id);
  }
  EXPECT_EQ(catalog_.organization(Org("f1")).ties.size(), 300u);
  EXPECT_EQ(catalog_.organization(Org("f1")).partners.size(), 2u);
  // Replacing and removing by id still finds the right entry.
  catalog_.PutTie(MakeTie("cordis-tie-7-of-a-long-series", "u2", "f1", 2021));
  EXPECT_EQ(catalog_.live_ties(), 300);
  EXPECT_TRUE(catalog_.RemoveTie("cordis-tie-8-of-a-long-series"));
  EXPECT_EQ(catalog_.TieIndex("cordis-tie-8-of-a-long-series"), kNoIndex);
  EXPECT_EQ(catalog_.ties()[catalog_.TieIndex("cordis-tie-7-of-a-long-series")]
                .record->year(),
            2021);
  EXPECT_EQ(catalog_.live_ties(), 299);
}

TEST_F(CatalogTest, PartnerStatisticsFollowTiesAndOrganizations) {
  v1::Organization f2 = Firm("f2", "Almaty Region");
  f2.set_country("KZ");
  catalog_.PutOrganization(f2);
  catalog_.PutTie(MakeTie("t1", "u1", "f1", 2024));
  catalog_.PutTie(MakeTie("t2", "u1", "f1", 2023));
  catalog_.PutTie(MakeTie("t3", "u1", "f2", 2023));
  catalog_.PutTie(MakeTie("t4", "u2", "f1", 2022));
  const auto& u1 = catalog_.organization(Org("u1"));
  EXPECT_EQ(u1.firm_partners, 2);  // distinct firms, not ties
  EXPECT_EQ(catalog_.FirmPartnersIn(Org("u1"), "KZ"), 2);
  EXPECT_EQ(catalog_.organization(Org("f1")).university_ties, 3);
  EXPECT_EQ(catalog_.organization(Org("u1")).university_ties, 0);

  // A firm that moves country moves in its partners' counts.
  f2.set_country("UZ");
  catalog_.PutOrganization(f2);
  EXPECT_EQ(u1.firm_partners, 2);
  EXPECT_EQ(catalog_.FirmPartnersIn(Org("u1"), "KZ"), 1);
  EXPECT_EQ(catalog_.FirmPartnersIn(Org("u1"), "UZ"), 1);

  EXPECT_TRUE(catalog_.RemoveTie("t1"));
  EXPECT_EQ(u1.firm_partners, 2);  // t2 still ties u1 and f1
  EXPECT_TRUE(catalog_.RemoveTie("t2"));
  EXPECT_EQ(u1.firm_partners, 1);
  EXPECT_EQ(catalog_.organization(Org("f1")).university_ties, 1);
}

TEST_F(CatalogTest, CallExperienceCountsLiveCapabilitiesByFamily) {
  v1::CapabilityProfile a = MakeCapability("c1", "u1", "Copper flotation");
  a.mutable_funding_call()->set_programme("SC5");
  a.mutable_funding_call()->set_topic("SC5-10-2016");
  v1::CapabilityProfile b = MakeCapability("c2", "u1", "Copper leaching");
  b.mutable_funding_call()->set_programme("SC5");
  b.mutable_funding_call()->set_topic("sc5-11-2017");
  ASSERT_TRUE(catalog_.PutCapability(a, Unit(0)).ok());
  ASSERT_TRUE(catalog_.PutCapability(b, Unit(1)).ok());
  ASSERT_TRUE(
      catalog_.PutCapability(MakeCapability("c3", "u1", "No call"), Unit(2))
          .ok());
  const auto& u1 = catalog_.organization(Org("u1"));
  EXPECT_EQ(u1.call_families.at("SC5"), 2);
  EXPECT_EQ(u1.programmes.at("SC5"), 2);
  EXPECT_TRUE(catalog_.RemoveProfile(v1::RECORD_KIND_CAPABILITY, "c1"));
  EXPECT_EQ(u1.call_families.at("SC5"), 1);
  b.mutable_funding_call()->set_topic("MSCA-ITN-2017");
  ASSERT_TRUE(catalog_.PutCapability(b, Unit(1)).ok());  // replaces c2
  EXPECT_EQ(u1.call_families.count("SC5"), 0u);
  EXPECT_EQ(u1.call_families.at("MSCA-ITN"), 1);
}

TEST(CallFamilyTest, TopicUpToItsFirstNumberedPart) {
  EXPECT_EQ(CallFamily("SC1-BHC-01-2019"), "SC1-BHC");
  EXPECT_EQ(CallFamily("msca-itn-2018"), "MSCA-ITN");
  EXPECT_EQ(CallFamily("ERC-StG-2014"), "ERC-STG");
  EXPECT_EQ(CallFamily("ERC"), "ERC");
  EXPECT_EQ(CallFamily(""), "");
  EXPECT_EQ(CallFamily("2019-X"), "");
}

TEST_F(CatalogTest, RemoveOrganizationWithDependentsFails) {
  ASSERT_TRUE(
      catalog_.PutCapability(MakeCapability("c1", "u1", "copper"), Unit(0))
          .ok());
  ASSERT_TRUE(catalog_.PutNeed(MakeNeed("n1", "f1", "ore"), Unit(1)).ok());
  catalog_.PutTie(MakeTie("t1", "u2", "f1", 2024));

  for (const char* id : {"u1", "u2", "f1"}) {
    const absl::Status s = catalog_.RemoveOrganization(id);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << id;
    EXPECT_THAT(std::string(s.message()), HasSubstr(id));
  }
  EXPECT_EQ(catalog_.live_organizations(), 3);
  EXPECT_TRUE(catalog_.organization(Org("u1")).live);

  ASSERT_TRUE(catalog_.RemoveProfile(v1::RECORD_KIND_CAPABILITY, "c1"));
  EXPECT_TRUE(catalog_.RemoveOrganization("u1").ok());
  EXPECT_FALSE(catalog_.organization(Org("u1")).live);
  EXPECT_EQ(catalog_.live_organizations(), 2);
  EXPECT_EQ(catalog_.RemoveOrganization("u1").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(catalog_.RemoveOrganization("ghost").code(),
            absl::StatusCode::kNotFound);

  ASSERT_TRUE(catalog_.RemoveTie("t1"));
  EXPECT_TRUE(catalog_.RemoveOrganization("u2").ok());
  EXPECT_EQ(catalog_.RemoveOrganization("f1").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CatalogTest, ProfileOfARemovedOrganizationIsRejected) {
  ASSERT_TRUE(catalog_.RemoveOrganization("u2").ok());
  catalog_.PutOrganization(
      MakeOrganization("u2", v1::ORGANIZATION_KIND_UNIVERSITY));
  EXPECT_EQ(catalog_.live_organizations(), 3);
  EXPECT_TRUE(catalog_.organization(Org("u2")).live);
  EXPECT_TRUE(
      catalog_.PutCapability(MakeCapability("c1", "u2", "copper"), Unit(0))
          .ok());
  EXPECT_THAT(catalog_.organization(Org("u2")).capabilities, ElementsAre(0u));
}

TEST(CatalogAdoptTest, AdoptsSlotsOfALoadedIndex) {
  auto index = EmptyIndex();
  std::vector<float> vectors = Unit(0);
  const std::vector<float> second = Unit(1);
  const std::vector<float> third = Unit(2);
  vectors.insert(vectors.end(), second.begin(), second.end());
  vectors.insert(vectors.end(), third.begin(), third.end());
  ASSERT_TRUE(index->Add(vectors).ok());
  Catalog catalog(std::move(index), EmptyIndex());
  catalog.PutOrganization(
      MakeOrganization("u1", v1::ORGANIZATION_KIND_UNIVERSITY));

  const auto c1 = MakeCapability("c1", "u1", "copper flotation");
  const auto c3 = MakeCapability("c3", "u1", "ore grinding");
  ASSERT_TRUE(catalog.AdoptCapabilitySlot(&c1).ok());
  ASSERT_TRUE(catalog.AdoptCapabilitySlot(nullptr).ok());
  ASSERT_TRUE(catalog.AdoptCapabilitySlot(&c3).ok());
  EXPECT_FALSE(catalog.AdoptCapabilitySlot(&c1).ok());

  const ProfileSet& caps = catalog.capabilities();
  EXPECT_EQ(caps.live(), 2);
  EXPECT_EQ(caps.SlotOf("c1"), 0u);
  EXPECT_EQ(caps.SlotOf("c3"), 2u);
  EXPECT_FALSE(caps.entry(1).live);
  EXPECT_THAT(caps.SlotIds(), ElementsAre("c1", "", "c3"));
  EXPECT_THAT(catalog.organization(0).capabilities, ElementsAre(0u, 2u));
  EXPECT_EQ(caps.DocumentFrequency(catalog.terms().Find("ore")), 1u);
  EXPECT_FLOAT_EQ(caps.index().Score(Unit(2), 2), 1.0f);

  ASSERT_TRUE(
      catalog.PutCapability(MakeCapability("c4", "u1", "tailings"), Unit(3))
          .ok());
  EXPECT_EQ(caps.SlotOf("c4"), 3u);
}

TEST(CatalogAdoptTest, AdoptingForUnknownOrganizationFails) {
  auto index = EmptyIndex();
  ASSERT_TRUE(index->Add(Unit(0)).ok());
  Catalog catalog(std::move(index), EmptyIndex());
  const auto c1 = MakeCapability("c1", "ghost", "copper");
  EXPECT_EQ(catalog.AdoptCapabilitySlot(&c1).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(catalog.capabilities().live(), 0);
}

}  // namespace
}  // namespace helixmatch
