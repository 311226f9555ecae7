#include "indexer/word_vectors.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/checksum.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

template <typename T>
void AppendLittleEndian(T value, std::string* out) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}

std::string EncodeHeader(uint32_t dimension, uint32_t count) {
  std::string out = "HXWVEC01";
  AppendLittleEndian(dimension, &out);
  AppendLittleEndian(count, &out);
  return out;
}

std::string EncodeWords(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    AppendLittleEndian(static_cast<uint16_t>(word.size()), &out);
    out += word;
  }
  return out;
}

std::string EncodeFile(uint32_t dimension,
                       const std::vector<std::string>& words,
                       const std::vector<std::vector<float>>& rows) {
  std::string out =
      EncodeHeader(dimension, static_cast<uint32_t>(words.size()));
  out += EncodeWords(words);
  while (out.size() % 4 != 0) out.push_back('\0');
  for (const auto& row : rows) {
    for (float x : row) AppendLittleEndian(x, &out);
  }
  return out;
}

std::string WriteFile(const testing::TempDir& dir, const std::string& name,
                      const std::string& bytes) {
  const std::string path = dir.path() + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

class WordVectorsFileTest : public ::testing::Test {
 protected:
  // "ore" leaves the words section at a length that needs padding.
  const std::vector<std::string> words_ = {"copper", "ore", "руда"};
  const std::vector<std::vector<float>> rows_ = {
      {1.0f, 0.0f, 0.5f}, {0.0f, 2.0f, -1.0f}, {0.25f, 0.75f, 3.0f}};
  testing::TempDir dir_;
};

TEST_F(WordVectorsFileTest, LoadsAndFindsWords) {
  const std::string bytes = EncodeFile(3, words_, rows_);
  ASSERT_NE((8 + 8 + EncodeWords(words_).size()) % 4, 0u);
  const std::string path = WriteFile(dir_, "vectors.hxwv", bytes);
  auto loaded = WordVectors::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const auto& table = **loaded;
  EXPECT_EQ(table.dimension(), 3);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_THAT(table.Find("copper"), ElementsAre(1.0f, 0.0f, 0.5f));
  EXPECT_THAT(table.Find("ore"), ElementsAre(0.0f, 2.0f, -1.0f));
  EXPECT_THAT(table.Find("руда"), ElementsAre(0.25f, 0.75f, 3.0f));
  EXPECT_TRUE(table.Find("gold").empty());
  EXPECT_TRUE(table.Find("Copper").empty());
  EXPECT_TRUE(table.Find("").empty());
  EXPECT_TRUE(table.Find("coppe").empty());
}

TEST_F(WordVectorsFileTest, FirstOccurrenceOfADuplicateWordWins) {
  const std::string path =
      WriteFile(dir_, "dup.hxwv",
                EncodeFile(2, {"ore", "ore"}, {{1.0f, 2.0f}, {3.0f, 4.0f}}));
  auto loaded = WordVectors::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_THAT((*loaded)->Find("ore"), ElementsAre(1.0f, 2.0f));
}

TEST_F(WordVectorsFileTest, EmptyTableLoads) {
  const std::string path = WriteFile(dir_, "empty.hxwv", EncodeFile(5, {}, {}));
  auto loaded = WordVectors::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->size(), 0u);
  EXPECT_EQ((*loaded)->dimension(), 5);
  EXPECT_TRUE((*loaded)->Find("ore").empty());
}

TEST_F(WordVectorsFileTest, IdentityIsStableAndTracksContents) {
  const std::string bytes = EncodeFile(3, words_, rows_);
  const std::string path = WriteFile(dir_, "a.hxwv", bytes);
  auto first = WordVectors::Load(path);
  auto second = WordVectors::Load(path);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*first)->identity(), (*second)->identity());
  EXPECT_THAT((*first)->identity(), MatchesRegex("3x3:crc32c=[0-9a-f]{8}"));
  char expected[32];
  std::snprintf(expected, sizeof(expected), "3x3:crc32c=%08x", Crc32c(bytes));
  EXPECT_EQ((*first)->identity(), expected);

  auto changed_rows = rows_;
  changed_rows[1][2] = -1.5f;
  const std::string other_path =
      WriteFile(dir_, "b.hxwv", EncodeFile(3, words_, changed_rows));
  auto other = WordVectors::Load(other_path);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE((*other)->identity(), (*first)->identity());
}

TEST_F(WordVectorsFileTest, MissingFileIsNotFoundAndNamesPath) {
  const std::string path = dir_.path() + "/nope.hxwv";
  auto loaded = WordVectors::Load(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(loaded.status().message(), HasSubstr(path));
}

void ExpectDataLoss(const std::string& path, const std::string& what) {
  auto loaded = WordVectors::Load(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss)
      << loaded.status();
  EXPECT_THAT(loaded.status().message(), HasSubstr(path));
  EXPECT_THAT(loaded.status().message(), HasSubstr(what));
}

TEST_F(WordVectorsFileTest, BadMagicIsDataLoss) {
  std::string bytes = EncodeFile(3, words_, rows_);
  bytes[7] = '2';
  ExpectDataLoss(WriteFile(dir_, "magic.hxwv", bytes), "magic");
  ExpectDataLoss(WriteFile(dir_, "empty.hxwv", ""), "magic");
  ExpectDataLoss(WriteFile(dir_, "short.hxwv", "HXWVEC01\x03"), "magic");
}

TEST_F(WordVectorsFileTest, TruncatedWordsAreDataLoss) {
  // Header promises three words, the file ends inside the second.
  std::string bytes = EncodeHeader(3, 3) + EncodeWords({"copper", "ore"});
  bytes.resize(bytes.size() - 1);
  ExpectDataLoss(WriteFile(dir_, "words.hxwv", bytes), "truncated");
  // Ends inside a length prefix.
  std::string half_length =
      EncodeHeader(3, 2) + EncodeWords({"copper"}) + "\x03";
  ExpectDataLoss(WriteFile(dir_, "length.hxwv", half_length), "truncated");
}

TEST_F(WordVectorsFileTest, WrongTotalSizeIsDataLoss) {
  const std::string bytes = EncodeFile(3, words_, rows_);
  ExpectDataLoss(WriteFile(dir_, "long.hxwv", bytes + '\0'), "size");
  ExpectDataLoss(
      WriteFile(dir_, "short.hxwv", bytes.substr(0, bytes.size() - 1)), "size");
  ExpectDataLoss(
      WriteFile(dir_, "row.hxwv", bytes.substr(0, bytes.size() - 12)), "size");
}

TEST_F(WordVectorsFileTest, WrongDimensionIsDataLoss) {
  ExpectDataLoss(WriteFile(dir_, "zero.hxwv", EncodeFile(0, {}, {})),
                 "dimension");
  ExpectDataLoss(WriteFile(dir_, "huge.hxwv", EncodeFile(100000, {}, {})),
                 "dimension");
}

TEST_F(WordVectorsFileTest, NonFiniteComponentIsDataLoss) {
  auto rows = rows_;
  rows[1][1] = std::numeric_limits<float>::quiet_NaN();
  ExpectDataLoss(WriteFile(dir_, "nan.hxwv", EncodeFile(3, words_, rows)),
                 "ore");
  rows = rows_;
  rows[2][0] = -std::numeric_limits<float>::infinity();
  ExpectDataLoss(WriteFile(dir_, "inf.hxwv", EncodeFile(3, words_, rows)),
                 "finite");
}

TEST(WordVectorsFromRowsTest, BuildsTable) {
  auto table = WordVectors::FromRows(2, {"ore", "oil"}, {{1, 0}, {0, 1}});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->dimension(), 2);
  EXPECT_EQ((*table)->size(), 2u);
  EXPECT_THAT((*table)->Find("oil"), ElementsAre(0.0f, 1.0f));
  EXPECT_TRUE((*table)->Find("gas").empty());
  EXPECT_THAT((*table)->identity(), MatchesRegex("2x2:crc32c=[0-9a-f]{8}"));
}

TEST(WordVectorsFromRowsTest, IdentityDependsOnContents) {
  auto a = WordVectors::FromRows(2, {"ore", "oil"}, {{1, 0}, {0, 1}});
  auto b = WordVectors::FromRows(2, {"ore", "oil"}, {{1, 0}, {0, 1}});
  auto c = WordVectors::FromRows(2, {"ore", "oil"}, {{1, 0}, {0, 0.5f}});
  auto d = WordVectors::FromRows(2, {"ore", "gas"}, {{1, 0}, {0, 1}});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ((*a)->identity(), (*b)->identity());
  EXPECT_NE((*a)->identity(), (*c)->identity());
  EXPECT_NE((*a)->identity(), (*d)->identity());
}

TEST(WordVectorsFromRowsTest, RejectsMismatchedDimensions) {
  auto table = WordVectors::FromRows(3, {"ore", "oil"}, {{1, 0, 0}, {0, 1}});
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(table.status().message(), HasSubstr("oil"));
}

TEST(WordVectorsFromRowsTest, RejectsMismatchedCountsAndBadDimension) {
  EXPECT_EQ(WordVectors::FromRows(2, {"ore"}, {{1, 0}, {0, 1}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WordVectors::FromRows(0, {}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WordVectors::FromRows(-1, {}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SyntheticWordVectorsTest, HasClusters) {
  auto vectors = testing::SyntheticWordVectors();
  EXPECT_EQ(vectors->dimension(), 16);
  EXPECT_FALSE(vectors->Find("copper").empty());
  EXPECT_FALSE(vectors->Find("руда").empty());
  EXPECT_TRUE(vectors->Find("zebra").empty());
}

}  // namespace
}  // namespace helixmatch

namespace helixmatch {
namespace {

// Regression: a huge word count made Load reserve memory before checking
// the file size (std::bad_alloc).
TEST(WordVectorsRegressionTest, HugeWordCountIsDataLossNotACrash) {
  testing::TempDir dir;
  std::string bytes = "HXWVEC01";
  AppendLittleEndian<uint32_t>(3, &bytes);
  AppendLittleEndian<uint32_t>(0xFFFFFFFFu, &bytes);
  AppendLittleEndian<uint16_t>(1, &bytes);
  bytes += "a";
  const std::string path = dir.path() + "/huge.hxwv";
  std::ofstream(path, std::ios::binary) << bytes;
  auto loaded = WordVectors::Load(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace helixmatch

namespace helixmatch {
namespace {

// Rows in order of frequency, as GloVe's are: "water" is more frequent than
// "backwash".
class WordVectorsLexiconTest : public ::testing::Test {
 protected:
  const std::vector<std::string> words_ = {"water", "copper", "oil",
                                           "backwash"};
  const std::vector<std::vector<float>> rows_ = {
      {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, -1}};
  testing::TempDir dir_;
};

TEST_F(WordVectorsLexiconTest, BridgedRowsAreFrequencyWeightedMeans) {
  auto base = WordVectors::FromRows(3, words_, rows_);
  ASSERT_TRUE(base.ok());
  auto lexicon = CrossLingualLexicon::Parse(
      "вода\tbackwash water\nмедь\tcopper\nкварк\tquark\n", "b.tsv",
      "мыс\tмедь\n", "g.tsv");
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  auto bridged = WordVectors::WithLexicon(*base, std::move(*lexicon));
  ASSERT_TRUE(bridged.ok()) << bridged.status();
  const WordVectors& table = **bridged;
  EXPECT_THAT(table.Find("медь"), ElementsAre(0.0f, 1.0f, 0.0f));
  EXPECT_THAT(table.Find("мыс"), ElementsAre(0.0f, 1.0f, 0.0f));
  // water (rank 0) weighs 1, backwash (rank 3) 1/sqrt(1.003): nearly even,
  // and the mean leans to water.
  const auto water = table.Find("вода");
  ASSERT_EQ(water.size(), 3u);
  EXPECT_GT(water[0], 0.49f);
  EXPECT_LT(water[2], 0.0f);
  EXPECT_GT(water[0], -water[2]);
  EXPECT_TRUE(table.Find("кварк").empty());  // no English word in the table
  EXPECT_THAT(table.Find("copper"), ElementsAre(0.0f, 1.0f, 0.0f));
  ASSERT_NE(table.Translation("мыс"), nullptr);
  EXPECT_EQ(table.Translation("мыс")->via, "медь");
  EXPECT_EQ(table.Translation("copper"), nullptr);
  EXPECT_EQ(table.Translation("кварк"), nullptr);
  EXPECT_THAT(table.identity(),
              MatchesRegex("4x3:crc32c=[0-9a-f]{8}\\+ru-en=3:[0-9a-f]{8},"
                           "kk-ru=1:[0-9a-f]{8},rows=[0-9]+"));
  EXPECT_NE(table.identity(), (*base)->identity());
}

TEST_F(WordVectorsLexiconTest, EquivalentsKeepTheSensesThatFitTheContext) {
  auto base = WordVectors::FromRows(3, words_, rows_);
  ASSERT_TRUE(base.ok());
  auto lexicon = CrossLingualLexicon::Parse(
      "сорт\tcopper water quark oil\n", "b.tsv", "", "g.tsv");
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  auto bridged = WordVectors::WithLexicon(*base, std::move(*lexicon));
  ASSERT_TRUE(bridged.ok()) << bridged.status();
  const WordVectors& table = **bridged;
  // Without a context: the dictionary's first word GloVe has.
  EXPECT_THAT(table.Equivalents("сорт"), ElementsAre("copper"));
  // In context, the English word closest to it.
  const std::vector<float> oily = {0.1f, 0, 1};
  EXPECT_THAT(table.Equivalents("сорт", oily), ElementsAre("oil"));
  const std::vector<float> watery = {1, 0, 0.5f};
  EXPECT_THAT(table.Equivalents("сорт", watery), ElementsAre("water"));
  // An English word reaches the lemmas whatever the context.
  EXPECT_THAT(table.Equivalents("copper", oily), ElementsAre("сорт"));
  EXPECT_THAT(table.Equivalents("oil", oily), ElementsAre());  // fourth word
  EXPECT_THAT((*base)->Equivalents("сорт"), ElementsAre());     // no lexicon
}

TEST_F(WordVectorsLexiconTest, LoadReadsTheLexiconBeside) {
  const std::string path =
      WriteFile(dir_, "vectors.hxwv", EncodeFile(3, words_, rows_));
  auto plain = WordVectors::Load(path);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ((*plain)->lexicon(), nullptr);
  WriteFile(dir_, std::string(WordVectors::kBridgeFile), "медь\tcopper\n");
  WriteFile(dir_, std::string(WordVectors::kGlossaryFile), "мыс\tмедь\n");
  auto bridged = WordVectors::Load(path);
  ASSERT_TRUE(bridged.ok()) << bridged.status();
  ASSERT_NE((*bridged)->lexicon(), nullptr);
  EXPECT_FALSE((*bridged)->Find("мыс").empty());
  auto english = WordVectors::Load(path, WordVectors::Bridge::kEnglishOnly);
  ASSERT_TRUE(english.ok());
  EXPECT_TRUE((*english)->Find("мыс").empty());
  EXPECT_EQ((*english)->identity(), (*plain)->identity());
}

TEST_F(WordVectorsLexiconTest, MalformedGlossaryBesideFailsTheLoad) {
  const std::string path =
      WriteFile(dir_, "vectors.hxwv", EncodeFile(3, words_, rows_));
  WriteFile(dir_, std::string(WordVectors::kBridgeFile), "медь\tcopper\n");
  auto missing = WordVectors::Load(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("kk-ru-glossary.tsv"));
  WriteFile(dir_, std::string(WordVectors::kGlossaryFile),
            "# ours\nмыс\tмедь\nжоба\n");
  auto bad = WordVectors::Load(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(),
              HasSubstr("kk-ru-glossary.tsv:3: expected 2 tab-separated "
                        "fields (Kazakh word, Russian or English words)"));
}

TEST_F(WordVectorsLexiconTest, ABrokenTableIsReportedBeforeABrokenLexicon) {
  // The lexicon is read first (to size the table), but the table's error
  // is the one a user needs first: the command that fetches the vectors.
  WriteFile(dir_, std::string(WordVectors::kBridgeFile), "медь\tcopper\n");
  auto missing = WordVectors::Load(dir_.path() + "/vectors.hxwv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("scripts/fetch-word-vectors.sh"));
}

TEST_F(WordVectorsLexiconTest, RowsAddedInPlaceKeepTheTableIntact) {
  // The table is read with room for the lexicon's rows: the GloVe rows
  // must read back unchanged after the bridged ones are appended.
  const std::string path =
      WriteFile(dir_, "vectors.hxwv", EncodeFile(3, words_, rows_));
  WriteFile(dir_, std::string(WordVectors::kBridgeFile),
            "медь\tcopper\nвода\twater\n");
  WriteFile(dir_, std::string(WordVectors::kGlossaryFile), "мыс\tмедь\n");
  auto bridged = WordVectors::Load(path);
  ASSERT_TRUE(bridged.ok()) << bridged.status();
  for (size_t i = 0; i < words_.size(); ++i) {
    const auto row = (*bridged)->Find(words_[i]);
    ASSERT_EQ(row.size(), 3u) << words_[i];
    EXPECT_EQ(std::vector<float>(row.begin(), row.end()), rows_[i])
        << words_[i];
  }
  EXPECT_FALSE((*bridged)->Find("вода").empty());
}

}  // namespace
}  // namespace helixmatch
