#include "indexer/kazakh_transliteration.h"

#include "gtest/gtest.h"

namespace helixmatch {
namespace {

TEST(KazakhLatinToCyrillicTest, Alphabet2021) {
  EXPECT_EQ(KazakhLatinToCyrillic("qazaqstan"), "қазақстан");
  EXPECT_EQ(KazakhLatinToCyrillic("mūnai"), "мұнай");  // i after a vowel: й
  EXPECT_EQ(KazakhLatinToCyrillic("öñdeu"), "өңдеу");
  EXPECT_EQ(KazakhLatinToCyrillic("äleumettık"), "әлеуметтік");
  EXPECT_EQ(KazakhLatinToCyrillic("ğylym"), "ғылым");
  EXPECT_EQ(KazakhLatinToCyrillic("şaruaşylyq"), "шаруашылық");
  EXPECT_EQ(KazakhLatinToCyrillic("jüie"), "жүйе");
  EXPECT_EQ(KazakhLatinToCyrillic("su"), "су");
  EXPECT_EQ(KazakhLatinToCyrillic("ūiym"), "ұйым");
  EXPECT_EQ(KazakhLatinToCyrillic("ūńğ ňñ"), "ұңғ ңң");
  EXPECT_EQ(KazakhLatinToCyrillic("tehnologiia"), "технология");
  EXPECT_EQ(KazakhLatinToCyrillic("baiytu"), "байыту");
  EXPECT_EQ(KazakhLatinToCyrillic("iu"), "ю");
}

TEST(KazakhLatinToCyrillicTest, OtherCharactersAreCopied) {
  EXPECT_EQ(KazakhLatinToCyrillic(""), "");
  EXPECT_EQ(KazakhLatinToCyrillic("covid19"), "цовид19");
  EXPECT_EQ(KazakhLatinToCyrillic("су"), "су");
  EXPECT_EQ(KazakhLatinToCyrillic("中"), "中");
  // Invalid UTF-8 is copied, never expanded.
  EXPECT_EQ(KazakhLatinToCyrillic("\xFF"), "\xFF");
}

}  // namespace
}  // namespace helixmatch
