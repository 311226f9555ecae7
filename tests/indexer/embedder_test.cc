#include "indexer/embedder.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/text_analyzer.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::HasSubstr;

double Norm(const std::vector<float>& v) {
  double sum = 0;
  for (float x : v) sum += double{x} * x;
  return std::sqrt(sum);
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0;
  for (size_t i = 0; i < a.size(); ++i) dot += double{a[i]} * b[i];
  return dot / (Norm(a) * Norm(b));
}

const std::vector<std::vector<std::string>>& Corpus() {
  static const auto* corpus = new std::vector<std::vector<std::string>>{
      {"copper", "ore", "ore"},
      {"copper", "oil"},
      {"copper", "wheat"},
      {"copper", "solar", "oil"},
  };
  return *corpus;
}

TEST(IdfTableTest, FitFollowsTheFormula) {
  const IdfTable idf = IdfTable::Fit(Corpus());
  EXPECT_EQ(idf.documents(), 4);
  EXPECT_EQ(idf.terms(), 5u);
  EXPECT_NEAR(idf.Idf("copper"), std::log(1.0 + 4.0 / 4.0), 1e-6);
  EXPECT_NEAR(idf.Idf("oil"), std::log(1.0 + 4.0 / 2.0), 1e-6);
  // Counted once although it occurs twice in its document.
  EXPECT_NEAR(idf.Idf("ore"), std::log(1.0 + 4.0 / 1.0), 1e-6);
  EXPECT_NEAR(idf.Idf("never-seen"), std::log(1.0 + 4.0), 1e-6);
}

TEST(IdfTableTest, RareTermsWeighMoreThanCommonOnes) {
  const IdfTable idf = IdfTable::Fit(Corpus());
  EXPECT_GT(idf.Idf("ore"), idf.Idf("oil"));
  EXPECT_GT(idf.Idf("oil"), idf.Idf("copper"));
  EXPECT_GT(idf.Idf("copper"), 0.0);
  EXPECT_NEAR(idf.Idf("unseen"), idf.Idf("ore"), 1e-6);
  EXPECT_GE(idf.Idf("unseen"), idf.Idf("oil"));
}

TEST(IdfTableTest, EmptyCorpus) {
  const IdfTable idf = IdfTable::Fit({});
  EXPECT_EQ(idf.documents(), 0);
  EXPECT_EQ(idf.terms(), 0u);
  EXPECT_TRUE(std::isfinite(idf.Idf("anything")));
  EXPECT_GT(idf.Idf("anything"), 0.0);
}

TEST(IdfTableTest, ProtoRoundTrip) {
  const IdfTable idf = IdfTable::Fit(Corpus());
  storage::EmbeddingModel model;
  idf.ToProto(&model);
  EXPECT_EQ(model.documents(), 4);
  EXPECT_EQ(model.idf_size(), 5);
  for (int i = 1; i < model.idf_size(); ++i) {
    EXPECT_LT(model.idf(i - 1).term(), model.idf(i).term());
  }
  const IdfTable back = IdfTable::FromProto(model);
  EXPECT_EQ(back.documents(), idf.documents());
  EXPECT_EQ(back.terms(), idf.terms());
  for (const char* term : {"copper", "ore", "oil", "wheat", "solar", "zzz"}) {
    EXPECT_NEAR(back.Idf(term), idf.Idf(term), 1e-6) << term;
  }
  // Serializing again gives the same proto.
  storage::EmbeddingModel again;
  back.ToProto(&again);
  EXPECT_EQ(again.SerializeAsString(), model.SerializeAsString());
}

TEST(IdfTableTest, ToProtoReplacesExistingEntries) {
  storage::EmbeddingModel model;
  auto* stale = model.add_idf();
  stale->set_term("stale");
  stale->set_idf(9);
  IdfTable::Fit(Corpus()).ToProto(&model);
  EXPECT_EQ(model.idf_size(), 5);
  EXPECT_NEAR(IdfTable::FromProto(model).Idf("stale"), std::log(5.0), 1e-6);
}

TEST(NormalizeInPlaceTest, ScalesToUnitLength) {
  std::vector<float> v = {3, 4};
  NormalizeInPlace(&v);
  EXPECT_THAT(v, ElementsAre(FloatNear(0.6f, 1e-6), FloatNear(0.8f, 1e-6)));
  std::vector<float> zero = {0, 0, 0};
  NormalizeInPlace(&zero);
  EXPECT_THAT(zero, Each(0.0f));
}

class GloveIdfEmbedderTest : public ::testing::Test {
 protected:
  GloveIdfEmbedderTest()
      : vectors_(testing::SyntheticWordVectors()),
        embedder_(vectors_,
                  IdfTable::Fit({Tokenize("copper flotation ore mining"),
                                 Tokenize("oil gas pipeline corrosion"),
                                 Tokenize("wheat drought irrigation"),
                                 Tokenize("copper oil solar grid")})) {}

  std::shared_ptr<const WordVectors> vectors_;
  GloveIdfEmbedder embedder_;
};

TEST_F(GloveIdfEmbedderTest, OutputIsUnitLength) {
  EXPECT_EQ(embedder_.Dimension(), 16);
  int known = -1;
  const auto v =
      embedder_.Embed(Tokenize("copper flotation and ore grinding"), &known);
  ASSERT_EQ(v.size(), 16u);
  EXPECT_EQ(known, 4);
  EXPECT_NEAR(Norm(v), 1.0, 1e-5);
  EXPECT_NEAR(Norm(embedder_.Embed({"oil"})), 1.0, 1e-5);
}

TEST_F(GloveIdfEmbedderTest, UnknownWordsGiveZeroVector) {
  int known = -1;
  const auto v = embedder_.Embed({"zebra", "giraffe"}, &known);
  EXPECT_EQ(known, 0);
  ASSERT_EQ(v.size(), 16u);
  EXPECT_THAT(v, Each(0.0f));
  known = -1;
  EXPECT_THAT(embedder_.Embed({}, &known), Each(0.0f));
  EXPECT_EQ(known, 0);
  EXPECT_EQ(embedder_.Embed({}).size(), 16u);
}

TEST_F(GloveIdfEmbedderTest, CountsOnlyKnownTokens) {
  int known = -1;
  embedder_.Embed({"zebra", "copper", "giraffe", "ore"}, &known);
  EXPECT_EQ(known, 2);
  const auto with_unknown = embedder_.Embed({"zebra", "copper"});
  const auto without = embedder_.Embed({"copper"});
  for (size_t i = 0; i < without.size(); ++i) {
    EXPECT_FLOAT_EQ(with_unknown[i], without[i]);
  }
}

TEST_F(GloveIdfEmbedderTest, SameClusterIsCloserThanOtherClusters) {
  const auto mining = embedder_.Embed(Tokenize("copper ore flotation"));
  const auto mining2 = embedder_.Embed(Tokenize("smelter tailings grinding"));
  const auto oil = embedder_.Embed(Tokenize("pipeline corrosion drilling"));
  const auto farm = embedder_.Embed(Tokenize("wheat drought irrigation"));
  const auto russian = embedder_.Embed(Tokenize("Обогащение руда медь"));
  EXPECT_GT(Cosine(mining, mining2), 0.8);
  EXPECT_GT(Cosine(mining, mining2), Cosine(mining, oil) + 0.3);
  EXPECT_GT(Cosine(mining, mining2), Cosine(mining, farm) + 0.3);
  EXPECT_GT(Cosine(mining, russian), Cosine(mining, oil));
  EXPECT_GT(Cosine(oil, embedder_.Embed({"refinery", "petroleum"})),
            Cosine(oil, farm) + 0.3);
}

TEST_F(GloveIdfEmbedderTest, RareTermsDominateTheAverage) {
  // "ore" occurs in one document, "copper" in two: the mix leans to "ore"
  // only through the IDF weights.
  const IdfTable skewed = IdfTable::Fit(
      {{"copper"}, {"copper"}, {"copper"}, {"copper"}, {"copper"}, {"oil"}});
  const GloveIdfEmbedder weighted(vectors_, skewed);
  const auto mix = weighted.Embed({"copper", "oil"});
  const auto copper = weighted.Embed({"copper"});
  const auto oil = weighted.Embed({"oil"});
  EXPECT_GT(Cosine(mix, oil), Cosine(mix, copper));
  const GloveIdfEmbedder reversed(
      vectors_,
      IdfTable::Fit({{"oil"}, {"oil"}, {"oil"}, {"oil"}, {"copper"}}));
  const auto mix2 = reversed.Embed({"copper", "oil"});
  EXPECT_GT(Cosine(mix2, copper), Cosine(mix2, oil));
}

TEST_F(GloveIdfEmbedderTest, ModelRoundTripGivesTheSameVectors) {
  const storage::EmbeddingModel model = embedder_.ToModel();
  EXPECT_EQ(model.kind(), "glove-idf");
  EXPECT_EQ(model.word_vectors(), vectors_->identity());
  EXPECT_EQ(model.dimension(), 16);
  EXPECT_EQ(model.documents(), 4);
  auto restored = GloveIdfEmbedder::FromModel(vectors_, model);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)->Identity(), embedder_.Identity());
  for (const char* text :
       {"copper ore flotation", "oil pipeline", "solar wheat copper"}) {
    const auto a = embedder_.Embed(Tokenize(text));
    const auto b = (*restored)->Embed(Tokenize(text));
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(a[i], b[i]) << text;
  }
}

TEST_F(GloveIdfEmbedderTest, StoreOfAnotherTextAnalysisIsRefused) {
  storage::EmbeddingModel model = embedder_.ToModel();
  EXPECT_EQ(model.text_analysis(), TextAnalysisIdentity());
  EXPECT_THAT(embedder_.Identity(), HasSubstr(TextAnalysisIdentity()));
  // A store from before the multilingual analysis has no text_analysis.
  model.clear_text_analysis();
  auto old = GloveIdfEmbedder::FromModel(vectors_, model);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(old.status().message(), HasSubstr("text-1"));
  EXPECT_THAT(old.status().message(), HasSubstr("re-import"));
  model.set_text_analysis("text-2:other");
  EXPECT_EQ(GloveIdfEmbedder::FromModel(vectors_, model).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(GloveIdfEmbedderTest, IdentityNamesTheModelAndVectors) {
  EXPECT_THAT(embedder_.Identity(), HasSubstr("glove-idf"));
  EXPECT_THAT(embedder_.Identity(), HasSubstr(vectors_->identity()));
  const GloveIdfEmbedder other(vectors_, IdfTable::Fit({{"copper"}}));
  EXPECT_NE(other.Identity(), embedder_.Identity());
}

TEST_F(GloveIdfEmbedderTest, FromModelRejectsOtherWordVectors) {
  auto other_vectors =
      WordVectors::FromRows(16, {"copper"}, {std::vector<float>(16, 0.25f)});
  ASSERT_TRUE(other_vectors.ok());
  auto restored =
      GloveIdfEmbedder::FromModel(*other_vectors, embedder_.ToModel());
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(restored.status().message(),
              HasSubstr((*other_vectors)->identity()));
  EXPECT_THAT(restored.status().message(), HasSubstr(vectors_->identity()));
}

TEST_F(GloveIdfEmbedderTest, FromModelRejectsOtherKind) {
  storage::EmbeddingModel model = embedder_.ToModel();
  model.set_kind("lsa");
  auto restored = GloveIdfEmbedder::FromModel(vectors_, model);
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(restored.status().message(), HasSubstr("lsa"));
  model.set_kind("");
  EXPECT_EQ(GloveIdfEmbedder::FromModel(vectors_, model).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace helixmatch

namespace helixmatch {
namespace {

// Regression: two IDF tables with the same document and term counts but
// different weights had the same identity.
TEST(GloveIdfEmbedderRegressionTest, IdentityReflectsTheWeights) {
  const auto vectors = testing::SyntheticWordVectors();
  const GloveIdfEmbedder a(vectors,
                           IdfTable::Fit({{"copper", "oil"}, {"copper"}}));
  const GloveIdfEmbedder b(vectors,
                           IdfTable::Fit({{"copper", "oil"}, {"oil"}}));
  EXPECT_NE(a.Embed({"copper", "oil"}), b.Embed({"copper", "oil"}));
  EXPECT_NE(a.Identity(), b.Identity());
}

}  // namespace
}  // namespace helixmatch
