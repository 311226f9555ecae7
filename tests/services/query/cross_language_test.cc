// Lexical matching across languages (issue 15): a query word's
// equivalents in the other languages (CrossLingualLexicon::Equivalents)
// join its BM25 terms, and explanations show the asked word with the word
// it matched through. Over the engine with the synthetic corpus and a
// small lexicon written here.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using namespace ::helixmatch::testing;  // NOLINT: the fixture's helpers
using ::testing::Contains;
using ::testing::Not;

std::shared_ptr<const WordVectors> BridgedVectors() {
  auto lexicon = CrossLingualLexicon::Parse(
      "медь\tcopper\nруда\tore\nобогащение\tprocessing\n", "bridge.tsv",
      "мыс\tмедь\n", "glossary.tsv");
  EXPECT_TRUE(lexicon.ok()) << lexicon.status();
  auto vectors =
      WordVectors::WithLexicon(SyntheticWordVectors(), std::move(*lexicon));
  EXPECT_TRUE(vectors.ok()) << vectors.status();
  return *vectors;
}

class CrossLanguageTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(BridgedVectors(), dir_.path()); }

  void Open(std::shared_ptr<const WordVectors> vectors,
            const std::string& data_dir) {
    engine_.reset();
    EngineOptions options;
    options.data_dir = data_dir;
    options.word_vectors = std::move(vectors);
    options.reference_year = 2025;
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  template <typename T>
  void Put(const T& message) {
    auto response = engine_->Upsert(Rec(message));
    ASSERT_TRUE(response.ok()) << response.status();
  }

  // An English copper lab, a Kazakh one, and an oil lab with none of the
  // words.
  void AddLabs() {
    Put(University("u_en", "KZ", "Karaganda", "mining"));
    Put(University("u_kk", "KZ", "Zhezkazgan", "mining"));
    Put(University("u_oil", "KZ", "Atyrau", "oil-gas"));
    Put(Firm("f_ru", "KZ", "Balkhash", "mining"));
    Put(MakeCapability("cap_en", "u_en", "Copper ore processing laboratory"));
    // "Copper smelting laboratory" in Kazakh.
    Put(MakeCapability("cap_kk", "u_kk", "Мыс балқыту зертханасы"));
    Put(MakeCapability("cap_oil", "u_oil", "Oil pipeline corrosion"));
  }

  v1::RecommendResponse Ask(const v1::RecommendRequest& request,
                            const Viewer& viewer = Viewer{}) {
    auto response = engine_->Recommend(request, viewer);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::RecommendResponse();
  }

  TempDir dir_;
  std::unique_ptr<MatchingEngine> engine_;
};

const v1::MatchedProfile* Profile(const v1::RecommendResponse& r,
                                  const std::string& id) {
  for (const auto& s : r.suggestions()) {
    for (const auto& p : s.profiles()) {
      if (p.id() == id) return &p;
    }
  }
  return nullptr;
}

TEST_F(CrossLanguageTest, RussianNeedMatchesEnglishAndKazakhWordsLexically) {
  AddLabs();
  const auto r = Ask(ForText("медь руда обогащение",
                             v1::DIRECTION_NEED_TO_CAPABILITIES));
  const v1::MatchedProfile* en = Profile(r, "cap_en");
  ASSERT_NE(en, nullptr);
  EXPECT_GT(en->lexical(), 0.3);
  EXPECT_THAT(en->matched_terms(), Contains("медь → copper"));
  EXPECT_THAT(en->matched_terms(), Contains("руда → ore"));
  EXPECT_THAT(en->matched_terms(), Contains("обогащение → processing"));
  const v1::Suggestion* first = &r.suggestions(0);
  EXPECT_EQ(first->organization().id(), "u_en");
  EXPECT_THAT(first->evidence_terms(), Contains("медь → copper"));
  // The Kazakh lab matches through the Russian word мыс goes through.
  const v1::MatchedProfile* kk = Profile(r, "cap_kk");
  ASSERT_NE(kk, nullptr);
  EXPECT_GT(kk->lexical(), 0);
  EXPECT_THAT(kk->matched_terms(), Contains("медь → мыс"));
  // The oil lab shares no word in any language.
  const v1::MatchedProfile* oil = Profile(r, "cap_oil");
  if (oil != nullptr) {
    EXPECT_EQ(oil->lexical(), 0);
  }
}

TEST_F(CrossLanguageTest, EnglishQueryMatchesAKazakhProfile) {
  AddLabs();
  const auto r =
      Ask(ForText("copper", v1::DIRECTION_NEED_TO_CAPABILITIES));
  const v1::MatchedProfile* kk = Profile(r, "cap_kk");
  ASSERT_NE(kk, nullptr);
  EXPECT_GT(kk->lexical(), 0);
  EXPECT_THAT(kk->matched_terms(), Contains("copper → мыс"));
  // The word itself outweighs its translation.
  const v1::MatchedProfile* en = Profile(r, "cap_en");
  ASSERT_NE(en, nullptr);
  EXPECT_THAT(en->matched_terms(), Contains("copper"));
  EXPECT_GT(en->lexical(), kk->lexical());
}

TEST_F(CrossLanguageTest, RecordQueriesCrossLanguagesToo) {
  AddLabs();
  v1::FirmNeed need = MakeNeed("need_ru", "f_ru", "медь");
  Put(need);
  const auto r = Ask(ForNeed("need_ru"), Viewer::Organization("f_ru"));
  const v1::MatchedProfile* en = Profile(r, "cap_en");
  ASSERT_NE(en, nullptr);
  EXPECT_THAT(en->matched_terms(), Contains("медь → copper"));
}

TEST_F(CrossLanguageTest, WordsOnlyInRecordsTheViewerMayNotSeeAreNotAdded) {
  AddLabs();
  Put(Firm("f_secret", "KZ", "Balkhash", "mining"));
  v1::FirmNeed hidden = MakeNeed("need_secret", "f_secret", "руда");
  hidden.set_visibility(v1::VISIBILITY_PRIVATE);
  Put(hidden);
  Put(MakeNeed("need_open", "f_ru", "copper ore"));
  // A university asking which needs fit "ore" sees the open need; руда
  // is held only by the private need, so the query never gains it and
  // the private need is never suggested or explained.
  const auto r = Ask(ForText("ore", v1::DIRECTION_CAPABILITY_TO_NEEDS),
                     Viewer::Organization("u_en"));
  for (const auto& s : r.suggestions()) {
    EXPECT_NE(s.organization().id(), "f_secret");
    EXPECT_THAT(s.evidence_terms(), Not(Contains("ore → руда")));
  }
  ASSERT_NE(Profile(r, "need_open"), nullptr);
  // The same word in a need the university may see does cross.
  Put(Firm("f_open", "KZ", "Balkhash", "mining"));
  Put(MakeNeed("need_open_ru", "f_open", "руда"));
  const auto open = Ask(ForText("ore", v1::DIRECTION_CAPABILITY_TO_NEEDS),
                        Viewer::Organization("u_en"));
  const v1::MatchedProfile* crossed = Profile(open, "need_open_ru");
  ASSERT_NE(crossed, nullptr);
  EXPECT_THAT(crossed->matched_terms(), Contains("ore → руда"));
  EXPECT_EQ(Profile(open, "need_secret"), nullptr);
}

TEST_F(CrossLanguageTest, WithoutALexiconNothingCrosses) {
  TempDir other;
  Open(SyntheticWordVectors(), other.path());
  AddLabs();
  const auto r = Ask(ForText("медь руда обогащение",
                             v1::DIRECTION_NEED_TO_CAPABILITIES));
  const v1::MatchedProfile* en = Profile(r, "cap_en");
  if (en != nullptr) {
    EXPECT_EQ(en->lexical(), 0);
    EXPECT_TRUE(en->matched_terms().empty());
  }
  engine_.reset();  // before its folder goes
}

}  // namespace
}  // namespace helixmatch
