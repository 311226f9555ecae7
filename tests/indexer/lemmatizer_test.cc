// Uses the hunspell-ru and hunspell-kk dictionaries that
// scripts/install-deps.sh installs under /usr/share/hunspell.
#include "indexer/lemmatizer.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace helixmatch {
namespace {

using ::testing::HasSubstr;

TEST(LemmatizerTest, HunspellLemmas) {
  const auto lemmatizer = Lemmatizer::Open("/usr/share/hunspell");
  EXPECT_THAT(lemmatizer->Identity(), HasSubstr("ru=hunspell:"));
  EXPECT_THAT(lemmatizer->Identity(), HasSubstr("kk=hunspell:"));
  EXPECT_EQ(lemmatizer->Lemma("руды", TextLanguage::kRussian), "руда");
  EXPECT_EQ(lemmatizer->Lemma("обогащения", TextLanguage::kRussian),
            "обогащение");
  EXPECT_EQ(lemmatizer->Lemma("кәсіпорындар", TextLanguage::kKazakh),
            "кәсіпорын");
  EXPECT_EQ(lemmatizer->Lemma("жүйесі", TextLanguage::kKazakh), "жүйе");
  // Of hunspell-kk's stems, too short or not a prefix ones are skipped.
  EXPECT_EQ(lemmatizer->Lemma("теңіз", TextLanguage::kKazakh), "теңіз");
  // ғ before a stripped vowel suffix is қ on its own.
  EXPECT_EQ(lemmatizer->Lemma("шаруашылығы", TextLanguage::kKazakh),
            "шаруашылық");
  // Cached answers are the same.
  EXPECT_EQ(lemmatizer->Lemma("руды", TextLanguage::kRussian), "руда");
  EXPECT_EQ(lemmatizer->Lemma("copper", TextLanguage::kEnglish), "copper");
}

TEST(LemmatizerTest, SuffixStrippingWhereHunspellHasNoAnswer) {
  const auto lemmatizer = Lemmatizer::Open("/usr/share/hunspell");
  // Not in hunspell-ru: one ending comes off.
  EXPECT_EQ(lemmatizer->Lemma("нанокомпозитов", TextLanguage::kRussian),
            "нанокомпозит");
  // Kazakh: suffixes come off until hunspell knows the rest or none is left.
  EXPECT_EQ(lemmatizer->Lemma("технологиялар", TextLanguage::kKazakh),
            "технология");
}

TEST(LemmatizerTest, WithoutDictionariesOnlyStrips) {
  const auto lemmatizer = Lemmatizer::Open(
      (std::filesystem::temp_directory_path() / "no-such-hunspell").string());
  EXPECT_EQ(lemmatizer->Identity(), "ru=suffix,kk=suffix");
  EXPECT_EQ(lemmatizer->Lemma("системами", TextLanguage::kRussian), "систем");
  EXPECT_EQ(lemmatizer->Lemma("жобаларының", TextLanguage::kKazakh), "жоба");
  EXPECT_EQ(lemmatizer->Lemma("технологиясы", TextLanguage::kKazakh),
            "технология");
}

TEST(StripEndingTest, KeepsShortStems) {
  EXPECT_EQ(StripRussianEnding("медь"), "медь");  // stem would be 3 letters
  EXPECT_EQ(StripRussianEnding("системами"), "систем");
  EXPECT_EQ(StripRussianEnding(""), "");
  EXPECT_EQ(StripKazakhSuffix("су"), "су");
  EXPECT_EQ(StripKazakhSuffix("жобалар"), "жоба");
}

}  // namespace
}  // namespace helixmatch
