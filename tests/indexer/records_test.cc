#include "indexer/records.h"

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/record_store.h"
#include "indexer/record_validation.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeCapability;
using testing::MakeNeed;
using testing::MakeOrganization;
using testing::MakeTie;

constexpr char kReservedMessage[] =
    "tie.id: the prefix 'outcome:' is reserved for ties made from recorded "
    "outcomes; record an outcome instead";

v1::Outcome MakeOutcome(const std::string& id, v1::OutcomeKind kind) {
  v1::Outcome outcome;
  outcome.set_id(id);
  outcome.set_offered_by("org:uni");
  outcome.set_offered_to("org:firm");
  outcome.set_kind(kind);
  outcome.set_year(2025);
  if (kind == v1::OUTCOME_KIND_DECLINED) {
    outcome.set_decline_reason(v1::DECLINE_REASON_NO_BUDGET);
  }
  return outcome;
}

// One record of each kind, in RecordKind order.
std::vector<v1::Record> OneOfEach() {
  std::vector<v1::Record> records(5);
  *records[0].mutable_organization() =
      MakeOrganization("org:uni", v1::ORGANIZATION_KIND_UNIVERSITY);
  *records[1].mutable_capability() =
      MakeCapability("cap:1", "org:uni", "Copper flotation");
  *records[2].mutable_need() = MakeNeed("need:1", "org:firm", "Ore grinding");
  *records[3].mutable_tie() = MakeTie("tie:1", "org:uni", "org:firm", 2020);
  *records[4].mutable_outcome() =
      MakeOutcome("o:1", v1::OUTCOME_KIND_MEETING_HELD);
  return records;
}

TEST(RecordKindsTest, TableCoversEveryKindOnce) {
  std::vector<v1::RecordKind> kinds;
  for (const RecordKindInfo& info : kRecordKinds) kinds.push_back(info.kind);
  EXPECT_THAT(kinds,
              ElementsAre(v1::RECORD_KIND_ORGANIZATION,
                          v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED,
                          v1::RECORD_KIND_TIE, v1::RECORD_KIND_OUTCOME));
  EXPECT_EQ(std::size(kRecordKinds), v1::RecordKind_ARRAYSIZE - 1u);
}

TEST(RecordKindsTest, KindNameAndIdOfEachRecord) {
  const std::vector<v1::Record> records = OneOfEach();
  const char* names[] = {"organization", "capability", "need", "tie",
                         "outcome"};
  const char* ids[] = {"org:uni", "cap:1", "need:1", "tie:1", "o:1"};
  for (size_t i = 0; i < records.size(); ++i) {
    const v1::RecordKind kind = kRecordKinds[i].kind;
    EXPECT_EQ(KindOf(records[i]), kind);
    EXPECT_EQ(RecordKindName(records[i]), names[i]);
    EXPECT_EQ(RecordKindName(kind), names[i]);
    EXPECT_EQ(ParseRecordKind(names[i]), kind);
    EXPECT_EQ(RecordId(records[i]), ids[i]);
  }
}

TEST(RecordKindsTest, NoKind) {
  const v1::Record empty;
  EXPECT_EQ(KindOf(empty), v1::RECORD_KIND_UNSPECIFIED);
  EXPECT_EQ(RecordKindName(empty), "");
  EXPECT_EQ(RecordId(empty), "");
  EXPECT_EQ(RecordKindName(v1::RECORD_KIND_UNSPECIFIED), "");
  EXPECT_EQ(RecordKindName(static_cast<v1::RecordKind>(42)), "");
  EXPECT_EQ(ParseRecordKind(""), std::nullopt);
  EXPECT_EQ(ParseRecordKind("ties"), std::nullopt);
  EXPECT_EQ(ParseRecordKind("RECORD_KIND_TIE"), std::nullopt);
}

TEST(VisitRecordTest, CallsTheVisitorWithTheTypedMessage) {
  const std::vector<v1::Record> records = OneOfEach();
  const auto describe = Overloaded{
      [](const v1::Organization& o) { return "organization " + o.name(); },
      [](const v1::CapabilityProfile& c) { return "capability " + c.title(); },
      [](const v1::FirmNeed& n) { return "need " + n.title(); },
      [](const v1::Tie& t) { return "tie " + t.organization_b(); },
      [](const v1::Outcome& o) { return "outcome " + o.offered_to(); },
      [](std::monostate) { return std::string("none"); },
  };
  std::vector<std::string> seen;
  for (const v1::Record& r : records) seen.push_back(VisitRecord(r, describe));
  seen.push_back(VisitRecord(v1::Record(), describe));
  EXPECT_THAT(seen,
              ElementsAre("organization " + records[0].organization().name(),
                          "capability Copper flotation", "need Ore grinding",
                          "tie org:firm", "outcome org:firm", "none"));
}

TEST(VisitRecordTest, ReturnsReferencesIntoTheRecord) {
  const std::vector<v1::Record> records = OneOfEach();
  const std::string& id = RecordId(records[3]);
  EXPECT_EQ(&id, &records[3].tie().id());
}

TEST(OrganizationReferencesTest, FieldsAndIdsPerKind) {
  const std::vector<v1::Record> records = OneOfEach();
  const auto refs = [](const v1::Record& r) {
    std::vector<std::string> out;
    for (const OrganizationReference& ref : OrganizationReferences(r)) {
      out.push_back(absl::StrCat(ref.field, "=", *ref.id));
    }
    return out;
  };
  EXPECT_THAT(refs(records[0]), ElementsAre());
  EXPECT_THAT(refs(records[1]),
              ElementsAre("capability.organization_id=org:uni"));
  EXPECT_THAT(refs(records[2]), ElementsAre("need.organization_id=org:firm"));
  EXPECT_THAT(refs(records[3]), ElementsAre("tie.organization_a=org:uni",
                                            "tie.organization_b=org:firm"));
  EXPECT_THAT(refs(records[4]), ElementsAre("outcome.offered_by=org:uni",
                                            "outcome.offered_to=org:firm"));
  EXPECT_THAT(refs(v1::Record()), ElementsAre());
  // The ids point into the record.
  EXPECT_EQ(OrganizationReferences(records[3])[1].id,
            &records[3].tie().organization_b());
}

TEST(ValidateForWriteTest, AcceptsValidRecordsOfEveryKind) {
  for (const v1::Record& r : OneOfEach()) {
    EXPECT_TRUE(ValidateForWrite(r, "record").ok()) << RecordKindName(r);
  }
}

TEST(ValidateForWriteTest, KeepsValidateRecordsMessages) {
  v1::Record record;
  *record.mutable_capability() = MakeCapability("cap:1", "org:uni", "");
  const absl::Status status = ValidateForWrite(record, "record");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status, ValidateRecord(record));
  EXPECT_THAT(std::string(status.message()), HasSubstr("capability.title"));
  EXPECT_EQ(ValidateForWrite(v1::Record(), "record"),
            ValidateRecord(v1::Record()));
}

TEST(ValidateForWriteTest, RefusesTheReservedTiePrefix) {
  v1::Record record;
  *record.mutable_tie() = MakeTie("outcome:o-1", "org:uni", "org:firm", 2020);
  ASSERT_TRUE(ValidateRecord(record).ok());
  const absl::Status status = ValidateForWrite(record, "record");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), absl::StrCat("record.", kReservedMessage));
  EXPECT_EQ(ValidateForWrite(record, "records[3]").message(),
            absl::StrCat("records[3].", kReservedMessage));
  EXPECT_EQ(ValidateForWrite(record).message(), kReservedMessage);
  // Only the exact prefix is reserved, and only for ties.
  record.mutable_tie()->set_id("outcomes:1");
  EXPECT_TRUE(ValidateForWrite(record).ok());
  *record.mutable_outcome() =
      MakeOutcome("outcome:1", v1::OUTCOME_KIND_CONTACTED);
  EXPECT_TRUE(ValidateForWrite(record).ok());
}

TEST(ValidateForDeleteTest, Rules) {
  EXPECT_TRUE(ValidateForDelete(v1::RECORD_KIND_TIE, "tie:1").ok());
  EXPECT_TRUE(ValidateForDelete(v1::RECORD_KIND_OUTCOME, "o:1").ok());
  for (auto kind :
       {v1::RECORD_KIND_UNSPECIFIED, static_cast<v1::RecordKind>(9)}) {
    const absl::Status status = ValidateForDelete(kind, "x");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(),
              "kind: is required (organization, capability, need, tie, "
              "outcome)");
  }
  const absl::Status bad_id = ValidateForDelete(v1::RECORD_KIND_NEED, "a b");
  EXPECT_EQ(bad_id.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_id.message()), HasSubstr("id: "));
  const absl::Status outcome_tie =
      ValidateForDelete(v1::RECORD_KIND_TIE, "outcome:o-7");
  EXPECT_EQ(outcome_tie.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(outcome_tie.message(),
            "tie 'outcome:o-7' was made from a recorded outcome; delete "
            "outcome 'o-7' instead");
}

TEST(TieFromOutcomeTest, EngagementsBecomeTies) {
  const struct {
    v1::OutcomeKind kind;
    v1::Channel channel;
    v1::TieOutcome outcome;
  } cases[] = {
      {v1::OUTCOME_KIND_MEETING_HELD, v1::CHANNEL_MEETINGS,
       v1::TIE_OUTCOME_COMPLETED},
      {v1::OUTCOME_KIND_INTERNSHIP_STARTED, v1::CHANNEL_INTERNSHIP,
       v1::TIE_OUTCOME_ONGOING},
      {v1::OUTCOME_KIND_CONTRACT_SIGNED, v1::CHANNEL_CONTRACT_RESEARCH,
       v1::TIE_OUTCOME_ONGOING},
      {v1::OUTCOME_KIND_PROJECT_COMPLETED, v1::CHANNEL_CONTRACT_RESEARCH,
       v1::TIE_OUTCOME_COMPLETED},
  };
  for (const auto& c : cases) {
    const auto tie = TieFromOutcome(MakeOutcome("o-1", c.kind));
    ASSERT_TRUE(tie.has_value()) << c.kind;
    EXPECT_EQ(tie->id(), "outcome:o-1");
    EXPECT_EQ(tie->id(), OutcomeTieId("o-1"));
    EXPECT_EQ(tie->organization_a(), "org:uni");
    EXPECT_EQ(tie->organization_b(), "org:firm");
    EXPECT_EQ(tie->channel(), c.channel);
    EXPECT_EQ(tie->outcome(), c.outcome);
    EXPECT_EQ(tie->year(), 2025);
  }
  v1::Outcome consultancy =
      MakeOutcome("o-2", v1::OUTCOME_KIND_CONTRACT_SIGNED);
  consultancy.set_channel(v1::CHANNEL_CONSULTANCY);
  consultancy.set_note("two benches");
  const auto tie = TieFromOutcome(consultancy);
  ASSERT_TRUE(tie.has_value());
  EXPECT_EQ(tie->channel(), v1::CHANNEL_CONSULTANCY);
  EXPECT_EQ(tie->reference(),
            "contract signed (2025), outcome 'o-2': two benches");
  for (auto kind : {v1::OUTCOME_KIND_CONTACTED, v1::OUTCOME_KIND_DECLINED,
                    v1::OUTCOME_KIND_NO_ANSWER}) {
    EXPECT_FALSE(TieFromOutcome(MakeOutcome("o-3", kind)).has_value()) << kind;
  }
}

// The writes, through a real store.
class RecordWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = RecordStore::Open(dir_.path() + "/store");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  void Put(const v1::Record& record, std::vector<float> vector = {}) {
    StoreBatch batch;
    AddPutWrites(record, vector, &batch);
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  void Delete(v1::RecordKind kind, const std::string& id) {
    StoreBatch batch;
    AddDeleteWrites(kind, id, &batch);
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  bool Exists(v1::RecordKind kind, const std::string& id) {
    auto exists = store_->Exists(kind, id);
    EXPECT_TRUE(exists.ok()) << exists.status();
    return exists.ok() && *exists;
  }

  testing::TempDir dir_;
  std::unique_ptr<RecordStore> store_;
};

TEST_F(RecordWritesTest, EachKindIsStoredWithItsVector) {
  const std::vector<v1::Record> records = OneOfEach();
  for (const v1::Record& r : records) Put(r, {0.25f, 0.5f});
  EXPECT_EQ(store_->GetOrganization("org:uni")->SerializeAsString(),
            records[0].organization().SerializeAsString());
  auto capability = store_->GetCapability("cap:1");
  ASSERT_TRUE(capability.ok()) << capability.status();
  EXPECT_EQ(capability->record().SerializeAsString(),
            records[1].capability().SerializeAsString());
  EXPECT_EQ(*DecodeVector(capability->vector(), 2),
            std::vector<float>({0.25f, 0.5f}));
  EXPECT_EQ(*DecodeVector(store_->GetNeed("need:1")->vector(), 2),
            std::vector<float>({0.25f, 0.5f}));
  EXPECT_TRUE(Exists(v1::RECORD_KIND_TIE, "tie:1"));
  EXPECT_TRUE(Exists(v1::RECORD_KIND_OUTCOME, "o:1"));
}

TEST_F(RecordWritesTest, AnEngagementOutcomePutsItsTie) {
  v1::Record record;
  *record.mutable_outcome() =
      MakeOutcome("o-1", v1::OUTCOME_KIND_CONTRACT_SIGNED);
  Put(record);
  auto tie = store_->GetTie("outcome:o-1");
  ASSERT_TRUE(tie.ok()) << tie.status();
  EXPECT_EQ(tie->SerializeAsString(),
            TieFromOutcome(record.outcome())->SerializeAsString());
}

TEST_F(RecordWritesTest, AReplacingOutcomeWithoutEngagementDeletesTheTie) {
  v1::Record record;
  *record.mutable_outcome() = MakeOutcome("o-1", v1::OUTCOME_KIND_MEETING_HELD);
  Put(record);
  ASSERT_TRUE(Exists(v1::RECORD_KIND_TIE, "outcome:o-1"));
  *record.mutable_outcome() = MakeOutcome("o-1", v1::OUTCOME_KIND_DECLINED);
  Put(record);
  EXPECT_FALSE(Exists(v1::RECORD_KIND_TIE, "outcome:o-1"));
  EXPECT_EQ(store_->GetOutcome("o-1")->kind(), v1::OUTCOME_KIND_DECLINED);
}

TEST_F(RecordWritesTest, DeletingAnOutcomeDeletesItsTie) {
  v1::Record record;
  *record.mutable_outcome() =
      MakeOutcome("o-1", v1::OUTCOME_KIND_PROJECT_COMPLETED);
  Put(record);
  *record.mutable_tie() = MakeTie("tie:1", "org:uni", "org:firm", 2020);
  Put(record);
  Delete(v1::RECORD_KIND_OUTCOME, "o-1");
  EXPECT_FALSE(Exists(v1::RECORD_KIND_OUTCOME, "o-1"));
  EXPECT_FALSE(Exists(v1::RECORD_KIND_TIE, "outcome:o-1"));
  EXPECT_TRUE(Exists(v1::RECORD_KIND_TIE, "tie:1"));
  Delete(v1::RECORD_KIND_TIE, "tie:1");
  EXPECT_FALSE(Exists(v1::RECORD_KIND_TIE, "tie:1"));
  // Deleting what is not there writes a tombstone, no error.
  Delete(v1::RECORD_KIND_CAPABILITY, "cap:never");
}

}  // namespace
}  // namespace helixmatch
