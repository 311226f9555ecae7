// Claims through every write path of the engine (Upsert, BatchUpsert,
// IngestChunk, RecordOutcome, ConfirmOutcome) and across a restart: an
// organization's outcome is a claim that makes no tie until the other
// party confirms it (services/programmes/outcome_claims.h).
#include <string>

#include "gtest/gtest.h"
#include "indexer/records.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using namespace ::helixmatch::testing;  // NOLINT: the fixture's helpers

v1::Outcome Completed(const std::string& id) {
  v1::Outcome o;
  o.set_id(id);
  o.set_offered_by("u_mining");
  o.set_offered_to("f_mining");
  o.set_kind(v1::OUTCOME_KIND_PROJECT_COMPLETED);
  o.set_year(2024);
  return o;
}

v1::Record Rec(const v1::Outcome& o) {
  v1::Record r;
  *r.mutable_outcome() = o;
  return r;
}

class OutcomeClaimsEngineTest : public MatchingEngineTest {
 protected:
  const Viewer university_ = Viewer::Organization("u_mining");
  const Viewer firm_ = Viewer::Organization("f_mining");

  bool HasTie(const std::string& outcome_id) {
    return engine_->Get(v1::RECORD_KIND_TIE, OutcomeTieId(outcome_id)).ok();
  }
  v1::Outcome Stored(const std::string& id) {
    auto r = engine_->Get(v1::RECORD_KIND_OUTCOME, id);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->outcome() : v1::Outcome();
  }
  double Trust() {
    auto r = engine_->Recommend(ForNeed("need_mining", 10), firm_);
    EXPECT_TRUE(r.ok());
    const auto* s = FindSuggestion(*r, "u_mining");
    return s == nullptr ? -1 : s->breakdown().trust();
  }
};

TEST_F(OutcomeClaimsEngineTest, EveryWritePathStoresAnOrganizationsClaim) {
  LoadCorpus();
  const double trust = Trust();
  ASSERT_TRUE(engine_->Upsert(Rec(Completed("o1")), university_).ok());
  google::protobuf::RepeatedPtrField<v1::Record> batch;
  *batch.Add() = Rec(Completed("o2"));
  ASSERT_TRUE(engine_->BatchUpsert(batch, university_).ok());
  auto errors = engine_->IngestChunk({Rec(Completed("o3"))}, 0, university_);
  ASSERT_TRUE(errors.ok());
  EXPECT_TRUE(errors->empty());
  ASSERT_TRUE(engine_->RecordOutcome(Completed("o4"), university_).ok());
  for (const char* id : {"o1", "o2", "o3", "o4"}) {
    EXPECT_EQ(Stored(id).recorded_by(), "u_mining") << id;
    EXPECT_FALSE(HasTie(id)) << id;
  }
  EXPECT_EQ(Trust(), trust);
}

TEST_F(OutcomeClaimsEngineTest, ClaimsAndConfirmationsSurviveARestart) {
  LoadCorpus();
  const double trust = Trust();
  ASSERT_TRUE(engine_->RecordOutcome(Completed("claimed"), university_).ok());
  ASSERT_TRUE(engine_->RecordOutcome(Completed("confirmed"), university_).ok());
  auto confirmed = engine_->ConfirmOutcome("confirmed", firm_);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_TRUE(confirmed->has_tie());
  const double confirmed_trust = Trust();
  EXPECT_GT(confirmed_trust, trust);
  Reopen();
  EXPECT_FALSE(HasTie("claimed"));
  EXPECT_TRUE(HasTie("confirmed"));
  EXPECT_EQ(Stored("confirmed").confirmed_by(), "f_mining");
  EXPECT_EQ(Trust(), confirmed_trust);
  // The claim is still one, and the firm can still confirm it.
  ASSERT_TRUE(engine_->ConfirmOutcome("claimed", firm_).ok());
  EXPECT_TRUE(HasTie("claimed"));
}

TEST_F(OutcomeClaimsEngineTest, SameOutcomeFromTheOtherSideConfirmsIt) {
  LoadCorpus();
  ASSERT_TRUE(engine_->RecordOutcome(Completed("o"), university_).ok());
  auto response = engine_->RecordOutcome(Completed("o"), firm_);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->has_tie());
  EXPECT_EQ(response->outcome().confirmed_by(), "f_mining");
  // A changed version is the writer's claim again, and the tie goes.
  v1::Outcome changed = Completed("o");
  changed.set_year(2025);
  response = engine_->RecordOutcome(changed, university_);
  ASSERT_TRUE(response.ok());
  EXPECT_FALSE(response->has_tie());
  EXPECT_FALSE(HasTie("o"));
}

TEST_F(OutcomeClaimsEngineTest, ConfirmOutcomeErrors) {
  LoadCorpus();
  ASSERT_TRUE(engine_->RecordOutcome(Completed("o"), university_).ok());
  EXPECT_EQ(engine_->ConfirmOutcome("", firm_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->ConfirmOutcome("o", university_).status().code(),
            absl::StatusCode::kFailedPrecondition);
  const auto hidden =
      engine_->ConfirmOutcome("o", Viewer::Organization("f_oil")).status();
  const auto missing = engine_->ConfirmOutcome("none", firm_).status();
  EXPECT_EQ(hidden.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.message(), "outcome 'o' not found");
  EXPECT_EQ(missing.message(), "outcome 'none' not found");
  auto by_operator = engine_->ConfirmOutcome("o", Viewer::Operator());
  ASSERT_TRUE(by_operator.ok());
  EXPECT_EQ(by_operator->outcome().confirmed_by(), "operator");
}

}  // namespace
}  // namespace helixmatch
