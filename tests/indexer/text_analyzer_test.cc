#include "indexer/text_analyzer.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;

// Strict UTF-8 check: no overlongs, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int extra;
    char32_t cp;
    char32_t min;
    if (b0 < 0x80) {
      ++i;
      continue;
    } else if ((b0 & 0xE0) == 0xC0) {
      extra = 1;
      cp = b0 & 0x1F;
      min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      extra = 2;
      cp = b0 & 0x0F;
      min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      extra = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

TEST(IsValidUtf8Test, SelfCheck) {
  EXPECT_TRUE(IsValidUtf8("abc"));
  EXPECT_TRUE(IsValidUtf8("Әә"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xD0"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));
}

TEST(LowerUtf8Test, Ascii) {
  EXPECT_EQ(LowerUtf8("Hello WORLD 123 !?"), "hello world 123 !?");
  EXPECT_EQ(LowerUtf8(""), "");
  EXPECT_EQ(LowerUtf8("@[`{"), "@[`{");
}

TEST(LowerUtf8Test, Latin1) {
  EXPECT_EQ(LowerUtf8("É"), "é");
  EXPECT_EQ(LowerUtf8("ÀÖØÞ"), "àöøþ");
  // Multiplication sign is not a letter and stays.
  EXPECT_EQ(LowerUtf8("×"), "×");
  EXPECT_EQ(LowerUtf8("ß"), "ß");
}

TEST(LowerUtf8Test, LatinExtendedAndGreek) {
  EXPECT_EQ(LowerUtf8("ĀŁŽŸ"), "āłžÿ");
  EXPECT_EQ(LowerUtf8("ΑΒΓΩΆΈ"), "αβγωάέ");
}

TEST(LowerUtf8Test, Cyrillic) {
  EXPECT_EQ(LowerUtf8("АБВ"), "абв");
  EXPECT_EQ(LowerUtf8("Ё"), "ё");
  EXPECT_EQ(LowerUtf8("ЯЖЩ"), "яжщ");
  EXPECT_EQ(LowerUtf8("Москва"), "москва");
  EXPECT_EQ(LowerUtf8("абв"), "абв");
}

TEST(LowerUtf8Test, KazakhLetters) {
  EXPECT_EQ(LowerUtf8("Ә"), "ә");
  EXPECT_EQ(LowerCodePoint(U'\u04D8'), U'\u04D9');
  EXPECT_EQ(LowerUtf8("Ғ"), "ғ");
  EXPECT_EQ(LowerUtf8("Қ"), "қ");
  EXPECT_EQ(LowerUtf8("Ң"), "ң");
  EXPECT_EQ(LowerUtf8("Ө"), "ө");
  EXPECT_EQ(LowerUtf8("Ұ"), "ұ");
  EXPECT_EQ(LowerUtf8("Ү"), "ү");
  EXPECT_EQ(LowerUtf8("Һ"), "һ");
  EXPECT_EQ(LowerUtf8("І"), "і");
  EXPECT_EQ(LowerCodePoint(U'\u0406'), U'\u0456');
  EXPECT_EQ(LowerUtf8("ҚАЗАҚСТАН ӘЛЕМІ"), "қазақстан әлемі");
}

TEST(LowerCodePointTest, LowerCaseKazakhLettersAreFixedPoints) {
  for (char32_t c : {U'ә', U'ғ', U'қ', U'ң', U'ө', U'ұ', U'ү', U'һ', U'і'}) {
    EXPECT_EQ(LowerCodePoint(c), c) << static_cast<int>(c);
  }
}

TEST(LowerCodePointTest, IsIdempotentOverTheBmp) {
  for (char32_t c = 0; c < 0x10000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const char32_t lower = LowerCodePoint(c);
    ASSERT_EQ(LowerCodePoint(lower), lower) << std::hex << static_cast<int>(c);
  }
}

TEST(LowerCodePointTest, LatinLowerCaseOnlyLettersAreFixedPoints) {
  for (char32_t c : {char32_t{0x0131}, char32_t{0x0138}, char32_t{0x0149},
                     char32_t{0x00DF}, char32_t{0x00FF}}) {
    EXPECT_EQ(LowerCodePoint(c), c) << std::hex << static_cast<int>(c);
  }
}

TEST(LowerCodePointTest, OtherScriptsPassThrough) {
  EXPECT_EQ(LowerCodePoint(U'中'), U'中');
  EXPECT_EQ(LowerCodePoint(U'א'), U'א');
  EXPECT_EQ(LowerCodePoint(0x1F600), char32_t{0x1F600});
}

TEST(LowerUtf8Test, InvalidSequencesBecomeReplacementCharacter) {
  const std::string kReplacement = "\xEF\xBF\xBD";
  EXPECT_EQ(LowerUtf8("\xFF"), kReplacement);
  EXPECT_EQ(LowerUtf8("A\xFF"
                      "B"),
            "a" + kReplacement + "b");
  EXPECT_EQ(LowerUtf8("\xD0"), kReplacement);  // truncated 2-byte sequence
  const std::string overlong = LowerUtf8("\xC0\xAF");
  EXPECT_TRUE(IsValidUtf8(overlong));
  EXPECT_EQ(overlong.find('/'), std::string::npos);
  const std::string surrogate = LowerUtf8("\xED\xA0\x80");
  EXPECT_TRUE(IsValidUtf8(surrogate));
  EXPECT_EQ(surrogate.find("\xED\xA0"), std::string::npos);
}

TEST(TokenizeTest, InvalidUtf8NeverLeaksIntoTokens) {
  const std::vector<std::string> inputs = {
      "\xFF",
      "abc\xFF"
      "def",
      "руда\xD0",
      "\xD0руда",
      "ore\xC0\xAFmine",
      "ab\xED\xA0\x80"
      "cd",
      "\xF4\x90\x80\x80xy",
      "\xE0\x80\x80zz",
      std::string("nul\0byte", 8),
      "\xC3",
      "\xE2\x82",
      "\xF0\x9F\x98",
  };
  for (const std::string& input : inputs) {
    for (const std::string& token : Tokenize(input, {.drop_stopwords = false,
                                                    .min_length = 1,
                                                    .keep_numbers = true})) {
      EXPECT_TRUE(IsValidUtf8(token)) << "input: " << input;
      EXPECT_FALSE(token.empty());
    }
    EXPECT_TRUE(IsValidUtf8(LowerUtf8(input)));
  }
  EXPECT_THAT(Tokenize("abc\xFF"
                       "def"),
              ElementsAre("abc", "def"));
  EXPECT_THAT(Tokenize("ore\xC0\xAFmine"), ElementsAre("ore", "mine"));
  EXPECT_THAT(Tokenize("ab\xED\xA0\x80"
                       "cd"),
              ElementsAre("ab", "cd"));
  EXPECT_THAT(Tokenize("руда\xD0"), ElementsAre("руда"));
}

TEST(TokenizeTest, AllByteValuesNeverProduceInvalidUtf8) {
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all.push_back(static_cast<char>(i));
    all.push_back('q');
  }
  for (int i = 0; i < 256; ++i) {
    for (int j = 0x80; j < 256; j += 7) {
      all.push_back(static_cast<char>(i));
      all.push_back(static_cast<char>(j));
    }
  }
  for (const std::string& token : Tokenize(
           all,
           {.drop_stopwords = false, .min_length = 1, .keep_numbers = true})) {
    EXPECT_TRUE(IsValidUtf8(token));
  }
  EXPECT_TRUE(IsValidUtf8(LowerUtf8(all)));
}

TEST(TokenizeTest, SplitsOnPunctuationAndHyphens) {
  EXPECT_THAT(Tokenize("co-operation, heat-exchanger; ore/rock (pilot)"),
              ElementsAre("co", "operation", "heat", "exchanger", "ore", "rock",
                          "pilot"));
  EXPECT_THAT(Tokenize("O'Brien's lab"), ElementsAre("brien", "lab"));
  EXPECT_THAT(Tokenize("«Руда»—медь…золото"),
              ElementsAre("руда", "медь", "золото"));
  EXPECT_THAT(Tokenize("alpha\tbeta\ngamma  delta"),
              ElementsAre("alpha", "beta", "gamma", "delta"));
}

TEST(TokenizeTest, LowerCases) {
  EXPECT_THAT(Tokenize("Flotation CELLS Қазақстан"),
              ElementsAre("flotation", "cells", "қазақстан"));
}

TEST(TokenizeTest, DropsStopwords) {
  EXPECT_THAT(Tokenize("The flotation of the copper and the ore"),
              ElementsAre("flotation", "copper", "ore"));
  EXPECT_THAT(Tokenize("Обогащение для руды или меди это"),
              ElementsAre("обогащение", "руда", "медь"));
  EXPECT_THAT(
      Tokenize("Обогащение для руды или меди это", {.multilingual = false}),
      ElementsAre("обогащение", "руды", "меди"));
  EXPECT_THAT(
      Tokenize("the copper", {.drop_stopwords = false, .min_length = 2}),
      ElementsAre("the", "copper"));
  EXPECT_TRUE(IsStopword("the"));
  EXPECT_TRUE(IsStopword("для"));
  EXPECT_FALSE(IsStopword("copper"));
  EXPECT_FALSE(IsStopword("The"));
}

TEST(TokenizeTest, DropsOneLetterTokens) {
  EXPECT_THAT(Tokenize("x ray b c ab"), ElementsAre("ray", "ab"));
  // Two-byte letters count as one code point each.
  EXPECT_THAT(Tokenize("ж жж"), ElementsAre("жж"));
  EXPECT_THAT(Tokenize("x ray", {.drop_stopwords = true, .min_length = 1}),
              ElementsAre("x", "ray"));
  EXPECT_THAT(Tokenize("ore rock", {.drop_stopwords = true, .min_length = 4}),
              ElementsAre("rock"));
}

TEST(TokenizeTest, NumbersOnlyWithKeepNumbers) {
  EXPECT_THAT(Tokenize("2024 ISO 9001 copper"), ElementsAre("iso", "copper"));
  EXPECT_THAT(
      Tokenize("2024 ISO 9001 copper 7",
               {.drop_stopwords = true, .min_length = 2, .keep_numbers = true}),
      ElementsAre("2024", "iso", "9001", "copper", "7"));
  // Mixed letters and digits are words, not numbers.
  EXPECT_THAT(Tokenize("covid19 h2o"), ElementsAre("covid19", "h2o"));
}

TEST(TokenizeTest, MixedCyrillicAndLatin) {
  EXPECT_THAT(Tokenize("Обогащение руды: flotation"),
              ElementsAre("обогащение", "руда", "flotation"));
}

TEST(TokenizeTest, EmptyAndSeparatorOnly) {
  EXPECT_THAT(Tokenize(""), IsEmpty());
  EXPECT_THAT(Tokenize("  ,.;-- !!"), IsEmpty());
  EXPECT_THAT(Tokenize("the and of"), IsEmpty());
}

TEST(TokenizeTest, EmojiAndSymbolsSeparate) {
  EXPECT_THAT(Tokenize("ore😀mine ore→mine"),
              ElementsAre("ore", "mine", "ore", "mine"));
  EXPECT_THAT(
      Tokenize("5×10 m²",
               {.drop_stopwords = true, .min_length = 2, .keep_numbers = true}),
      ElementsAre("5", "10"));
}

TEST(TokenizeTest, OtherScriptsAreKept) {
  EXPECT_THAT(Tokenize("中文 ore"), IsSupersetOf({"中文", "ore"}));
}

}  // namespace
}  // namespace helixmatch

namespace helixmatch {
namespace {

// Regressions: dotted capital I, capital sharp s, and lower-case letters
// of Latin Extended Additional that have no pair.
TEST(LowerUtf8RegressionTest, SpecialLatinLetters) {
  EXPECT_EQ(LowerCodePoint(0x130), U'i');
  EXPECT_EQ(LowerCodePoint(0x1E9E), 0xDFu);
  for (char32_t c : {0x1E96, 0x1E97, 0x1E98, 0x1E9A, 0x1E9C, 0x1E9F}) {
    EXPECT_EQ(LowerCodePoint(c), c) << std::hex << static_cast<int>(c);
  }
  EXPECT_EQ(LowerCodePoint(0x1EA0), 0x1EA1u);
  EXPECT_EQ(LowerUtf8("\xC4\xB0nternet"), "internet");
}

}  // namespace
}  // namespace helixmatch

namespace helixmatch {
namespace {

TEST(TokenizeNormalizationTest, NfkcAndFullCaseFolding) {
  // Compatibility forms: fullwidth letters, the fi ligature, superscripts
  // inside a word.
  EXPECT_THAT(Tokenize("ＣＯＰＰＥＲ ﬁltration"),
              ElementsAre("copper", "filtration"));
  // Full folding: ß is ss, final sigma is sigma.
  EXPECT_THAT(Tokenize("STRASSE Straße ΟΔΟΣ"),
              ElementsAre("strasse", "strasse", "οδοσ"));
  // Turkish dotted capital I stays plain i.
  EXPECT_THAT(Tokenize("İnternet İZMİR"), ElementsAre("internet", "izmir"));
  // LowerUtf8 stays simple folding: one code point for one.
  EXPECT_EQ(LowerUtf8("ß"), "ß");
}

TEST(TokenizeMultilingualTest, RussianWordsBecomeLemmas) {
  EXPECT_THAT(Tokenize("Очистка сточных вод на предприятиях"),
              ElementsAre("очистка", "сточный", "вода", "предприятие"));
  // ё is folded to е.
  EXPECT_THAT(Tokenize("Зелёный водород"), ElementsAre("зеленый", "водород"));
}

TEST(TokenizeMultilingualTest, KazakhLatinMeetsKazakhCyrillic) {
  const auto cyrillic = Tokenize("Мұнай өңдеу технологиялары");
  const auto latin = Tokenize("Mūnai öñdeu tehnologiialary");
  EXPECT_THAT(cyrillic, ElementsAre("мұнай", "өңдеу", "технология"));
  EXPECT_THAT(Tokenize("Өнеркәсіптік басқару жүйелерінің"),
              ElementsAre("өнеркәсіп", "басқару", "жүйе"));
  EXPECT_EQ(latin, cyrillic);
  // Capital I is the capital of ı (і) in Kazakh Latin; suffixes come off.
  EXPECT_THAT(Tokenize("Iskerlık jobalar Qazaqstanda"),
              ElementsAre("іскер", "жоба", "қазақстан"));
  EXPECT_THAT(Tokenize("Kömır şahtalaryndağy metandy paidalanu"),
              ElementsAre("көмір", "шахта", "метан", "пайдалану"));
}

TEST(TokenizeMultilingualTest, EnglishIsNotTransliterated) {
  EXPECT_THAT(Tokenize("Quality of quartz and quantum equipment"),
              ElementsAre("quality", "quartz", "quantum", "equipment"));
  EXPECT_THAT(Tokenize("Iraq"), ElementsAre("iraq"));
}

TEST(TokenizeMultilingualTest, LanguageIsDecidedPerSentence) {
  // A Kazakh sentence without a Kazakh-only letter is still Kazakh when
  // the text has one; the English sentence stays English.
  EXPECT_THAT(
      Tokenize("Су тазарту. Ауыл шаруашылығы. Water treatment"),
      ElementsAre("су", "тазарту", "ауыл", "шаруашылық", "water", "treatment"));
  // Without a Kazakh letter anywhere the same words read as Russian.
  EXPECT_THAT(Tokenize("Су тазарту"), ElementsAre("су", "тазарт"));
}

TEST(TextAnalysisIdentityTest, NamesTheLemmatizer) {
  EXPECT_THAT(TextAnalysisIdentity(), ::testing::HasSubstr("text-2"));
  EXPECT_THAT(TextAnalysisIdentity(), ::testing::HasSubstr("ru="));
}

}  // namespace
}  // namespace helixmatch
