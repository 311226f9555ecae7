// Tests of services/programme_rules: the YAML rules format and its error
// positions, folder loading, proposal validation and the eligibility checks.
#include "services/programme_rules.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using testing::DemoFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeOrganization;
using ::testing::StartsWith;
using testing::TempDir;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

std::vector<std::string> Ids(const std::vector<v1::ProgrammeRules>& all) {
  std::vector<std::string> ids;
  for (const auto& rules : all) ids.push_back(rules.id());
  return ids;
}

// ------------------------------------------------------------ demo files

TEST(ProgrammeRulesDemoTest, FolderLoadsBothProgrammes) {
  auto registry = ProgrammeRegistry::Load(DemoFile("programmes"));
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ(registry->size(), 2u);
  EXPECT_THAT(Ids(registry->All()),
              ElementsAre("kz-applied-research", "kz-skills-partnership"));
}

TEST(ProgrammeRulesDemoTest, AppliedResearchRulesAreRead) {
  auto registry =
      ProgrammeRegistry::Load(DemoFile("programmes/kz-applied-research.yaml"));
  ASSERT_TRUE(registry.ok()) << registry.status();
  const v1::ProgrammeRules* rules = registry->Find("kz-applied-research");
  ASSERT_NE(rules, nullptr);
  EXPECT_THAT(rules->research_kinds(),
              ElementsAre(v1::ORGANIZATION_KIND_UNIVERSITY,
                          v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE));
  EXPECT_THAT(rules->partner_kinds(), ElementsAre(v1::ORGANIZATION_KIND_FIRM));
  EXPECT_THAT(rules->countries(), ElementsAre("KZ"));
  EXPECT_EQ(rules->trl().min(), 3);
  EXPECT_EQ(rules->trl().max(), 7);
  EXPECT_EQ(rules->min_budget_usd(), 20000);
  EXPECT_EQ(rules->max_budget_usd(), 500000);
  EXPECT_DOUBLE_EQ(rules->min_cofunding_share(), 0.2);
  EXPECT_THAT(
      rules->required_channels(),
      ElementsAre(v1::CHANNEL_CONTRACT_RESEARCH, v1::CHANNEL_JOINT_RESEARCH,
                  v1::CHANNEL_COSUPERVISED_PHD, v1::CHANNEL_CONSULTANCY,
                  v1::CHANNEL_TESTING));
  EXPECT_TRUE(rules->research_programme());
  EXPECT_EQ(rules->max_duration_months(), 36);
  EXPECT_THAT(rules->conflict_organizations(),
              ElementsAre("org:prog-applied-research", "org:esil-polytech"));
  EXPECT_EQ(LargeBudgetThreshold(*rules), 150000);
}

TEST(ProgrammeRulesDemoTest, SkillsPartnershipIsHumanCapital) {
  auto registry = ProgrammeRegistry::Load(
      DemoFile("programmes/kz-skills-partnership.yaml"));
  ASSERT_TRUE(registry.ok()) << registry.status();
  const v1::ProgrammeRules* rules = registry->Find("kz-skills-partnership");
  ASSERT_NE(rules, nullptr);
  EXPECT_FALSE(rules->research_programme());
  EXPECT_FALSE(rules->has_trl());
  EXPECT_THAT(rules->required_channels(),
              ::testing::Contains(v1::CHANNEL_INTERNSHIP));
  EXPECT_EQ(LargeBudgetThreshold(*rules), 25000);  // max_budget_usd / 4
}

// ------------------------------------------------------------ parsing

TEST(ParseProgrammeRulesTest, AcceptsShortLongAndAnyCaseEnumNames) {
  auto rules = ParseProgrammeRules(
      "id: p1\n"
      "name: P\n"
      "research_kinds: [university, Research_Institute, "
      "ORGANIZATION_KIND_OTHER]\n"
      "required_channels:\n"
      "  - channel_joint_lab\n"
      "  - CONSULTANCY\n"
      "research_programme: TRUE\n"
      "trl: {max: 9, min: 1}\n"
      "min_budget_usd: 2.5e4\n",
      "p.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_THAT(rules->research_kinds(),
              ElementsAre(v1::ORGANIZATION_KIND_UNIVERSITY,
                          v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE,
                          v1::ORGANIZATION_KIND_OTHER));
  EXPECT_THAT(rules->required_channels(),
              ElementsAre(v1::CHANNEL_JOINT_LAB, v1::CHANNEL_CONSULTANCY));
  EXPECT_TRUE(rules->research_programme());
  EXPECT_EQ(rules->trl().min(), 1);
  EXPECT_EQ(rules->trl().max(), 9);
  EXPECT_EQ(rules->min_budget_usd(), 25000);
}

TEST(ParseProgrammeRulesTest, AcceptsByteOrderMarkAndWindowsLineEnds) {
  auto rules = ParseProgrammeRules(
      "\xEF\xBB\xBFid: p\r\nname: P\r\ncountries: [KZ]\r\n", "p.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_THAT(rules->countries(), ElementsAre("KZ"));
}

TEST(ParseProgrammeRulesTest, MinimalFileHasNoRules) {
  auto rules = ParseProgrammeRules("id: p\nname: Minimal\n", "p.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->research_kinds_size(), 0);
  EXPECT_EQ(rules->max_budget_usd(), 0);
}

struct BadFile {
  std::string name;
  std::string body;      // after "id: p\nname: P\n" (lines 1-2)
  std::string expected;  // the whole message
};

// Each case: the exact message, with the 1-based line and column.
TEST(ParseProgrammeRulesTest, BadFilesNameLineColumnAndField) {
  const std::vector<BadFile> cases = {
      {"unknown key, suggestion", "max_budget: 5\n",
       "t.yaml:3:1: max_budget: unknown key; did you mean 'max_budget_usd'?"},
      {"unknown key, case", "Countries: [KZ]\n",
       "t.yaml:3:1: Countries: unknown key; did you mean 'countries'?"},
      {"unknown nested key", "trl: {min: 3, top: 7}\n",
       "t.yaml:3:15: trl.top: unknown key; the keys are min, max"},
      {"duplicate key", "min_budget_usd: 1\nmin_budget_usd: 2\n",
       "t.yaml:4:1: min_budget_usd: duplicate key (first on line 3)"},
      {"list for a number", "min_budget_usd: [1]\n",
       "t.yaml:3:17: min_budget_usd: expected a number, got a list"},
      {"quoted number", "max_budget_usd: \"500000\"\n",
       "t.yaml:3:17: max_budget_usd: expected a number, got the quoted text "
       "'500000'"},
      {"not a number", "max_budget_usd: 500k\n",
       "t.yaml:3:17: max_budget_usd: expected a number, got '500k'"},
      {"fraction for a whole number", "max_duration_months: 3.5\n",
       "t.yaml:3:22: max_duration_months: expected a whole number, got '3.5'"},
      {"whole number out of range", "max_duration_months: 99999999999\n",
       "t.yaml:3:22: max_duration_months: 99999999999 is out of range"},
      {"yes for a bool", "research_programme: yes\n",
       "t.yaml:3:21: research_programme: expected true or false, got 'yes'"},
      {"scalar for a list", "countries: KZ\n",
       "t.yaml:3:12: countries: expected a list such as [a, b], got 'KZ'"},
      {"empty value", "countries:\n",
       "t.yaml:3:1: countries: expected a list such as [a, b], got nothing"},
      {"scalar for a mapping", "trl: 3\n",
       "t.yaml:3:6: trl: expected a mapping, got '3'"},
      {"nothing for a mapping", "trl:\nmax_budget_usd: 1\n",
       "t.yaml:3:1: trl: expected a mapping, got nothing"},
      {"quoted enum value", "partner_kinds: ['FIRMS']\n",
       "t.yaml:3:17: partner_kinds[0]: unknown value 'FIRMS'; did you mean "
       "FIRM? (allowed: UNIVERSITY, RESEARCH_INSTITUTE, FIRM, "
       "GOVERNMENT_PROGRAMME, OTHER)"},
      {"unknown enum value", "partner_kinds: [FIRM, UNIVERSTY]\n",
       "t.yaml:3:23: partner_kinds[1]: unknown value 'UNIVERSTY'; did you "
       "mean UNIVERSITY? (allowed: UNIVERSITY, RESEARCH_INSTITUTE, FIRM, "
       "GOVERNMENT_PROGRAMME, OTHER)"},
      {"UNSPECIFIED is no value", "partner_kinds: [UNSPECIFIED]\n",
       "t.yaml:3:17: partner_kinds[0]: unknown value 'UNSPECIFIED' (allowed: "
       "UNIVERSITY, RESEARCH_INSTITUTE, FIRM, GOVERNMENT_PROGRAMME, OTHER)"},
      {"negative budget", "min_budget_usd: -5\n",
       "t.yaml:3:17: min_budget_usd: -5 is negative"},
      {"infinite budget", "max_budget_usd: inf\n",
       "t.yaml:3:17: max_budget_usd: inf is not a finite number"},
      {"min budget above max",
       "min_budget_usd: 600000\nmax_budget_usd: 500000\n",
       "t.yaml:3:17: min_budget_usd: 600000 is above max_budget_usd 500000"},
      {"trl min above max", "trl: {min: 7, max: 3}\n",
       "t.yaml:3:12: trl.min: 7 is above trl.max 3"},
      {"trl outside 1..9", "trl:\n  min: 0\n  max: 10\n",
       "t.yaml:5:8: trl.max: 10 is outside 1..9"},
      {"trl half given", "trl: {min: 3}\n",
       "t.yaml:3:6: trl.max: is missing or 0; a TRL rule needs both ends in "
       "1..9 (write trl: {min: 1, max: 9} for no limit)"},
      {"trl end 0", "trl:\n  min: 0\n  max: 5\n",
       "t.yaml:4:8: trl.min: is missing or 0; a TRL rule needs both ends in "
       "1..9 (write trl: {min: 1, max: 9} for no limit)"},
      {"share above 1", "min_cofunding_share: 20\n",
       "t.yaml:3:22: min_cofunding_share: 20 is outside 0..1 (a share: 0.2 "
       "means 20%)"},
      {"lower-case country", "countries: [KZ, kz]\n",
       "t.yaml:3:17: countries[1]: 'kz' is not an ISO 3166 alpha-2 code (two "
       "upper-case letters, e.g. KZ)"},
      {"three-letter country", "countries:\n  - KAZ\n",
       "t.yaml:4:5: countries[0]: 'KAZ' is not an ISO 3166 alpha-2 code (two "
       "upper-case letters, e.g. KZ)"},
      {"duplicate country", "countries: [KZ, UZ, KZ]\n",
       "t.yaml:3:21: countries[2]: KZ is already listed at countries[0]"},
      {"duplicate channel, other spelling",
       "required_channels: [TESTING, channel_testing]\n",
       "t.yaml:3:30: required_channels[1]: TESTING is already listed at "
       "required_channels[0]"},
      {"duration above limit", "max_duration_months: 240\n",
       "t.yaml:3:22: max_duration_months: 240 is outside 0..120"},
      {"bad conflict id", "conflict_organizations: [org:a, 'org b']\n",
       "t.yaml:3:33: conflict_organizations[1]: character ' ' is not allowed "
       "(use A-Z a-z 0-9 . _ : -)"},
      {"duplicate conflict id", "conflict_organizations: [org:a, org:a]\n",
       "t.yaml:3:33: conflict_organizations[1]: 'org:a' is already listed at "
       "conflict_organizations[0]"},
      {"large budget above max",
       "max_budget_usd: 100000\nlarge_budget_usd: 200000\n",
       "t.yaml:4:19: large_budget_usd: 200000 is above max_budget_usd 100000, "
       "so no eligible proposal would be warned about"},
      {"syntax error", "countries: [KZ, UZ\nmax_budget_usd: 1\n",
       "t.yaml:4:15: YAML syntax error: end of sequence flow not found"},
      {"second document", "---\nid: q\n",
       "t.yaml:4:1: a second YAML document ('---'): put each programme in its "
       "own file"},
  };
  for (const BadFile& c : cases) {
    SCOPED_TRACE(c.name);
    auto rules = ParseProgrammeRules("id: p\nname: P\n" + c.body, "t.yaml");
    ASSERT_FALSE(rules.ok());
    EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(rules.status().message()), c.expected);
  }
}

TEST(ParseProgrammeRulesTest, RequiredFieldsAndBadIdsPointAtTheirLine) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"name: P\n", "t.yaml:1:1: id: is required"},
      {"id: p\n", "t.yaml:1:1: name: is required"},
      {"id: p\nname: '   '\n", "t.yaml:2:7: name: is required"},
      {"name: P\nid: 'bad id'\n",
       "t.yaml:2:5: id: character ' ' is not allowed (use A-Z a-z 0-9 . _ : "
       "-)"},
      {"name: P\nid: " + std::string(129, 'x') + "\n",
       "t.yaml:2:5: id: is 129 bytes, the limit is 128"},
      {"",
       "t.yaml:1:1: the file has no rules (expected id, name and the "
       "programme's rules)"},
      {"# only a comment\n",
       "t.yaml:1:1: the file has no rules (expected id, name and the "
       "programme's rules)"},
      {"- id: p\n",
       "t.yaml:1:1: expected a mapping of rules (id: ..., name: ...), got a "
       "list"},
      {"id: p\nname: P\n? [a]\n: b\n",
       "t.yaml:3:3: expected a key name, got a list"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto rules = ParseProgrammeRules(c.text, "t.yaml");
    ASSERT_FALSE(rules.ok());
    EXPECT_EQ(std::string(rules.status().message()), c.expected);
  }
}

TEST(ParseProgrammeRulesTest, UnknownKeyWithoutSuggestionListsTheKeys) {
  auto rules = ParseProgrammeRules("id: p\nname: P\nbogus_thing: 1\n", "t");
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(std::string(rules.status().message()),
            "t:3:1: bogus_thing: unknown key; the keys are id, name, "
            "research_kinds, partner_kinds, countries, trl, min_budget_usd, "
            "max_budget_usd, min_cofunding_share, required_channels, "
            "research_programme, max_duration_months, conflict_organizations, "
            "large_budget_usd");
}

TEST(ParseProgrammeRulesTest, RefusesOversizedText) {
  auto rules =
      ParseProgrammeRules(std::string(kMaxRulesFileBytes + 1, '#'), "big.yaml");
  ASSERT_FALSE(rules.ok());
  EXPECT_THAT(std::string(rules.status().message()),
              StartsWith("big.yaml: is 1048577 bytes, the limit is"));
}

// ------------------------------------------------------------ validation

TEST(ValidateProgrammeRulesTest, NamesSourceAndFieldWithoutPosition) {
  v1::ProgrammeRules rules;
  rules.set_id("p");
  rules.set_name("P");
  EXPECT_TRUE(ValidateProgrammeRules(rules, "api").ok());

  rules.add_research_kinds(static_cast<v1::OrganizationKind>(99));
  EXPECT_EQ(std::string(ValidateProgrammeRules(rules, "api").message()),
            "api: research_kinds[0]: unknown value 99");
  rules.clear_research_kinds();

  rules.add_partner_kinds(v1::ORGANIZATION_KIND_UNSPECIFIED);
  EXPECT_EQ(
      std::string(ValidateProgrammeRules(rules, "").message()),
      "partner_kinds[0]: UNSPECIFIED is not allowed; name one of "
      "UNIVERSITY, RESEARCH_INSTITUTE, FIRM, GOVERNMENT_PROGRAMME, OTHER");
  rules.clear_partner_kinds();

  rules.set_min_cofunding_share(std::nan(""));
  EXPECT_THAT(std::string(ValidateProgrammeRules(rules, "api").message()),
              StartsWith("api: min_cofunding_share: nan is outside 0..1"));
  rules.set_min_cofunding_share(-0.1);
  EXPECT_THAT(std::string(ValidateProgrammeRules(rules, "api").message()),
              StartsWith("api: min_cofunding_share: -0.1 is outside 0..1"));
  rules.set_min_cofunding_share(0);

  rules.set_max_duration_months(-1);
  EXPECT_EQ(std::string(ValidateProgrammeRules(rules, "api").message()),
            "api: max_duration_months: -1 is outside 0..120");
}

// ------------------------------------------------------------ registry

class ProgrammeRegistryTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    WriteFile(path, text);
    return path;
  }
  static std::string Rules(const std::string& id) {
    return "id: " + id + "\nname: Programme " + id + "\n";
  }

  TempDir dir_;
};

TEST_F(ProgrammeRegistryTest, FolderReadsYamlFilesOnlyAndSortsById) {
  Write("a.yaml", Rules("zeta"));
  Write("b.yml", Rules("alpha"));
  Write("c.YAML", Rules("mid"));
  Write("notes.txt", "not yaml at all: [");
  Write(".hidden.yaml", "broken: [");
  std::filesystem::create_directory(dir_.path() + "/sub.yaml");
  Write("sub.yaml/inner.yaml", Rules("inner"));

  auto registry = ProgrammeRegistry::Load(dir_.path());
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ(registry->size(), 3u);
  EXPECT_THAT(Ids(registry->All()), ElementsAre("alpha", "mid", "zeta"));
  ASSERT_NE(registry->Find("zeta"), nullptr);
  EXPECT_EQ(registry->Find("zeta")->name(), "Programme zeta");
  EXPECT_EQ(registry->Find("inner"), nullptr);
  EXPECT_EQ(registry->Find("nope"), nullptr);
}

TEST_F(ProgrammeRegistryTest, FindStaysValidAfterMove) {
  Write("a.yaml", Rules("a"));
  auto loaded = ProgrammeRegistry::Load(dir_.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const v1::ProgrammeRules* before = loaded->Find("a");
  ProgrammeRegistry moved = std::move(*loaded);
  EXPECT_EQ(moved.Find("a"), before);
}

TEST_F(ProgrammeRegistryTest, DuplicateIdNamesBothFiles) {
  Write("first.yaml", Rules("same"));
  Write("second.yaml", Rules("same"));
  auto registry = ProgrammeRegistry::Load(dir_.path());
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(registry.status().message()),
            dir_.path() + "/second.yaml: id: programme 'same' is already " +
                "defined in " + dir_.path() + "/first.yaml");
}

TEST_F(ProgrammeRegistryTest, ErrorInOneFileGivesItsPathAndPosition) {
  Write("a.yaml", Rules("a"));
  Write("b.yaml", Rules("b") + "max_budget_usd: -1\n");
  auto registry = ProgrammeRegistry::Load(dir_.path());
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(std::string(registry.status().message()),
            dir_.path() + "/b.yaml:3:17: max_budget_usd: -1 is negative");
}

TEST_F(ProgrammeRegistryTest, EmptyFolderIsAnError) {
  Write("readme.md", "no rules here");
  auto registry = ProgrammeRegistry::Load(dir_.path());
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(registry.status().message()),
              HasSubstr("the folder holds no programme rules"));
}

TEST_F(ProgrammeRegistryTest, MissingPathAndWrongExtension) {
  auto missing = ProgrammeRegistry::Load(dir_.path() + "/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  const std::string json = Write("rules.json", Rules("a"));
  auto wrong = ProgrammeRegistry::Load(json);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(wrong.status().message()),
              HasSubstr("must end in .yaml or .yml"));
}

TEST_F(ProgrammeRegistryTest, DefaultRegistryIsEmpty) {
  ProgrammeRegistry registry;
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_EQ(registry.Find("kz-applied-research"), nullptr);
  EXPECT_TRUE(registry.All().empty());
}

// ------------------------------------------------------------ proposals

v1::Proposal GoodProposal() {
  v1::Proposal p;
  p.set_id("prop:1");
  p.set_programme_id("kz-applied-research");
  p.set_university_id("org:u");
  p.set_unit("Flotation Laboratory");
  p.set_firm_id("org:f");
  p.set_title("Predictive maintenance for flotation cells");
  p.set_abstract("Vibration analytics on one flotation bank.");
  p.add_keywords("flotation");
  p.set_budget_usd(300000);
  p.set_cofunding_usd(100000);
  p.mutable_trl()->set_min(4);
  p.mutable_trl()->set_max(6);
  p.add_channels(v1::CHANNEL_CONTRACT_RESEARCH);
  p.add_benefits(v1::BENEFIT_RESEARCH);
  p.set_duration_months(24);
  p.set_need_id("need:demo-flotation");
  return p;
}

TEST(ValidateProposalTest, GoodProposalPasses) {
  EXPECT_TRUE(ValidateProposal(GoodProposal()).ok());
  v1::Proposal unknowns = GoodProposal();
  unknowns.clear_trl();
  unknowns.set_duration_months(0);
  unknowns.set_cofunding_usd(0);
  unknowns.clear_need_id();
  unknowns.clear_channels();
  EXPECT_TRUE(ValidateProposal(unknowns).ok());
}

TEST(ValidateProposalTest, BadInputsNameTheField) {
  struct Case {
    std::string name;
    std::function<void(v1::Proposal&)> change;
    std::string expected;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Case> cases = {
      {"no id", [](v1::Proposal& p) { p.clear_id(); },
       "proposal.id: is required"},
      {"bad programme id",
       [](v1::Proposal& p) { p.set_programme_id("kz applied"); },
       "proposal.programme_id: character ' ' is not allowed (use A-Z a-z 0-9 "
       ". _ : -)"},
      {"no university", [](v1::Proposal& p) { p.clear_university_id(); },
       "proposal.university_id: is required"},
      {"long firm id",
       [](v1::Proposal& p) { p.set_firm_id(std::string(129, 'f')); },
       "proposal.firm_id: is 129 bytes, the limit is 128"},
      {"same partner", [](v1::Proposal& p) { p.set_firm_id("org:u"); },
       "proposal.firm_id: must differ from university_id (a partnership "
       "joins two organizations)"},
      {"no title", [](v1::Proposal& p) { p.set_title("  "); },
       "proposal.title: is required"},
      {"long title",
       [](v1::Proposal& p) { p.set_title(std::string(301, 't')); },
       "proposal.title: is 301 bytes, the limit is 300"},
      {"long abstract",
       [](v1::Proposal& p) { p.set_abstract(std::string(20001, 'a')); },
       "proposal.abstract: is 20001 bytes, the limit is 20000"},
      {"too many keywords",
       [](v1::Proposal& p) {
         for (int i = 0; i < 64; ++i) p.add_keywords("k");
       },
       "proposal.keywords: has 65 items, the limit is 64"},
      {"long keyword",
       [](v1::Proposal& p) { p.add_keywords(std::string(101, 'k')); },
       "proposal.keywords[1]: is 101 bytes, the limit is 100"},
      {"blank keyword", [](v1::Proposal& p) { p.add_keywords(" "); },
       "proposal.keywords[1]: is empty"},
      {"zero budget", [](v1::Proposal& p) { p.set_budget_usd(0); },
       "proposal.budget_usd: must be > 0 (got 0)"},
      {"negative budget", [](v1::Proposal& p) { p.set_budget_usd(-5); },
       "proposal.budget_usd: must be > 0 (got -5)"},
      {"NaN budget", [nan](v1::Proposal& p) { p.set_budget_usd(nan); },
       "proposal.budget_usd: nan is not a finite number"},
      {"infinite co-funding",
       [inf](v1::Proposal& p) { p.set_cofunding_usd(inf); },
       "proposal.cofunding_usd: inf is not a finite number"},
      {"negative co-funding",
       [](v1::Proposal& p) { p.set_cofunding_usd(-0.5); },
       "proposal.cofunding_usd: must be >= 0 (got -0.50)"},
      {"TRL above 9", [](v1::Proposal& p) { p.mutable_trl()->set_min(12); },
       "proposal.trl.min: 12 is outside 1..9"},
      {"TRL half unknown", [](v1::Proposal& p) { p.mutable_trl()->set_max(0); },
       "proposal.trl.max: 0 is outside 1..9"},
      {"TRL reversed",
       [](v1::Proposal& p) {
         p.mutable_trl()->set_min(7);
         p.mutable_trl()->set_max(3);
       },
       "proposal.trl.min: 7 is above trl.max 3"},
      {"unknown channel",
       [](v1::Proposal& p) { p.add_channels(static_cast<v1::Channel>(99)); },
       "proposal.channels[1]: unknown value 99"},
      {"unspecified channel",
       [](v1::Proposal& p) { p.add_channels(v1::CHANNEL_UNSPECIFIED); },
       "proposal.channels[1]: must not be UNSPECIFIED"},
      {"unknown benefit",
       [](v1::Proposal& p) { p.add_benefits(static_cast<v1::Benefit>(42)); },
       "proposal.benefits[1]: unknown value 42"},
      {"long duration", [](v1::Proposal& p) { p.set_duration_months(121); },
       "proposal.duration_months: 121 is outside 0..120"},
      {"negative duration", [](v1::Proposal& p) { p.set_duration_months(-1); },
       "proposal.duration_months: -1 is outside 0..120"},
      {"bad need id", [](v1::Proposal& p) { p.set_need_id("need/1"); },
       "proposal.need_id: character '/' is not allowed (use A-Z a-z 0-9 . _ "
       ": -)"},
      {"too many conflicts",
       [](v1::Proposal& p) {
         for (int i = 0; i < 33; ++i) p.add_declared_conflicts("org:x");
       },
       "proposal.declared_conflicts: has 33 items, the limit is 32"},
      {"empty conflict", [](v1::Proposal& p) { p.add_declared_conflicts(""); },
       "proposal.declared_conflicts[0]: is empty"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Proposal p = GoodProposal();
    c.change(p);
    const absl::Status status = ValidateProposal(p);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(status.message()), c.expected);
  }
}

// ------------------------------------------------------------ eligibility

class EligibilityTest : public ::testing::Test {
 protected:
  EligibilityTest()
      : university_(
            MakeOrganization("org:u", v1::ORGANIZATION_KIND_UNIVERSITY)),
        firm_(MakeOrganization("org:f", v1::ORGANIZATION_KIND_FIRM)),
        proposal_(GoodProposal()) {
    auto rules = ParseProgrammeRules(
        "id: applied\n"
        "name: Applied\n"
        "research_kinds: [UNIVERSITY, RESEARCH_INSTITUTE]\n"
        "partner_kinds: [FIRM]\n"
        "countries: [KZ]\n"
        "trl: {min: 3, max: 7}\n"
        "min_budget_usd: 20000\n"
        "max_budget_usd: 500000\n"
        "min_cofunding_share: 0.2\n"
        "required_channels: [CONTRACT_RESEARCH, JOINT_RESEARCH]\n"
        "research_programme: true\n"
        "max_duration_months: 36\n"
        "conflict_organizations: [org:board]\n"
        "large_budget_usd: 100000\n",
        "applied.yaml");
    EXPECT_TRUE(rules.ok()) << rules.status();
    rules_ = *rules;
  }

  // The check of `rule`; fails the test when there is none or several.
  v1::RuleCheck Check(const std::string& rule) const {
    v1::RuleCheck found;
    int count = 0;
    for (const v1::RuleCheck& check :
         CheckEligibility(rules_, proposal_, university_, firm_)) {
      if (check.rule() == rule) {
        found = check;
        ++count;
      }
    }
    EXPECT_EQ(count, 1) << rule;
    return found;
  }

  void ExpectFails(const std::string& rule, const std::string& detail) {
    const v1::RuleCheck check = Check(rule);
    EXPECT_FALSE(check.passed()) << rule;
    EXPECT_EQ(check.detail(), detail);
    EXPECT_FALSE(
        Eligible(CheckEligibility(rules_, proposal_, university_, firm_)));
  }

  void ExpectPasses(const std::string& rule, const std::string& detail) {
    const v1::RuleCheck check = Check(rule);
    EXPECT_TRUE(check.passed()) << rule << ": " << check.detail();
    EXPECT_EQ(check.detail(), detail);
  }

  v1::ProgrammeRules rules_;
  v1::Organization university_;
  v1::Organization firm_;
  v1::Proposal proposal_;
};

TEST_F(EligibilityTest, GoodProposalPassesEveryRuleInFieldOrder) {
  const std::vector<v1::RuleCheck> checks =
      CheckEligibility(rules_, proposal_, university_, firm_);
  std::vector<std::string> rules;
  for (const auto& check : checks) {
    rules.push_back(check.rule());
    EXPECT_TRUE(check.passed()) << check.rule() << ": " << check.detail();
  }
  // research_programme, conflict_organizations and large_budget_usd are
  // not eligibility rules.
  EXPECT_THAT(rules, ElementsAre("research_kinds", "partner_kinds", "countries",
                                 "trl", "min_budget_usd", "max_budget_usd",
                                 "min_cofunding_share", "required_channels",
                                 "max_duration_months"));
  EXPECT_TRUE(Eligible(checks));
}

TEST_F(EligibilityTest, PassingDetails) {
  ExpectPasses("research_kinds",
               "university 'org:u' is UNIVERSITY; the programme allows "
               "UNIVERSITY, RESEARCH_INSTITUTE");
  ExpectPasses("partner_kinds",
               "firm 'org:f' is FIRM; the programme allows FIRM");
  ExpectPasses("countries",
               "university 'org:u' is in KZ and firm 'org:f' is in KZ; the "
               "programme allows KZ");
  ExpectPasses("trl", "TRL 4..6 is inside 3..7");
  ExpectPasses("min_budget_usd",
               "budget 300000 USD is at least min_budget_usd 20000");
  ExpectPasses("max_budget_usd",
               "budget 300000 USD is within max_budget_usd 500000");
  ExpectPasses("min_cofunding_share",
               "co-funding share 0.25 is at least 0.20 (100000 of 400000 USD "
               "in total)");
  ExpectPasses("required_channels",
               "planned channel CONTRACT_RESEARCH is one of CONTRACT_RESEARCH, "
               "JOINT_RESEARCH");
  ExpectPasses("max_duration_months", "duration 24 months is within 36");
}

TEST_F(EligibilityTest, ResearchKinds) {
  university_.set_kind(v1::ORGANIZATION_KIND_FIRM);
  ExpectFails("research_kinds",
              "university 'org:u' is FIRM; the programme allows UNIVERSITY, "
              "RESEARCH_INSTITUTE");
  university_.set_kind(v1::ORGANIZATION_KIND_UNSPECIFIED);
  ExpectFails("research_kinds",
              "university 'org:u' has no kind on record; the programme allows "
              "UNIVERSITY, RESEARCH_INSTITUTE");
  university_.set_kind(v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE);
  EXPECT_TRUE(Check("research_kinds").passed());
}

TEST_F(EligibilityTest, PartnerKinds) {
  firm_.set_kind(v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE);
  ExpectFails("partner_kinds",
              "firm 'org:f' is RESEARCH_INSTITUTE; the programme allows FIRM");
}

TEST_F(EligibilityTest, CountriesNameTheFailingPartner) {
  firm_.set_country("DE");
  ExpectFails("countries", "firm 'org:f' is in DE; the programme allows KZ");
  university_.set_country("");
  ExpectFails("countries",
              "university 'org:u' has no country on record and firm 'org:f' "
              "is in DE; the programme allows KZ");
  firm_.set_country("KZ");
  rules_.add_countries("UZ");
  university_.set_country("UZ");
  ExpectPasses("countries",
               "university 'org:u' is in UZ and firm 'org:f' is in KZ; the "
               "programme allows KZ, UZ");
}

TEST_F(EligibilityTest, Trl) {
  proposal_.mutable_trl()->set_min(2);
  ExpectFails("trl", "TRL 2..6 is not inside 3..7");
  proposal_.mutable_trl()->set_min(5);
  proposal_.mutable_trl()->set_max(8);
  ExpectFails("trl", "TRL 5..8 is not inside 3..7");
  proposal_.clear_trl();
  ExpectFails("trl",
              "proposal gives no TRL range; the programme requires TRL inside "
              "3..7");
  proposal_.mutable_trl()->set_min(3);
  proposal_.mutable_trl()->set_max(7);
  ExpectPasses("trl", "TRL 3..7 is inside 3..7");
}

TEST_F(EligibilityTest, Budgets) {
  proposal_.set_budget_usd(900000);
  proposal_.set_cofunding_usd(300000);
  ExpectFails("max_budget_usd",
              "budget 900000 USD is above max_budget_usd 500000");
  proposal_.set_budget_usd(10000.5);
  proposal_.set_cofunding_usd(5000);
  ExpectFails("min_budget_usd",
              "budget 10000.50 USD is below min_budget_usd 20000");
  proposal_.set_budget_usd(500000);
  proposal_.set_cofunding_usd(200000);
  EXPECT_TRUE(Check("max_budget_usd").passed());
  proposal_.set_budget_usd(20000);
  EXPECT_TRUE(Check("min_budget_usd").passed());
}

TEST_F(EligibilityTest, NanBudgetFailsBothBudgetRules) {
  proposal_.set_budget_usd(std::numeric_limits<double>::quiet_NaN());
  EXPECT_FALSE(Check("min_budget_usd").passed());
  EXPECT_FALSE(Check("max_budget_usd").passed());
  EXPECT_FALSE(Check("min_cofunding_share").passed());
}

TEST_F(EligibilityTest, CofundingShare) {
  proposal_.set_budget_usd(450000);
  proposal_.set_cofunding_usd(50000);
  ExpectFails("min_cofunding_share",
              "co-funding share 0.10 is below 0.20 (50000 of 500000 USD in "
              "total)");
  // Exactly the minimum passes.
  proposal_.set_budget_usd(400000);
  proposal_.set_cofunding_usd(100000);
  EXPECT_TRUE(Check("min_cofunding_share").passed());
  // Just below: more digits, so the detail does not read "0.20 is below
  // 0.20".
  proposal_.set_cofunding_usd(99990);
  ExpectFails("min_cofunding_share",
              "co-funding share 0.19998 is below 0.20000 (99990 of 499990 USD "
              "in total)");
}

TEST_F(EligibilityTest, RequiredChannels) {
  proposal_.clear_channels();
  proposal_.add_channels(v1::CHANNEL_INTERNSHIP);
  ExpectFails("required_channels",
              "none of the planned channels (INTERNSHIP) is one of "
              "CONTRACT_RESEARCH, JOINT_RESEARCH");
  proposal_.add_channels(v1::CHANNEL_CAPSTONE);
  ExpectFails("required_channels",
              "none of the planned channels (INTERNSHIP, CAPSTONE) is one of "
              "CONTRACT_RESEARCH, JOINT_RESEARCH");
  proposal_.add_channels(v1::CHANNEL_JOINT_RESEARCH);
  ExpectPasses("required_channels",
               "planned channel JOINT_RESEARCH is one of CONTRACT_RESEARCH, "
               "JOINT_RESEARCH");
  proposal_.clear_channels();
  ExpectFails("required_channels",
              "the proposal plans no channels; the programme requires one of "
              "CONTRACT_RESEARCH, JOINT_RESEARCH");
}

TEST_F(EligibilityTest, Duration) {
  proposal_.set_duration_months(48);
  ExpectFails("max_duration_months", "duration 48 months exceeds 36");
  proposal_.set_duration_months(0);
  ExpectFails("max_duration_months",
              "proposal gives no duration; the programme allows at most 36 "
              "months");
  proposal_.set_duration_months(36);
  EXPECT_TRUE(Check("max_duration_months").passed());
}

TEST_F(EligibilityTest, RulesLeftEmptyGiveNoChecks) {
  v1::ProgrammeRules open;
  open.set_id("open");
  open.set_name("Open");
  open.set_research_programme(true);
  open.add_conflict_organizations("org:u");
  open.set_large_budget_usd(1);
  university_.set_kind(v1::ORGANIZATION_KIND_FIRM);  // would fail a rule
  proposal_.clear_trl();
  const auto checks = CheckEligibility(open, proposal_, university_, firm_);
  EXPECT_TRUE(checks.empty());
  EXPECT_TRUE(Eligible(checks));
}

TEST(LargeBudgetThresholdTest, ExplicitThenQuarterOfMaxThenNone) {
  v1::ProgrammeRules rules;
  EXPECT_EQ(LargeBudgetThreshold(rules), 0);
  rules.set_max_budget_usd(500000);
  EXPECT_EQ(LargeBudgetThreshold(rules), 125000);
  rules.set_large_budget_usd(200000);
  EXPECT_EQ(LargeBudgetThreshold(rules), 200000);
}

}  // namespace
}  // namespace helixmatch
