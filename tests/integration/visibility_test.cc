// One visibility rule on every read (docs/security.md, "Who sees what"),
// over gRPC: Get of every kind, Delete, Recommend by need id, capability
// id and text in both directions, Explain and Stats, with a private and a
// programme-only need (visibility_fixture.h). A record a caller may not
// see answers exactly like a missing one, and no id, title, word or owner
// of it shows. Screening, pathways and decline reasons are in
// visibility_programme_test.cc.
#include <string>

#include "tests/integration/visibility_fixture.h"

namespace helixmatch::testing {
namespace {

class VisibilityTest : public VisibilityFixture {
 protected:
  static grpc::Status Get(const Caller& c, v1::RecordKind kind,
                          const std::string& id, v1::Record* record) {
    v1::GetRequest request;
    request.set_kind(kind);
    request.set_id(id);
    return stub_->Get(As(c).get(), request, record);
  }

  static grpc::Status Recommend(const Caller& c,
                                const v1::RecommendRequest& request,
                                v1::RecommendResponse* response) {
    return stub_->Recommend(As(c).get(), request, response);
  }

  static v1::RecommendRequest ByNeed(const std::string& id) {
    v1::RecommendRequest r;
    r.set_need_id(id);
    r.set_k(20);
    return r;
  }

  static v1::RecommendRequest ByText(const std::string& text,
                                     v1::Direction direction) {
    v1::RecommendRequest r;
    r.set_text(text);
    r.set_direction(direction);
    r.set_k(50);
    return r;
  }

  // Callers that may not see each hidden need.
  struct Hidden {
    const char* id;
    const char* word;
    std::vector<const Caller*> blind;
    std::vector<const Caller*> seeing;
  };
  static std::vector<Hidden> HiddenNeeds() {
    return {{kPrivateNeed,
             kPrivateWord,
             {&kOtherOrganization, &kProgrammeCaller, &kAltai},
             {&kOwner, &kOperatorCaller}},
            {kProgrammeNeed,
             kProgrammeWord,
             {&kOtherOrganization, &kAltai},
             {&kOwner, &kOperatorCaller, &kProgrammeCaller}}};
  }
};

TEST_F(VisibilityTest, GetHiddenNeedAnswersLikeAMissingOne) {
  for (const Hidden& h : HiddenNeeds()) {
    for (const Caller* c : h.blind) {
      SCOPED_TRACE(absl::StrCat(h.id, " as ", c->name));
      v1::Record record;
      const auto hidden = Get(*c, v1::RECORD_KIND_NEED, h.id, &record);
      const auto missing =
          Get(*c, v1::RECORD_KIND_NEED, "need:no-such-need", &record);
      ExpectAnswersLikeMissing(hidden, h.id, missing, "need:no-such-need");
      EXPECT_EQ(hidden.error_message(),
                absl::StrCat("need '", h.id, "' not found"));
    }
    for (const Caller* c : h.seeing) {
      SCOPED_TRACE(absl::StrCat(h.id, " as ", c->name));
      v1::Record record;
      ASSERT_TRUE(Get(*c, v1::RECORD_KIND_NEED, h.id, &record).ok());
      EXPECT_EQ(record.need().organization_id(), kOwnerFirm);
    }
  }
}

TEST_F(VisibilityTest, GetOutcomeOnlyForItsPartiesAndOperators) {
  for (const Caller* c : {&kOtherOrganization, &kProgrammeCaller}) {
    SCOPED_TRACE(c->name);
    v1::Record record;
    const auto hidden = Get(*c, v1::RECORD_KIND_OUTCOME, kDecline, &record);
    const auto missing = Get(*c, v1::RECORD_KIND_OUTCOME, "no-such", &record);
    ExpectAnswersLikeMissing(hidden, kDecline, missing, "no-such");
    EXPECT_EQ(hidden.error_message().find("altai"), std::string::npos);
  }
  for (const Caller* c : {&kOwner, &kAltai, &kOperatorCaller}) {
    SCOPED_TRACE(c->name);
    v1::Record record;
    ASSERT_TRUE(Get(*c, v1::RECORD_KIND_OUTCOME, kDecline, &record).ok());
    EXPECT_EQ(record.outcome().note(), kDeclineNote);
  }
}

TEST_F(VisibilityTest, TieFromAnOutcomeOnlyForItsPartiesImportedTiesForAll) {
  // An operator-recorded engagement makes the tie "outcome:<id>".
  v1::Outcome met;
  met.set_id("outcome-hidden-meeting");
  met.set_offered_by("org:altai-mmu");
  met.set_offered_to(kOwnerFirm);
  met.set_kind(v1::OUTCOME_KIND_MEETING_HELD);
  met.set_year(2025);
  v1::RecordOutcomeRequest request;
  *request.mutable_outcome() = met;
  v1::RecordOutcomeResponse response;
  ASSERT_TRUE(
      stub_->RecordOutcome(As(kOperatorCaller).get(), request, &response).ok());
  const std::string tie = "outcome:outcome-hidden-meeting";
  for (const Caller* c : {&kOtherOrganization, &kProgrammeCaller}) {
    v1::Record record;
    const auto hidden = Get(*c, v1::RECORD_KIND_TIE, tie, &record);
    const auto missing =
        Get(*c, v1::RECORD_KIND_TIE, "outcome:no-such", &record);
    ExpectAnswersLikeMissing(hidden, tie, missing, "outcome:no-such");
  }
  v1::Record record;
  EXPECT_TRUE(Get(kOwner, v1::RECORD_KIND_TIE, tie, &record).ok());
  EXPECT_TRUE(Get(kAltai, v1::RECORD_KIND_TIE, tie, &record).ok());
  // Imported ties, organizations and capabilities: everyone.
  for (const Caller* c : {&kOtherOrganization, &kProgrammeCaller}) {
    EXPECT_TRUE(
        Get(*c, v1::RECORD_KIND_ORGANIZATION, kOwnerFirm, &record).ok());
    EXPECT_TRUE(
        Get(*c, v1::RECORD_KIND_CAPABILITY, "cap:altai-hydromet", &record)
            .ok());
  }
}

TEST_F(VisibilityTest, DeleteOfAHiddenRecordAnswersLikeAMissingOne) {
  for (const auto& [kind, id] :
       std::vector<std::pair<v1::RecordKind, std::string>>{
           {v1::RECORD_KIND_NEED, kPrivateNeed},
           {v1::RECORD_KIND_NEED, kProgrammeNeed},
           {v1::RECORD_KIND_OUTCOME, kDecline}}) {
    v1::DeleteRequest hidden_request, missing_request;
    hidden_request.set_kind(kind);
    hidden_request.set_id(id);
    missing_request.set_kind(kind);
    missing_request.set_id("no-such-record");
    v1::DeleteResponse response;
    const auto hidden =
        stub_->Delete(As(kOtherOrganization).get(), hidden_request, &response);
    const auto missing =
        stub_->Delete(As(kOtherOrganization).get(), missing_request, &response);
    ExpectAnswersLikeMissing(hidden, id, missing, "no-such-record");
  }
  v1::Record still;
  EXPECT_TRUE(Get(kOwner, v1::RECORD_KIND_NEED, kPrivateNeed, &still).ok());
}

TEST_F(VisibilityTest, RecommendByHiddenNeedIdAnswersLikeAMissingOne) {
  for (const Hidden& h : HiddenNeeds()) {
    for (const Caller* c : h.blind) {
      SCOPED_TRACE(absl::StrCat(h.id, " as ", c->name));
      v1::RecommendResponse response;
      const auto hidden = Recommend(*c, ByNeed(h.id), &response);
      const auto missing = Recommend(*c, ByNeed("need:no-such"), &response);
      ExpectAnswersLikeMissing(hidden, h.id, missing, "need:no-such");
      // Explain is answered alike too.
      v1::ExplainRequest explain;
      explain.set_need_id(h.id);
      explain.set_capability_id("cap:altai-hydromet");
      v1::ExplainResponse explained;
      const auto hidden_explain =
          stub_->Explain(As(*c).get(), explain, &explained);
      explain.set_need_id("need:no-such");
      const auto missing_explain =
          stub_->Explain(As(*c).get(), explain, &explained);
      ExpectAnswersLikeMissing(hidden_explain, h.id, missing_explain,
                               "need:no-such");
    }
  }
}

TEST_F(VisibilityTest, OwnerRanksWithItsPrivateNeed) {
  // Decided: a private need still ranks for its owner (and an operator
  // asking for it); it is never suggested to anyone.
  for (const Caller* c : {&kOwner, &kOperatorCaller}) {
    v1::RecommendResponse response;
    const auto s = Recommend(*c, ByNeed(kPrivateNeed), &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_GT(response.suggestions_size(), 0);
  }
  v1::ExplainRequest explain;
  explain.set_need_id(kPrivateNeed);
  explain.set_capability_id("cap:altai-hydromet");
  v1::ExplainResponse explained;
  ASSERT_TRUE(stub_->Explain(As(kOwner).get(), explain, &explained).ok());
  EXPECT_EQ(explained.need().id(), kPrivateNeed);
}

TEST_F(VisibilityTest, WordOnlyHiddenRecordsHoldIsAnUnknownWord) {
  for (const Hidden& h : HiddenNeeds()) {
    for (const Caller* c : h.blind) {
      for (auto direction : {v1::DIRECTION_CAPABILITY_TO_NEEDS,
                             v1::DIRECTION_NEED_TO_CAPABILITIES}) {
        SCOPED_TRACE(absl::StrCat(h.word, " as ", c->name, " ",
                                  v1::Direction_Name(direction)));
        v1::RecommendResponse response;
        const auto hidden = Recommend(*c, ByText(h.word, direction), &response);
        const auto unknown =
            Recommend(*c, ByText("flurbindex", direction), &response);
        ExpectAnswersLikeMissing(hidden, h.word, unknown, "flurbindex");
        EXPECT_EQ(hidden.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      }
    }
  }
  // A programme knows the programme-only word.
  v1::RecommendResponse response;
  const auto s = Recommend(
      kProgrammeCaller,
      ByText(kProgrammeWord, v1::DIRECTION_CAPABILITY_TO_NEEDS), &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(Text(response).find(kProgrammeNeed), std::string::npos);
}

TEST_F(VisibilityTest, SuggestionsNeverShowWhatTheCallerMayNotSee) {
  v1::RecommendRequest by_text =
      ByText("copper smelter flue dust leaching recovery",
             v1::DIRECTION_CAPABILITY_TO_NEEDS);
  v1::RecommendRequest by_capability;
  by_capability.set_capability_id("cap:altai-hydromet");
  by_capability.set_k(50);
  by_capability.set_profiles_per_organization(10);
  for (const v1::RecommendRequest& request : {by_text, by_capability}) {
    for (const Caller* c : {&kOtherOrganization, &kAltai, &kProgrammeCaller,
                            &kOwner, &kOperatorCaller}) {
      SCOPED_TRACE(absl::StrCat(c->name, " ", request.ShortDebugString()));
      v1::RecommendResponse response;
      const auto s = Recommend(*c, request, &response);
      if (c == &kAltai && request.has_capability_id()) {
        ASSERT_TRUE(s.ok()) << s.error_message();
      } else if (!s.ok()) {
        continue;  // e.g. a requester rule; nothing is shown then
      }
      const std::string shown = Text(response);
      // Private: never suggested, to anyone.
      ExpectNoTraceOf(shown, kPrivateNeed, kPrivateWord);
      // Programme-only: to programmes (and its owner, who may be
      // suggested its own needs when it names no requester).
      if (c == &kOtherOrganization || c == &kAltai) {
        ExpectNoTraceOf(shown, kProgrammeNeed, kProgrammeWord);
      }
    }
  }
}

TEST_F(VisibilityTest, StatsCountHiddenRecordsButNameNone) {
  v1::StatsResponse as_operator, as_other;
  ASSERT_TRUE(stub_->Stats(As(kOperatorCaller).get(), {}, &as_operator).ok());
  ASSERT_TRUE(stub_->Stats(As(kOtherOrganization).get(), {}, &as_other).ok());
  EXPECT_EQ(as_other.needs(), as_operator.needs());
  const std::string shown = Text(as_other);
  ExpectNoTraceOf(shown, kPrivateNeed, kPrivateWord);
  ExpectNoTraceOf(shown, kProgrammeNeed, kProgrammeWord);
  EXPECT_EQ(as_other.need_index_recovery().find(':'), std::string::npos)
      << as_other.need_index_recovery();
}

TEST_F(VisibilityTest, WriteToAHiddenIdIsRefusedWithoutItsOwnerOrText) {
  // Ids are one namespace: a taken id is refused whoever holds it, with
  // the same message as a visible record of another organization.
  v1::UpsertRequest request;
  *request.mutable_record()->mutable_need() =
      MakeNeed(kPrivateNeed, "org:saryarka-tu", "Our own need");
  v1::UpsertResponse response;
  const auto hidden =
      stub_->Upsert(As(kOtherOrganization).get(), request, &response);
  *request.mutable_record()->mutable_need() =
      MakeNeed("need:demo-flotation", "org:saryarka-tu", "Our own need");
  const auto visible =
      stub_->Upsert(As(kOtherOrganization).get(), request, &response);
  ExpectAnswersLikeMissing(hidden, kPrivateNeed, visible,
                           "need:demo-flotation");
  EXPECT_EQ(hidden.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace helixmatch::testing
