#include "indexer/cross_lingual_lexicon.h"

#include <filesystem>
#include <fstream>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kBridge =
    "# comment\n"
    "медь\tcopper cuprum\n"
    "\n"
    "нефть\tpetroleum oil\n"
    "обогащение\tbenefication treatment\r\n";
constexpr std::string_view kGlossary =
    "# written by us\n"
    "мыс\tмедь\n"
    "мұнай\tнефть crude\n"
    "жоба\tproject\n";

absl::StatusOr<CrossLingualLexicon> Parse(std::string_view bridge,
                                          std::string_view glossary) {
  return CrossLingualLexicon::Parse(bridge, "bridge.tsv", glossary,
                                    "glossary.tsv");
}

TEST(CrossLingualLexiconTest, RussianAndKazakhEntries) {
  auto lexicon = Parse(kBridge, kGlossary);
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  EXPECT_EQ(lexicon->russian_entries(), 3u);
  EXPECT_EQ(lexicon->kazakh_entries(), 3u);
  const auto* copper = lexicon->Find("медь");
  ASSERT_NE(copper, nullptr);
  EXPECT_THAT(copper->english, ElementsAre("copper", "cuprum"));
  EXPECT_EQ(copper->via, "");
  const auto* kazakh_copper = lexicon->Find("мыс");
  ASSERT_NE(kazakh_copper, nullptr);
  EXPECT_THAT(kazakh_copper->english, ElementsAre("copper", "cuprum"));
  EXPECT_EQ(kazakh_copper->via, "медь");
  // A glossary line's words keep their order: a Russian word's English
  // words where it stands, English words as they are.
  EXPECT_THAT(lexicon->Find("мұнай")->english,
              ElementsAre("petroleum", "oil", "crude"));
  EXPECT_EQ(lexicon->Find("жоба")->via, "project");
  EXPECT_EQ(lexicon->Find("сталь"), nullptr);
  // The suffix-stripped form of a key reaches the same words.
  ASSERT_NE(lexicon->Find("обогащен"), nullptr);
  EXPECT_THAT(lexicon->Find("обогащен")->english,
              ElementsAre("benefication", "treatment"));
  EXPECT_THAT(lexicon->identity(), HasSubstr("ru-en=3:"));
  EXPECT_THAT(lexicon->identity(), HasSubstr("kk-ru=3:"));
}

TEST(CrossLingualLexiconTest, EquivalentsCrossEveryLanguagePair) {
  auto lexicon = Parse(kBridge, kGlossary);
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  // A Russian lemma: its English words, then the Kazakh lemma of the same
  // first English word.
  EXPECT_THAT(lexicon->Equivalents("медь"),
              ElementsAre("copper", "cuprum", "мыс"));
  // A Kazakh lemma: the English words, the Russian word it goes through.
  EXPECT_THAT(lexicon->Equivalents("мыс"),
              ElementsAre("copper", "cuprum", "медь"));
  // An English word: the lemmas that stand for it first or second, in
  // byte order (the suffix-stripped alias обогащен included).
  EXPECT_THAT(lexicon->Equivalents("copper"), ElementsAre("медь", "мыс"));
  EXPECT_THAT(lexicon->Equivalents("treatment"),
              ElementsAre("обогащен", "обогащение"));
  EXPECT_THAT(lexicon->Equivalents("crude"), ElementsAre());  // third word
  EXPECT_THAT(lexicon->Equivalents("сталь"), ElementsAre());
  EXPECT_THAT(lexicon->Equivalents(""), ElementsAre());
}

TEST(CrossLingualLexiconTest, EquivalentsAreCapped) {
  // 64 Russian words that all stand for "word".
  std::string bridge;
  const char* letters[] = {"а", "б", "в", "г", "д", "е", "ж", "з"};
  for (const char* a : letters) {
    for (const char* b : letters) bridge += std::string("сл") + a + b + "\tword\n";
  }
  auto lexicon = Parse(bridge, "");
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  EXPECT_EQ(lexicon->Equivalents("word").size(),
            CrossLingualLexicon::kMaxEquivalents);
}

TEST(CrossLingualLexiconTest, IdentityFollowsTheContent) {
  auto a = Parse(kBridge, kGlossary);
  auto b = Parse(kBridge, "мыс\tнефть\n");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->identity(), b->identity());
  auto c = Parse(kBridge, kGlossary);
  EXPECT_EQ(a->identity(), c->identity());
}

TEST(CrossLingualLexiconTest, SharedStemGoesToTheFirstKeyInOrder) {
  // система and системы both strip to систем: the first in byte order wins,
  // whatever the hash order of this process.
  auto lexicon = Parse("системы\tsystems\nсистема\tsystem\n", "");
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  ASSERT_NE(lexicon->Find("систем"), nullptr);
  EXPECT_THAT(lexicon->Find("систем")->english, ElementsAre("system"));
}

TEST(CrossLingualLexiconTest, EmptyFilesGiveAnEmptyLexicon) {
  auto lexicon = Parse("", "# nothing\n");
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  EXPECT_TRUE(lexicon->entries().empty());
}

struct BadInput {
  std::string bridge;
  std::string glossary;
  std::string message;
};

TEST(CrossLingualLexiconTest, MalformedLinesNameFileLineAndField) {
  const BadInput cases[] = {
      {"медь copper\n", "", "bridge.tsv:1: expected 2 tab-separated fields"},
      {"медь\tcopper\tx\n", "", "bridge.tsv:1: expected 2"},
      {"# c\n\tcopper\n", "", "bridge.tsv:2: field 1 (Russian word)"},
      {"Медь\tcopper\n", "", "bridge.tsv:1: field 1 (Russian word) 'Медь'"},
      {"медь\t\n", "", "bridge.tsv:1: field 2 (English words)"},
      {"медь\tcopper  cuprum\n", "", "bridge.tsv:1: field 2 (English words)"},
      {"медь\tмедь\n", "", "bridge.tsv:1: field 2 (English words): 'медь'"},
      {"медь\tcopper\nмедь\tbrass\n", "",
       "bridge.tsv:2: field 1 (Russian word): 'медь' appears twice"},
      {std::string(kBridge), "мыс\n",
       "glossary.tsv:1: expected 2 tab-separated fields"},
      {std::string(kBridge), "мыс\tсталь\n",
       "glossary.tsv:1: field 2 (Russian or English words): 'сталь' is "
       "neither in bridge.tsv"},
      {std::string(kBridge), "# c\nмыс\tмедь\nмыс\tнефть\n",
       "glossary.tsv:3: field 1 (Kazakh word): 'мыс' appears twice"},
      {std::string(kBridge), "мыс\tмедь\x01\n", "glossary.tsv:1: field 2"},
  };
  for (const BadInput& bad : cases) {
    auto lexicon = Parse(bad.bridge, bad.glossary);
    ASSERT_FALSE(lexicon.ok()) << bad.bridge << " | " << bad.glossary;
    EXPECT_EQ(lexicon.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(lexicon.status().message(), HasSubstr(bad.message));
  }
}

TEST(CrossLingualLexiconTest, LoadNamesAMissingFile) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("lexicon_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string bridge = (dir / "bridge.tsv").string();
  std::ofstream(bridge) << kBridge;
  auto missing = CrossLingualLexicon::Load(bridge, (dir / "nope.tsv").string());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("nope.tsv"));
  std::ofstream((dir / "glossary.tsv").string()) << "мыс\tмедь\nбад\n";
  auto bad = CrossLingualLexicon::Load(bridge, (dir / "glossary.tsv").string());
  EXPECT_THAT(bad.status().message(), HasSubstr("glossary.tsv:2:"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace helixmatch
