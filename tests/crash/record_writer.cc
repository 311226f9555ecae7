#include "tests/crash/record_writer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch::crash {
namespace {

// Title words by topic; a profile takes its words from one topic so its
// vector is not noise.
const std::vector<std::vector<std::string>>& Topics() {
  static const auto* topics = new std::vector<std::vector<std::string>>{
      {"mining", "copper", "flotation", "ore", "tailings", "concentrator"},
      {"oil", "gas", "pipeline", "corrosion", "drilling", "refinery"},
      {"wheat", "irrigation", "soil", "drought", "livestock", "crop"},
      {"solar", "grid", "battery", "wind", "turbine", "storage"},
      {"software", "data", "network", "cloud", "analytics", "algorithm"},
      {"health", "diagnostics", "clinic", "patient", "hospital", "drug"},
  };
  return *topics;
}

const std::vector<std::string>& Cities() {
  static const auto* cities = new std::vector<std::string>{
      "Almaty", "Astana", "Karaganda", "Shymkent", "Pavlodar"};
  return *cities;
}

// The organization owning a capability or need.
const std::string& OwnerOf(const v1::Record& profile) {
  return profile.has_capability() ? profile.capability().organization_id()
                                  : profile.need().organization_id();
}

// Each organization gets a region of its own, so a Recommend filtered by it
// ranks only that organization's profiles.
std::string RegionOf(const std::string& organization_id) {
  return absl::StrCat("region of ", organization_id);
}

// Removes and returns a random element.
TrackedRecord* TakeRandom(std::vector<TrackedRecord*>& pool,
                          std::mt19937_64& rng) {
  const size_t i =
      std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng);
  std::swap(pool[i], pool.back());
  TrackedRecord* taken = pool.back();
  pool.pop_back();
  return taken;
}

}  // namespace

RecordWriter::RecordWriter(int index, uint64_t seed,
                           std::chrono::milliseconds rpc_timeout)
    : index_(index), rpc_timeout_(rpc_timeout), rng_(seed) {}

std::vector<std::string> RecordWriter::TopicWords() {
  std::vector<std::string> words = {"revision", "services", "project"};
  for (const auto& topic : Topics()) {
    words.insert(words.end(), topic.begin(), topic.end());
  }
  return words;
}

grpc::Status RecordWriter::Step(v1::MatchService::Stub& stub, int round) {
  // Profiles and ties need acknowledged owners first.
  if (universities_.size() < 2) {
    return NewOrganization(stub, round, v1::ORGANIZATION_KIND_UNIVERSITY,
                           false);
  }
  if (firms_.size() < 2) {
    return NewOrganization(stub, round, v1::ORGANIZATION_KIND_FIRM, false);
  }
  const int roll = std::uniform_int_distribution<int>(0, 99)(rng_);
  if (roll < 4) {
    return NewOrganization(stub, round,
                           roll % 2 == 0 ? v1::ORGANIZATION_KIND_UNIVERSITY
                                         : v1::ORGANIZATION_KIND_FIRM,
                           false);
  }
  if (roll < 7) {
    return NewOrganization(stub, round,
                           v1::ORGANIZATION_KIND_RESEARCH_INSTITUTE, true);
  }
  if (roll < 10 && !leaves_.empty()) return DeleteFrom(leaves_, stub, round);
  if (roll < 60) {
    return NewProfile(
        stub, round,
        roll < 37 ? v1::RECORD_KIND_CAPABILITY : v1::RECORD_KIND_NEED);
  }
  if (roll < 68) return NewTie(stub, round);
  if (roll < 78 && !profiles_.empty()) return ReplaceProfile(stub, round);
  if (roll < 87 && !profiles_.empty()) {
    return DeleteFrom(profiles_, stub, round);
  }
  if (roll < 91 && !ties_.empty()) return DeleteFrom(ties_, stub, round);
  return NewBatch(stub, round);
}

std::string RecordWriter::NextId(const char* prefix) {
  return absl::StrCat(prefix, ":crash-w", index_, "-", ++serial_);
}

std::string RecordWriter::Pick(const std::vector<std::string>& words) {
  return words[std::uniform_int_distribution<size_t>(0,
                                                     words.size() - 1)(rng_)];
}

void RecordWriter::SetDeadline(grpc::ClientContext* context) const {
  context->set_deadline(std::chrono::system_clock::now() + rpc_timeout_);
}

grpc::Status RecordWriter::Upsert(v1::MatchService::Stub& stub, int round,
                                  TrackedRecord& record,
                                  const v1::Record& content) {
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::UpsertRequest request;
  *request.mutable_record() = content;
  v1::UpsertResponse response;
  // Ids are fresh, so only a replacement finds the record in place.
  const bool replacement = record.fate == Fate::kLive;
  const grpc::Status status = stub.Upsert(&context, request, &response);
  if (status.ok()) {
    if (response.created() == replacement) {
      ++wrong_answers_;
      spdlog::error("round {}: Upsert of {} answered created={}: {}", round,
                    record.id, response.created(),
                    replacement ? "the acknowledged record was gone"
                                : "a record with this fresh id existed");
    }
    ledger_.WriteAcked(record, content, round);
  } else {
    ledger_.WriteUnconfirmed(record, content);
  }
  return status;
}

grpc::Status RecordWriter::NewOrganization(v1::MatchService::Stub& stub,
                                           int round, v1::OrganizationKind kind,
                                           bool leaf) {
  const std::string id = NextId("org");
  TrackedRecord& record = ledger_.Track(v1::RECORD_KIND_ORGANIZATION, id);
  v1::Record content;
  *content.mutable_organization() =
      testing::MakeOrganization(id, kind, "KZ", Pick(Cities()));
  content.mutable_organization()->set_region(RegionOf(id));
  content.mutable_organization()->add_sectors(Pick(TopicWords()));
  const grpc::Status status = Upsert(stub, round, record, content);
  if (status.ok()) {
    auto& pool = leaf                                       ? leaves_
                 : kind == v1::ORGANIZATION_KIND_UNIVERSITY ? universities_
                                                            : firms_;
    pool.push_back(&record);
  }
  return status;
}

TrackedRecord& RecordWriter::TrackProfile(v1::RecordKind kind,
                                          v1::Record* content) {
  const bool capability = kind == v1::RECORD_KIND_CAPABILITY;
  const std::string id = NextId(capability ? "cap" : "need");
  // Letters and digits only, so the tokenizer keeps it as one word; no
  // word-vector table knows it, so only the lexical index can find it.
  const std::string token = absl::StrCat("zq", index_, "x", serial_);
  const auto& owners = capability ? universities_ : firms_;
  const std::string& owner =
      owners[std::uniform_int_distribution<size_t>(0, owners.size() - 1)(rng_)]
          ->id;
  TrackedRecord& record = ledger_.Track(kind, id, token, RegionOf(owner));
  *content = ProfileContent(record, owner, 1);
  return record;
}

v1::Record RecordWriter::ProfileContent(const TrackedRecord& record,
                                        const std::string& owner,
                                        int revision) {
  const auto& topic = Topics()[std::uniform_int_distribution<size_t>(
      0, Topics().size() - 1)(rng_)];
  const std::string a = Pick(topic), b = Pick(topic);
  const std::string title = absl::StrCat(a, " ", b, " ", record.search_token);
  const std::string description =
      absl::StrCat(Pick(topic), " services, revision ", revision);
  v1::Record content;
  if (record.kind == v1::RECORD_KIND_CAPABILITY) {
    auto* c = content.mutable_capability();
    *c = testing::MakeCapability(record.id, owner, title);
    c->set_description(description);
    c->add_keywords(a);
    c->add_keywords(b);
    const int trl = std::uniform_int_distribution<int>(1, 7)(rng_);
    c->mutable_trl()->set_min(trl);
    c->mutable_trl()->set_max(trl + 2);
    c->add_channels_offered(v1::CHANNEL_CONTRACT_RESEARCH);
    c->set_year(std::uniform_int_distribution<int>(2010, 2025)(rng_));
  } else {
    auto* n = content.mutable_need();
    *n = testing::MakeNeed(record.id, owner, title);
    n->set_description(description);
    n->add_keywords(a);
    n->set_budget_band(v1::BUDGET_BAND_10K_50K);
    n->add_channels_wanted(v1::CHANNEL_CONSULTANCY);
  }
  return content;
}

grpc::Status RecordWriter::NewProfile(v1::MatchService::Stub& stub, int round,
                                      v1::RecordKind kind) {
  v1::Record content;
  TrackedRecord& record = TrackProfile(kind, &content);
  const grpc::Status status = Upsert(stub, round, record, content);
  if (status.ok()) profiles_.push_back(&record);
  return status;
}

grpc::Status RecordWriter::NewBatch(v1::MatchService::Stub& stub, int round) {
  const int size = std::uniform_int_distribution<int>(2, 6)(rng_);
  std::vector<std::pair<TrackedRecord*, v1::Record>> members;
  v1::BatchUpsertRequest request;
  for (int i = 0; i < size; ++i) {
    v1::Record content;
    TrackedRecord& record = TrackProfile(
        i % 2 == 0 ? v1::RECORD_KIND_CAPABILITY : v1::RECORD_KIND_NEED,
        &content);
    *request.add_records() = content;
    members.emplace_back(&record, std::move(content));
  }
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::BatchUpsertResponse response;
  const grpc::Status status = stub.BatchUpsert(&context, request, &response);
  if (status.ok() && (response.created() != size || response.replaced() != 0)) {
    ++wrong_answers_;
    spdlog::error(
        "round {}: BatchUpsert of {} new records answered created={} "
        "replaced={}",
        round, size, response.created(), response.replaced());
  }
  // Batch ids are unique across writers.
  const int64_t batch = (int64_t{index_} << 40) | serial_;
  for (auto& [record, content] : members) {
    if (status.ok()) {
      ledger_.WriteAcked(*record, content, round);
      profiles_.push_back(record);
    } else {
      ledger_.WriteUnconfirmed(*record, content, batch);
    }
  }
  return status;
}

grpc::Status RecordWriter::NewTie(v1::MatchService::Stub& stub, int round) {
  std::vector<const TrackedRecord*> owners(universities_.begin(),
                                           universities_.end());
  owners.insert(owners.end(), firms_.begin(), firms_.end());
  std::uniform_int_distribution<size_t> any(0, owners.size() - 1);
  const size_t a = any(rng_);
  size_t b = any(rng_);
  if (b == a) b = (a + 1) % owners.size();
  const std::string id = NextId("tie");
  TrackedRecord& record = ledger_.Track(v1::RECORD_KIND_TIE, id);
  v1::Record content;
  *content.mutable_tie() =
      testing::MakeTie(id, owners[a]->id, owners[b]->id,
                       std::uniform_int_distribution<int>(2000, 2025)(rng_),
                       v1::TIE_OUTCOME_COMPLETED, v1::CHANNEL_JOINT_RESEARCH);
  content.mutable_tie()->set_reference(absl::StrCat("crash test tie ", id));
  const grpc::Status status = Upsert(stub, round, record, content);
  if (status.ok()) ties_.push_back(&record);
  return status;
}

grpc::Status RecordWriter::ReplaceProfile(v1::MatchService::Stub& stub,
                                          int round) {
  TrackedRecord* record = TakeRandom(profiles_, rng_);
  const int revision = static_cast<int>(record->earlier_acked.size()) + 2;
  // A replacement keeps the owner: moving a profile is not what is tested.
  const v1::Record content =
      ProfileContent(*record, OwnerOf(record->acked), revision);
  const grpc::Status status = Upsert(stub, round, *record, content);
  if (status.ok()) profiles_.push_back(record);
  return status;
}

grpc::Status RecordWriter::DeleteFrom(std::vector<TrackedRecord*>& pool,
                                      v1::MatchService::Stub& stub, int round) {
  TrackedRecord* record = TakeRandom(pool, rng_);
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::DeleteRequest request;
  request.set_kind(record->kind);
  request.set_id(record->id);
  v1::DeleteResponse response;
  const grpc::Status status = stub.Delete(&context, request, &response);
  if (status.ok()) {
    ledger_.DeleteAcked(*record, round);
  } else {
    ledger_.DeleteUnconfirmed(*record);
  }
  return status;
}

}  // namespace helixmatch::crash
