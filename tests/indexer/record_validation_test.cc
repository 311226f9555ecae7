#include "indexer/record_validation.h"

#include <cmath>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;
using testing::MakeCapability;
using testing::MakeNeed;
using testing::MakeOrganization;
using testing::MakeTie;
using ::testing::StartsWith;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The message starts with "<path>: " so that the exact field is named.
void ExpectInvalid(const absl::Status& status, const std::string& path,
                   const std::string& detail = "") {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(path + ": "));
  if (!detail.empty()) {
    EXPECT_THAT(std::string(status.message()), HasSubstr(detail));
  }
}

v1::Organization ValidOrganization() {
  return MakeOrganization("org:kz-univ_1.a", v1::ORGANIZATION_KIND_UNIVERSITY);
}

v1::CapabilityProfile ValidCapability() {
  return MakeCapability("cap:1", "org:1", "Flotation of copper ores");
}

v1::FirmNeed ValidNeed() {
  return MakeNeed("need:1", "org:2", "Predictive maintenance");
}

v1::Tie ValidTie() { return MakeTie("tie:1", "org:1", "org:2", 2020); }

TEST(RecordValidationTest, MinimalRecordsOfEachKindPass) {
  EXPECT_TRUE(ValidateOrganization(ValidOrganization()).ok());
  EXPECT_TRUE(ValidateCapability(ValidCapability()).ok());
  EXPECT_TRUE(ValidateNeed(ValidNeed()).ok());
  EXPECT_TRUE(ValidateTie(ValidTie()).ok());
  v1::Record record;
  *record.mutable_organization() = ValidOrganization();
  EXPECT_TRUE(ValidateRecord(record).ok());
  *record.mutable_capability() = ValidCapability();
  EXPECT_TRUE(ValidateRecord(record).ok());
  *record.mutable_need() = ValidNeed();
  EXPECT_TRUE(ValidateRecord(record).ok());
  *record.mutable_tie() = ValidTie();
  EXPECT_TRUE(ValidateRecord(record).ok());
}

TEST(RecordValidationTest, FullyPopulatedRecordsPass) {
  v1::Organization org = ValidOrganization();
  org.set_region("Karaganda Region");
  org.add_sectors("mining");
  org.add_sectors("oil-gas");
  org.set_size_band(v1::SIZE_BAND_LARGE);
  org.set_latitude(49.8);
  org.set_longitude(73.1);
  auto* signals = org.mutable_signals();
  signals->set_researchers(0);
  signals->set_rd_spend_usd(2.4e6);
  signals->set_graduate_share(1.0);
  signals->set_ip_policy(v1::IP_POLICY_FLEXIBLE);
  signals->set_tto_present(true);
  EXPECT_TRUE(ValidateOrganization(org).ok()) << ValidateOrganization(org);

  v1::CapabilityProfile cap = ValidCapability();
  cap.set_unit("Flotation lab");
  cap.set_description("Bench tests");
  cap.add_keywords("flotation");
  cap.mutable_trl()->set_min(1);
  cap.mutable_trl()->set_max(9);
  cap.add_channels_offered(v1::CHANNEL_JOINT_LAB);
  cap.add_benefits_sought(v1::BENEFIT_FUNDING);
  cap.add_equipment("XRF analyser");
  cap.set_year(1950);
  EXPECT_TRUE(ValidateCapability(cap).ok()) << ValidateCapability(cap);
  cap.set_year(2100);
  EXPECT_TRUE(ValidateCapability(cap).ok());

  v1::FirmNeed need = ValidNeed();
  need.mutable_trl_wanted()->set_min(5);
  need.mutable_trl_wanted()->set_max(5);
  need.set_budget_band(v1::BUDGET_BAND_OVER_1M);
  need.set_time_horizon(v1::TIME_HORIZON_UNDER_6_MONTHS);
  need.set_visibility(v1::VISIBILITY_PRIVATE);
  need.add_channels_wanted(v1::CHANNEL_CONSULTANCY);
  EXPECT_TRUE(ValidateNeed(need).ok()) << ValidateNeed(need);

  v1::Tie tie = ValidTie();
  tie.set_origin(v1::TIE_ORIGIN_PROGRAMME);
  tie.set_outcome(v1::TIE_OUTCOME_FAILED);
  tie.set_year(1950);
  EXPECT_TRUE(ValidateTie(tie).ok());
  tie.set_year(2100);
  EXPECT_TRUE(ValidateTie(tie).ok());
}

TEST(ValidateIdTest, Rules) {
  EXPECT_TRUE(ValidateId("AZaz09._:-", "x.id").ok());
  EXPECT_TRUE(ValidateId(std::string(kMaxIdBytes, 'a'), "x.id").ok());
  ExpectInvalid(ValidateId("", "x.id"), "x.id", "required");
  ExpectInvalid(ValidateId(std::string(kMaxIdBytes + 1, 'a'), "x.id"), "x.id",
                "129");
  for (const char* bad : {"org 1", "org/1", "org#1", "орг", "a\nb", "a,b"}) {
    ExpectInvalid(ValidateId(bad, "x.id"), "x.id", "not allowed");
  }
}

TEST(ValidateOrganizationTest, Id) {
  v1::Organization org = ValidOrganization();
  org.clear_id();
  ExpectInvalid(ValidateOrganization(org), "organization.id", "required");
  org.set_id("org 1");
  ExpectInvalid(ValidateOrganization(org), "organization.id", "' '");
  org.set_id(std::string(129, 'x'));
  ExpectInvalid(ValidateOrganization(org), "organization.id");
}

TEST(ValidateOrganizationTest, Kind) {
  v1::Organization org = ValidOrganization();
  org.set_kind(v1::ORGANIZATION_KIND_UNSPECIFIED);
  ExpectInvalid(ValidateOrganization(org), "organization.kind", "required");
  org.set_kind(static_cast<v1::OrganizationKind>(99));
  ExpectInvalid(ValidateOrganization(org), "organization.kind", "99");
}

TEST(ValidateOrganizationTest, Name) {
  v1::Organization org = ValidOrganization();
  org.set_name("   ");
  ExpectInvalid(ValidateOrganization(org), "organization.name", "required");
  org.set_name(std::string(kMaxNameBytes + 1, 'n'));
  ExpectInvalid(ValidateOrganization(org), "organization.name", "513");
  org.set_name(std::string(kMaxNameBytes, 'n'));
  EXPECT_TRUE(ValidateOrganization(org).ok());
}

TEST(ValidateOrganizationTest, Country) {
  v1::Organization org = ValidOrganization();
  org.clear_country();
  ExpectInvalid(ValidateOrganization(org), "organization.country", "required");
  for (const char* bad : {"kz", "Kz", "KAZ", "K", "K1", "ҚZ"}) {
    org.set_country(bad);
    ExpectInvalid(ValidateOrganization(org), "organization.country");
  }
  org.set_country("DE");
  EXPECT_TRUE(ValidateOrganization(org).ok());
}

TEST(ValidateOrganizationTest, ShortTextsAndSectors) {
  v1::Organization org = ValidOrganization();
  org.set_city(std::string(kMaxShortTextBytes + 1, 'c'));
  ExpectInvalid(ValidateOrganization(org), "organization.city");
  org = ValidOrganization();
  org.set_region(std::string(kMaxShortTextBytes + 1, 'r'));
  ExpectInvalid(ValidateOrganization(org), "organization.region");
  org = ValidOrganization();
  org.add_sectors("mining");
  org.add_sectors(" ");
  ExpectInvalid(ValidateOrganization(org), "organization.sectors[1]", "empty");
  org = ValidOrganization();
  for (int i = 0; i <= kMaxListItems; ++i) org.add_sectors("s");
  ExpectInvalid(ValidateOrganization(org), "organization.sectors", "65");
  org = ValidOrganization();
  org.set_size_band(static_cast<v1::SizeBand>(7));
  ExpectInvalid(ValidateOrganization(org), "organization.size_band", "7");
}

TEST(ValidateOrganizationTest, Coordinates) {
  v1::Organization org = ValidOrganization();
  org.set_latitude(43.2);
  ExpectInvalid(ValidateOrganization(org), "organization.longitude",
                "required");
  org = ValidOrganization();
  org.set_longitude(76.9);
  ExpectInvalid(ValidateOrganization(org), "organization.latitude", "required");
  org.set_latitude(90.5);
  ExpectInvalid(ValidateOrganization(org), "organization.latitude");
  org.set_latitude(kNaN);
  ExpectInvalid(ValidateOrganization(org), "organization.latitude");
  org.set_latitude(-90);
  org.set_longitude(180.01);
  ExpectInvalid(ValidateOrganization(org), "organization.longitude");
  org.set_longitude(-180);
  EXPECT_TRUE(ValidateOrganization(org).ok());
}

TEST(ValidateOrganizationTest, Signals) {
  const auto with = [](auto set) {
    v1::Organization org = ValidOrganization();
    set(org.mutable_signals());
    return ValidateOrganization(org);
  };
  ExpectInvalid(with([](auto* s) { s->set_researchers(-1); }),
                "organization.signals.researchers", "-1");
  ExpectInvalid(with([](auto* s) { s->set_patents(-3); }),
                "organization.signals.patents");
  ExpectInvalid(with([](auto* s) { s->set_rd_spend_usd(-0.5); }),
                "organization.signals.rd_spend_usd");
  ExpectInvalid(with([](auto* s) { s->set_rd_spend_usd(kNaN); }),
                "organization.signals.rd_spend_usd");
  ExpectInvalid(with([](auto* s) { s->set_rd_spend_usd(kInf); }),
                "organization.signals.rd_spend_usd", "finite");
  ExpectInvalid(with([](auto* s) { s->set_teaching_hours_per_fte(kNaN); }),
                "organization.signals.teaching_hours_per_fte");
  ExpectInvalid(with([](auto* s) { s->set_licences_granted(-1); }),
                "organization.signals.licences_granted");
  ExpectInvalid(with([](auto* s) { s->set_graduate_share(1.5); }),
                "organization.signals.graduate_share", "1.5");
  ExpectInvalid(with([](auto* s) { s->set_graduate_share(-0.1); }),
                "organization.signals.graduate_share");
  ExpectInvalid(with([](auto* s) { s->set_graduate_share(kNaN); }),
                "organization.signals.graduate_share");
  ExpectInvalid(
      with([](auto* s) { s->set_ip_policy(static_cast<v1::IpPolicy>(42)); }),
      "organization.signals.ip_policy", "42");
  EXPECT_TRUE(with([](auto* s) {
                s->set_graduate_share(0);
                s->set_rd_spend_usd(0);
                s->set_contract_turnaround_days(0);
              }).ok());
}

TEST(ValidateCapabilityTest, RequiredFields) {
  v1::CapabilityProfile cap = ValidCapability();
  cap.clear_id();
  ExpectInvalid(ValidateCapability(cap), "capability.id");
  cap = ValidCapability();
  cap.clear_organization_id();
  ExpectInvalid(ValidateCapability(cap), "capability.organization_id",
                "required");
  cap = ValidCapability();
  cap.set_organization_id("org one");
  ExpectInvalid(ValidateCapability(cap), "capability.organization_id");
  cap = ValidCapability();
  cap.clear_title();
  ExpectInvalid(ValidateCapability(cap), "capability.title", "required");
}

TEST(ValidateCapabilityTest, TextLimits) {
  v1::CapabilityProfile cap = ValidCapability();
  cap.set_title(std::string(kMaxTitleBytes + 1, 't'));
  ExpectInvalid(ValidateCapability(cap), "capability.title", "1025");
  cap.set_title(std::string(kMaxTitleBytes, 't'));
  EXPECT_TRUE(ValidateCapability(cap).ok());
  cap = ValidCapability();
  cap.set_description(std::string(kMaxDescriptionBytes + 1, 'd'));
  ExpectInvalid(ValidateCapability(cap), "capability.description");
  cap = ValidCapability();
  cap.set_unit(std::string(kMaxNameBytes + 1, 'u'));
  ExpectInvalid(ValidateCapability(cap), "capability.unit");
  cap = ValidCapability();
  cap.set_reference(std::string(kMaxTitleBytes + 1, 'r'));
  ExpectInvalid(ValidateCapability(cap), "capability.reference");
}

TEST(ValidateCapabilityTest, Keywords) {
  v1::CapabilityProfile cap = ValidCapability();
  for (int i = 0; i < kMaxListItems; ++i) cap.add_keywords("kw");
  EXPECT_TRUE(ValidateCapability(cap).ok());
  cap.add_keywords("kw");
  ExpectInvalid(ValidateCapability(cap), "capability.keywords", "65");
  cap = ValidCapability();
  cap.add_keywords("ok");
  cap.add_keywords(std::string(kMaxShortTextBytes + 1, 'k'));
  ExpectInvalid(ValidateCapability(cap), "capability.keywords[1]");
  cap = ValidCapability();
  cap.add_keywords("ok");
  cap.add_keywords("ok");
  cap.add_keywords("");
  ExpectInvalid(ValidateCapability(cap), "capability.keywords[2]", "empty");
  cap = ValidCapability();
  cap.add_equipment("\t");
  ExpectInvalid(ValidateCapability(cap), "capability.equipment[0]");
}

TEST(ValidateCapabilityTest, Trl) {
  const auto with = [](int min, int max) {
    v1::CapabilityProfile cap = ValidCapability();
    cap.mutable_trl()->set_min(min);
    cap.mutable_trl()->set_max(max);
    return ValidateCapability(cap);
  };
  EXPECT_TRUE(with(0, 0).ok());
  EXPECT_TRUE(with(3, 3).ok());
  ExpectInvalid(with(7, 4), "capability.trl", "above");
  ExpectInvalid(with(0, 5), "capability.trl.min", "0");
  ExpectInvalid(with(3, 10), "capability.trl.max", "10");
  ExpectInvalid(with(10, 10), "capability.trl.min");
  ExpectInvalid(with(-1, 4), "capability.trl.min");
  ExpectInvalid(with(4, 0), "capability.trl.max");
}

TEST(ValidateCapabilityTest, EnumsAndYear) {
  v1::CapabilityProfile cap = ValidCapability();
  cap.add_channels_offered(v1::CHANNEL_TESTING);
  cap.add_channels_offered(static_cast<v1::Channel>(99));
  ExpectInvalid(ValidateCapability(cap), "capability.channels_offered[1]",
                "99");
  cap = ValidCapability();
  cap.add_channels_offered(v1::CHANNEL_UNSPECIFIED);
  ExpectInvalid(ValidateCapability(cap), "capability.channels_offered[0]",
                "required");
  cap = ValidCapability();
  cap.add_benefits_sought(static_cast<v1::Benefit>(8));
  ExpectInvalid(ValidateCapability(cap), "capability.benefits_sought[0]");
  cap = ValidCapability();
  cap.set_year(1800);
  ExpectInvalid(ValidateCapability(cap), "capability.year", "1800");
  cap.set_year(2101);
  ExpectInvalid(ValidateCapability(cap), "capability.year");
}

TEST(ValidateNeedTest, Rules) {
  v1::FirmNeed need = ValidNeed();
  need.clear_title();
  ExpectInvalid(ValidateNeed(need), "need.title", "required");
  need = ValidNeed();
  need.clear_organization_id();
  ExpectInvalid(ValidateNeed(need), "need.organization_id");
  need = ValidNeed();
  need.add_keywords("flotation");
  need.add_keywords("  ");
  ExpectInvalid(ValidateNeed(need), "need.keywords[1]", "empty");
  need = ValidNeed();
  for (int i = 0; i < 65; ++i) need.add_keywords("kw");
  ExpectInvalid(ValidateNeed(need), "need.keywords", "65");
  need = ValidNeed();
  need.mutable_trl_wanted()->set_min(6);
  need.mutable_trl_wanted()->set_max(2);
  ExpectInvalid(ValidateNeed(need), "need.trl_wanted", "above");
  need.mutable_trl_wanted()->set_max(10);
  ExpectInvalid(ValidateNeed(need), "need.trl_wanted.max");
  need = ValidNeed();
  need.set_budget_band(static_cast<v1::BudgetBand>(6));
  ExpectInvalid(ValidateNeed(need), "need.budget_band");
  need = ValidNeed();
  need.set_time_horizon(static_cast<v1::TimeHorizon>(9));
  ExpectInvalid(ValidateNeed(need), "need.time_horizon");
  need = ValidNeed();
  need.set_visibility(static_cast<v1::Visibility>(4));
  ExpectInvalid(ValidateNeed(need), "need.visibility", "4");
  need = ValidNeed();
  need.add_channels_wanted(static_cast<v1::Channel>(19));
  ExpectInvalid(ValidateNeed(need), "need.channels_wanted[0]");
  need = ValidNeed();
  need.set_title(std::string(kMaxTitleBytes + 1, 't'));
  ExpectInvalid(ValidateNeed(need), "need.title");
}

TEST(ValidateTieTest, Rules) {
  v1::Tie tie = ValidTie();
  tie.set_organization_b("org:1");
  ExpectInvalid(ValidateTie(tie), "tie.organization_b", "differ");
  tie = ValidTie();
  tie.clear_organization_a();
  ExpectInvalid(ValidateTie(tie), "tie.organization_a", "required");
  tie = ValidTie();
  tie.set_organization_b("b!");
  ExpectInvalid(ValidateTie(tie), "tie.organization_b");
  tie = ValidTie();
  tie.clear_id();
  ExpectInvalid(ValidateTie(tie), "tie.id");
  tie = ValidTie();
  tie.set_year(0);
  ExpectInvalid(ValidateTie(tie), "tie.year", "required");
  tie.set_year(1800);
  ExpectInvalid(ValidateTie(tie), "tie.year", "1800");
  tie.set_year(1949);
  ExpectInvalid(ValidateTie(tie), "tie.year");
  tie.set_year(2101);
  ExpectInvalid(ValidateTie(tie), "tie.year");
  tie = ValidTie();
  tie.set_channel(v1::CHANNEL_UNSPECIFIED);
  ExpectInvalid(ValidateTie(tie), "tie.channel", "required");
  tie.set_channel(static_cast<v1::Channel>(99));
  ExpectInvalid(ValidateTie(tie), "tie.channel", "99");
  tie = ValidTie();
  tie.set_outcome(static_cast<v1::TieOutcome>(5));
  ExpectInvalid(ValidateTie(tie), "tie.outcome");
  tie = ValidTie();
  tie.set_origin(static_cast<v1::TieOrigin>(3));
  ExpectInvalid(ValidateTie(tie), "tie.origin");
  tie = ValidTie();
  tie.set_reference(std::string(kMaxTitleBytes + 1, 'r'));
  ExpectInvalid(ValidateTie(tie), "tie.reference");
}

TEST(ValidateRecordTest, EmptyRecordIsInvalid) {
  const absl::Status status = ValidateRecord(v1::Record());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("record"));
}

TEST(ValidateRecordTest, DispatchesWithKindPaths) {
  v1::Record record;
  *record.mutable_tie() = ValidTie();
  record.mutable_tie()->set_year(0);
  ExpectInvalid(ValidateRecord(record), "tie.year");
  *record.mutable_organization() = ValidOrganization();
  record.mutable_organization()->set_country("kz");
  ExpectInvalid(ValidateRecord(record), "organization.country");
  *record.mutable_capability() = ValidCapability();
  record.mutable_capability()->mutable_trl()->set_min(5);
  record.mutable_capability()->mutable_trl()->set_max(3);
  ExpectInvalid(ValidateRecord(record), "capability.trl");
  *record.mutable_need() = ValidNeed();
  record.mutable_need()->add_keywords("a");
  record.mutable_need()->add_keywords("");
  ExpectInvalid(ValidateRecord(record), "need.keywords[1]");
}

TEST(ValidateRecordTest, CustomPathPrefix) {
  v1::Organization org = ValidOrganization();
  org.set_country("kz");
  ExpectInvalid(ValidateOrganization(org, "request.organization"),
                "request.organization.country");
  v1::FirmNeed need = ValidNeed();
  need.clear_title();
  ExpectInvalid(ValidateNeed(need, "upsert.need"), "upsert.need.title");
}

}  // namespace
}  // namespace helixmatch
