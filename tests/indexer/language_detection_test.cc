#include "indexer/language_detection.h"

#include "gtest/gtest.h"

namespace helixmatch {
namespace {

TextLanguage LanguageOf(std::u32string_view text,
                        bool kazakh_document = false) {
  return DetectLanguage(text, kazakh_document).language;
}

TEST(DetectLanguageTest, Scripts) {
  EXPECT_EQ(LanguageOf(U"Copper ore flotation"), TextLanguage::kEnglish);
  EXPECT_EQ(LanguageOf(U"Обогащение медной руды"), TextLanguage::kRussian);
  EXPECT_EQ(LanguageOf(U"Мұнай өңдеу"), TextLanguage::kKazakh);
  EXPECT_EQ(LanguageOf(U"Су тазарту"), TextLanguage::kRussian);
  EXPECT_EQ(LanguageOf(U"Су тазарту", true), TextLanguage::kKazakh);
  EXPECT_EQ(LanguageOf(U""), TextLanguage::kEnglish);
  EXPECT_EQ(LanguageOf(U"2024, ISO 9001"), TextLanguage::kEnglish);
}

TEST(DetectLanguageTest, KazakhLatin) {
  const DetectedLanguage kk = DetectLanguage(U"Mūnai öñdeu zauyty", false);
  EXPECT_EQ(kk.language, TextLanguage::kKazakh);
  EXPECT_TRUE(kk.latin_script);
  EXPECT_TRUE(DetectLanguage(U"Qazaqstan ğylymy", false).latin_script);
  // q without u alone is not enough (English names).
  EXPECT_FALSE(DetectLanguage(U"QINETIQ LIMITED", false).latin_script);
  EXPECT_FALSE(DetectLanguage(U"Qatar", false).latin_script);
  // A known miss: Kazakh with only the letters German shares.
  EXPECT_FALSE(
      DetectLanguage(U"Jel jäne kün energiiasyn boljau", false).latin_script);
  // English q comes before u; German umlauts alone are not Kazakh.
  EXPECT_FALSE(DetectLanguage(U"quality equipment", false).latin_script);
  EXPECT_FALSE(DetectLanguage(U"Über die Lösung", false).latin_script);
  EXPECT_FALSE(DetectLanguage(U"Iraq", false).latin_script);
  EXPECT_FALSE(DetectLanguage(U"Мұнай", false).latin_script);
}

TEST(DetectLanguageTest, MostlyLatinWithOneCyrillicWordIsEnglish) {
  EXPECT_EQ(LanguageOf(U"flotation of copper ore (руда)"),
            TextLanguage::kEnglish);
}

TEST(HasKazakhCyrillicLetterTest, Letters) {
  EXPECT_TRUE(HasKazakhCyrillicLetter(U"Қазақстан"));
  EXPECT_TRUE(HasKazakhCyrillicLetter(U"і"));
  EXPECT_FALSE(HasKazakhCyrillicLetter(U"Россия"));
  EXPECT_FALSE(HasKazakhCyrillicLetter(U""));
}

}  // namespace
}  // namespace helixmatch
