// Tests of services/programmes/rules_file: the YAML rules format and its
// error positions, the rules validation, and folder loading.
#include "services/programmes/rules_file.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/programmes/eligibility.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using testing::DemoFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
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

}  // namespace
}  // namespace helixmatch
