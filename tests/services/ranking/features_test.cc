#include "services/ranking/features.h"

#include <cmath>
#include <deque>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using testing::MakeCapability;
using testing::MakeNeed;
using testing::MakeOrganization;
using testing::MakeTie;

constexpr int kYear = 2025;
constexpr double kHalfLife = 4.0;

// Owns the ties a PairHistory points to.
class Ties {
 public:
  void Add(int year, v1::TieOutcome outcome = v1::TIE_OUTCOME_COMPLETED) {
    ties_.push_back(
        MakeTie("t" + std::to_string(ties_.size()), "u", "f", year, outcome));
  }
  PairHistory History() const {
    PairHistory h;
    for (const auto& t : ties_) h.ties.push_back(&t);
    return h;
  }
  double Trust() const { return TrustFeature(History(), kYear, kHalfLife); }

 private:
  std::deque<v1::Tie> ties_;
};

TEST(TrustFeatureTest, ZeroWithoutTies) {
  EXPECT_DOUBLE_EQ(Ties().Trust(), 0.0);
}

TEST(TrustFeatureTest, OneCurrentCompletedTieWeighsOne) {
  Ties ties;
  ties.Add(kYear);
  EXPECT_NEAR(ties.Trust(), 1.0 - std::exp(-1.0), 1e-12);
}

TEST(TrustFeatureTest, IncreasesWithEachCompletedTieAndStaysBelowOne) {
  Ties ties;
  double previous = ties.Trust();
  for (int n = 1; n <= 6; ++n) {
    ties.Add(kYear - 1);
    const double trust = ties.Trust();
    EXPECT_GT(trust, previous) << n;
    EXPECT_LT(trust, 1.0);
    previous = trust;
  }
}

TEST(TrustFeatureTest, DecreasesWithAge) {
  double previous = 2.0;
  for (int age = 0; age <= 20; age += 2) {
    Ties ties;
    ties.Add(kYear - age);
    const double trust = ties.Trust();
    EXPECT_LT(trust, previous) << age;
    EXPECT_GT(trust, 0.0);
    previous = trust;
  }
}

TEST(TrustFeatureTest, HalvesTheWeightEveryHalfLife) {
  Ties ties;
  ties.Add(kYear - 4);
  EXPECT_NEAR(ties.Trust(), 1.0 - std::exp(-0.5), 1e-12);
  Ties older;
  older.Add(kYear - 8);
  EXPECT_NEAR(older.Trust(), 1.0 - std::exp(-0.25), 1e-12);
}

TEST(TrustFeatureTest, FutureTiesCountAsCurrent) {
  Ties future;
  future.Add(kYear + 3);
  Ties current;
  current.Add(kYear);
  EXPECT_DOUBLE_EQ(future.Trust(), current.Trust());
}

TEST(TrustFeatureTest, OutcomesAreOrderedCompletedOngoingUnknownFailed) {
  const auto trust_of = [](v1::TieOutcome outcome) {
    Ties ties;
    ties.Add(kYear, outcome);
    return ties.Trust();
  };
  const double completed = trust_of(v1::TIE_OUTCOME_COMPLETED);
  const double ongoing = trust_of(v1::TIE_OUTCOME_ONGOING);
  const double unknown = trust_of(v1::TIE_OUTCOME_UNSPECIFIED);
  const double failed = trust_of(v1::TIE_OUTCOME_FAILED);
  EXPECT_GT(completed, ongoing);
  EXPECT_GT(ongoing, unknown);
  EXPECT_GT(unknown, failed);
  EXPECT_GT(failed, 0.0);
  EXPECT_NEAR(failed, 1.0 - std::exp(-0.1), 1e-12);
  EXPECT_NEAR(ongoing, 1.0 - std::exp(-0.8), 1e-12);
}

TEST(TrustFeatureTest, FailedTieWeighsLessThanOldCompletedOne) {
  Ties failed;
  failed.Add(kYear, v1::TIE_OUTCOME_FAILED);
  Ties completed;
  completed.Add(kYear - 8);
  EXPECT_LT(failed.Trust(), completed.Trust());
}

// Organizations put into a catalog, which gives them their place ids.
class Places {
 public:
  Places() : catalog_(*VectorIndex::Create(4, 0), *VectorIndex::Create(4, 0)) {}
  // A copy: the catalog's entries move as it grows.
  OrganizationEntry Put(const std::string& id, const std::string& country,
                        const std::string& city, const std::string& region) {
    v1::Organization org =
        MakeOrganization(id, v1::ORGANIZATION_KIND_FIRM, country, city);
    org.set_region(region);
    catalog_.PutOrganization(std::move(org));
    return catalog_.organization(catalog_.OrganizationIndex(id));
  }

 private:
  Catalog catalog_;
};

TEST(ProximityFeatureTest, CityRegionCountryOther) {
  Places places;
  const auto a = places.Put("a", "KZ", "Almaty", "Almaty Region");
  const auto same_city = places.Put("b", "KZ", "Almaty", "Other");
  const auto same_region = places.Put("c", "KZ", "Talgar", "Almaty Region");
  const auto same_country =
      places.Put("d", "KZ", "Karaganda", "Karaganda Region");
  const auto abroad = places.Put("e", "UZ", "Almaty", "Almaty Region");

  EXPECT_DOUBLE_EQ(ProximityFeature(a, same_city), 1.0);
  EXPECT_DOUBLE_EQ(ProximityFeature(a, same_region), 0.75);
  EXPECT_DOUBLE_EQ(ProximityFeature(a, same_country), 0.5);
  EXPECT_DOUBLE_EQ(ProximityFeature(a, abroad), 0.0);
  EXPECT_DOUBLE_EQ(ProximityFeature(same_region, a), 0.75);
  EXPECT_DOUBLE_EQ(ProximityFeature(abroad, a), 0.0);
}

TEST(ProximityFeatureTest, EmptyCityOrRegionDoesNotMatch) {
  Places places;
  const auto a = places.Put("a", "KZ", "", "");
  const auto b = places.Put("b", "KZ", "", "");
  EXPECT_DOUBLE_EQ(ProximityFeature(a, b), 0.5);
}

TEST(ProximityFeatureTest, AMovedOrganizationTakesItsNewPlace) {
  Places places;
  const auto a = places.Put("a", "KZ", "Almaty", "Almaty Region");
  places.Put("b", "KZ", "Almaty", "Almaty Region");
  const auto b = places.Put("b", "UZ", "Tashkent", "");
  EXPECT_DOUBLE_EQ(ProximityFeature(a, b), 0.0);
}

TEST(CapacityFeatureTest, UnknownWithoutSignals) {
  const v1::Organization u =
      MakeOrganization("u", v1::ORGANIZATION_KIND_UNIVERSITY);
  EXPECT_FALSE(CapacityFeature(u).has_value());
  const v1::Organization f = MakeOrganization("f", v1::ORGANIZATION_KIND_FIRM);
  EXPECT_FALSE(CapacityFeature(f).has_value());
}

TEST(CapacityFeatureTest, UnknownWhenOnlyUnrelatedSignalsArePresent) {
  v1::Organization u = MakeOrganization("u", v1::ORGANIZATION_KIND_UNIVERSITY);
  u.mutable_signals()->set_tto_present(true);
  EXPECT_FALSE(CapacityFeature(u).has_value());
  v1::Organization f = MakeOrganization("f", v1::ORGANIZATION_KIND_FIRM);
  f.mutable_signals()->set_graduate_share(0.5);
  EXPECT_FALSE(CapacityFeature(f).has_value());
}

TEST(CapacityFeatureTest, FirmUsesRdAndPhdStaff) {
  v1::Organization f = MakeOrganization("f", v1::ORGANIZATION_KIND_FIRM);
  f.mutable_signals()->set_rd_staff(5);
  ASSERT_TRUE(CapacityFeature(f).has_value());
  EXPECT_DOUBLE_EQ(*CapacityFeature(f), 0.5);
  f.mutable_signals()->set_phd_staff(0);
  EXPECT_DOUBLE_EQ(*CapacityFeature(f), 0.25);
  f.mutable_signals()->set_rd_staff(0);
  ASSERT_TRUE(CapacityFeature(f).has_value());
  EXPECT_DOUBLE_EQ(*CapacityFeature(f), 0.0);
  f.mutable_signals()->set_rd_staff(500);
  f.mutable_signals()->set_phd_staff(40);
  EXPECT_DOUBLE_EQ(*CapacityFeature(f), 1.0);
}

TEST(CapacityFeatureTest, FirmIgnoresUniversitySignals) {
  v1::Organization f = MakeOrganization("f", v1::ORGANIZATION_KIND_FIRM);
  f.mutable_signals()->set_publications_per_year(100);
  f.mutable_signals()->set_researchers(10);
  f.mutable_signals()->set_active_projects(10);
  EXPECT_FALSE(CapacityFeature(f).has_value());
}

TEST(CapacityFeatureTest, UniversityUsesPublicationsPerResearcherAndProjects) {
  v1::Organization u = MakeOrganization("u", v1::ORGANIZATION_KIND_UNIVERSITY);
  u.mutable_signals()->set_publications_per_year(50);
  u.mutable_signals()->set_researchers(100);
  ASSERT_TRUE(CapacityFeature(u).has_value());
  EXPECT_DOUBLE_EQ(*CapacityFeature(u), 0.5);
  u.mutable_signals()->set_active_projects(10);
  EXPECT_DOUBLE_EQ(*CapacityFeature(u), 0.75);
  u.mutable_signals()->set_publications_per_year(900);
  EXPECT_DOUBLE_EQ(*CapacityFeature(u), 1.0);
}

TEST(CapacityFeatureTest, UniversityIgnoresFirmSignalsAndZeroResearchers) {
  v1::Organization u = MakeOrganization("u", v1::ORGANIZATION_KIND_UNIVERSITY);
  u.mutable_signals()->set_rd_staff(10);
  u.mutable_signals()->set_phd_staff(10);
  EXPECT_FALSE(CapacityFeature(u).has_value());
  u.mutable_signals()->set_publications_per_year(10);
  u.mutable_signals()->set_researchers(0);
  EXPECT_FALSE(CapacityFeature(u).has_value());
  u.mutable_signals()->set_active_projects(2);
  EXPECT_DOUBLE_EQ(*CapacityFeature(u), 0.2);
}

TEST(CapacityFeatureTest, ResearchInstituteCountsAsResearchSide) {
  v1::Organization r =
      MakeOrganization("r", v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE);
  r.mutable_signals()->set_active_projects(3);
  ASSERT_TRUE(CapacityFeature(r).has_value());
  EXPECT_DOUBLE_EQ(*CapacityFeature(r), 0.3);
}

TEST(CapacityFeatureTest, AlwaysWithinUnitInterval) {
  for (int v : {0, 1, 3, 9, 10, 11, 1000}) {
    v1::Organization f = MakeOrganization("f", v1::ORGANIZATION_KIND_FIRM);
    f.mutable_signals()->set_rd_staff(v);
    f.mutable_signals()->set_phd_staff(v);
    v1::Organization u =
        MakeOrganization("u", v1::ORGANIZATION_KIND_UNIVERSITY);
    u.mutable_signals()->set_publications_per_year(v);
    u.mutable_signals()->set_researchers(1);
    u.mutable_signals()->set_active_projects(v);
    for (const auto& org : {f, u}) {
      const auto c = CapacityFeature(org);
      ASSERT_TRUE(c.has_value());
      EXPECT_GE(*c, 0.0);
      EXPECT_LE(*c, 1.0);
    }
  }
}

class BenefitAlignmentTest : public ::testing::Test {
 protected:
  v1::FirmNeed need_ = MakeNeed("n", "f", "copper flotation");
  v1::CapabilityProfile cap_ = MakeCapability("c", "u", "copper flotation");
};

TEST_F(BenefitAlignmentTest, UnknownWhenListsAreEmpty) {
  EXPECT_FALSE(BenefitAlignmentFeature(need_, cap_).has_value());
  need_.add_channels_wanted(v1::CHANNEL_INTERNSHIP);
  need_.add_benefits_sought(v1::BENEFIT_RESEARCH);
  EXPECT_FALSE(BenefitAlignmentFeature(need_, cap_).has_value());
  v1::FirmNeed empty_need = MakeNeed("n2", "f", "copper");
  cap_.add_channels_offered(v1::CHANNEL_INTERNSHIP);
  cap_.add_benefits_sought(v1::BENEFIT_RESEARCH);
  EXPECT_FALSE(BenefitAlignmentFeature(empty_need, cap_).has_value());
}

TEST_F(BenefitAlignmentTest, FullOverlapIsOne) {
  need_.add_channels_wanted(v1::CHANNEL_INTERNSHIP);
  need_.add_channels_wanted(v1::CHANNEL_TESTING);
  need_.add_benefits_sought(v1::BENEFIT_HUMAN_CAPITAL);
  cap_.add_channels_offered(v1::CHANNEL_TESTING);
  cap_.add_channels_offered(v1::CHANNEL_INTERNSHIP);
  cap_.add_benefits_sought(v1::BENEFIT_HUMAN_CAPITAL);
  const auto a = BenefitAlignmentFeature(need_, cap_);
  ASSERT_TRUE(a.has_value());
  EXPECT_DOUBLE_EQ(*a, 1.0);
}

TEST_F(BenefitAlignmentTest, NoOverlapIsZero) {
  need_.add_channels_wanted(v1::CHANNEL_INTERNSHIP);
  need_.add_benefits_sought(v1::BENEFIT_HUMAN_CAPITAL);
  cap_.add_channels_offered(v1::CHANNEL_LICENSING);
  cap_.add_benefits_sought(v1::BENEFIT_FUNDING);
  const auto a = BenefitAlignmentFeature(need_, cap_);
  ASSERT_TRUE(a.has_value());
  EXPECT_DOUBLE_EQ(*a, 0.0);
}

TEST_F(BenefitAlignmentTest, ChannelsOnlyIsShareOfWantedChannelsOffered) {
  need_.add_channels_wanted(v1::CHANNEL_INTERNSHIP);
  need_.add_channels_wanted(v1::CHANNEL_TESTING);
  cap_.add_channels_offered(v1::CHANNEL_TESTING);
  cap_.add_channels_offered(v1::CHANNEL_LICENSING);
  cap_.add_channels_offered(v1::CHANNEL_JOINT_LAB);
  const auto a = BenefitAlignmentFeature(need_, cap_);
  ASSERT_TRUE(a.has_value());
  EXPECT_DOUBLE_EQ(*a, 0.5);
}

TEST_F(BenefitAlignmentTest, BenefitsOnlyIsJaccardOverlap) {
  need_.add_benefits_sought(v1::BENEFIT_HUMAN_CAPITAL);
  need_.add_benefits_sought(v1::BENEFIT_RESEARCH);
  cap_.add_benefits_sought(v1::BENEFIT_RESEARCH);
  cap_.add_benefits_sought(v1::BENEFIT_FUNDING);
  const auto a = BenefitAlignmentFeature(need_, cap_);
  ASSERT_TRUE(a.has_value());
  EXPECT_NEAR(*a, 1.0 / 3.0, 1e-12);
}

TEST_F(BenefitAlignmentTest, BlendsChannelsAndBenefits) {
  need_.add_channels_wanted(v1::CHANNEL_INTERNSHIP);
  need_.add_channels_wanted(v1::CHANNEL_TESTING);
  cap_.add_channels_offered(v1::CHANNEL_TESTING);
  need_.add_benefits_sought(v1::BENEFIT_RESEARCH);
  cap_.add_benefits_sought(v1::BENEFIT_FUNDING);
  const auto a = BenefitAlignmentFeature(need_, cap_);
  ASSERT_TRUE(a.has_value());
  EXPECT_NEAR(*a, 0.6 * 0.5 + 0.4 * 0.0, 1e-12);
}

TEST_F(BenefitAlignmentTest, RepeatedWantedChannelStaysWithinUnitInterval) {
  need_.add_channels_wanted(v1::CHANNEL_INTERNSHIP);
  need_.add_channels_wanted(v1::CHANNEL_INTERNSHIP);
  cap_.add_channels_offered(v1::CHANNEL_INTERNSHIP);
  const auto a = BenefitAlignmentFeature(need_, cap_);
  ASSERT_TRUE(a.has_value());
  EXPECT_LE(*a, 1.0);
  EXPECT_GE(*a, 0.0);
}

}  // namespace
}  // namespace helixmatch

namespace helixmatch {
namespace {

// Regression: repeated values pushed the feature above 1.
TEST(BenefitAlignmentRegressionTest, RepeatedValuesCountOnce) {
  auto need = testing::MakeNeed("n", "f", "t");
  auto cap = testing::MakeCapability("c", "u", "t");
  need.add_benefits_sought(v1::BENEFIT_RESEARCH);
  need.add_benefits_sought(v1::BENEFIT_RESEARCH);
  cap.add_benefits_sought(v1::BENEFIT_RESEARCH);
  EXPECT_DOUBLE_EQ(*BenefitAlignmentFeature(need, cap), 1.0);
  cap.add_benefits_sought(v1::BENEFIT_FUNDING);
  EXPECT_DOUBLE_EQ(*BenefitAlignmentFeature(need, cap), 0.5);
}

}  // namespace
}  // namespace helixmatch
