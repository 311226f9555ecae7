#include "tests/crash/durability_check.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "helixmatch/v1/matching.grpc.pb.h"
#include "indexer/profile_text.h"
#include "spdlog/spdlog.h"

namespace helixmatch::crash {
namespace {

using google::protobuf::util::MessageDifferencer;

// Shared by every check of the run, so a broken server does not flood the
// log: the counts still say how many.
std::atomic<int> reports_written{0};

// Recommend returns this many organizations for a token query. The record
// owning the token is the only candidate with lexical fit, so it ranks
// first; the margin tolerates organization-level features of others.
constexpr int kSearchOrganizations = 5;
// A record's stored vector against the embedding of its own text: equal
// up to float rounding, as long as the embedding model does not change
// (upserts do not refit it).
constexpr double kOwnVectorCosine = 0.999;

// What two Recommend calls say about a capability or need.
struct Sighting {
  // The query of its unique word returned it ...
  bool returned_for_token = false;
  // ... with that word among its matched terms (found by the lexical index).
  bool matched_token = false;
  // A query of its own analysed text, ranking only its owner's profiles,
  // returned it; `dense` is its cosine there (vector index).
  bool returned_for_text = false;
  double dense = 0;
  std::string matched_terms;  // of the token query, for reports
};

const v1::MatchedProfile* FindProfile(const v1::RecommendResponse& response,
                                      const std::string& id) {
  for (const auto& suggestion : response.suggestions()) {
    for (const auto& profile : suggestion.profiles()) {
      if (profile.id() == id) return &profile;
    }
  }
  return nullptr;
}

std::string Json(const v1::Record& record) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(record, &json, options);
  return json;
}

const char* FateName(Fate fate) {
  switch (fate) {
    case Fate::kUnconfirmed:
      return "create without an answer";
    case Fate::kLive:
      return "acknowledged";
    case Fate::kDeleted:
      return "delete acknowledged";
    case Fate::kDeleteUnconfirmed:
      return "delete without an answer";
  }
  return "?";
}

// One checking client.
class Checker {
 public:
  Checker(const std::shared_ptr<grpc::Channel>& channel,
          const CheckOptions& options)
      : stub_(v1::MatchService::NewStub(channel)), options_(options) {}

  // Checks one record; sets `*present` for a create without an answer.
  void Check(TrackedRecord& record, bool search, CheckCounts* counts,
             bool* present);

 private:
  grpc::Status Get(const TrackedRecord& record, v1::Record* out);
  // Asks Recommend for a profile whose content is `content`.
  // INVALID_ARGUMENT counts as "not returned": the server rejects a query
  // none of whose words it knows, which is what a deleted word becomes.
  absl::StatusOr<Sighting> Look(const TrackedRecord& record,
                                const v1::Record& content);
  absl::StatusOr<v1::RecommendResponse> Recommend(
      const v1::RecommendRequest& request);
  void Fail(TrackedRecord& record, int64_t* counter, const std::string& what);
  void SetDeadline(grpc::ClientContext* context) const {
    context->set_deadline(std::chrono::system_clock::now() +
                          options_.rpc_timeout);
  }

  std::unique_ptr<v1::MatchService::Stub> stub_;
  const CheckOptions& options_;
};

grpc::Status Checker::Get(const TrackedRecord& record, v1::Record* out) {
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::GetRequest request;
  request.set_kind(record.kind);
  request.set_id(record.id);
  return stub_->Get(&context, request, out);
}

absl::StatusOr<v1::RecommendResponse> Checker::Recommend(
    const v1::RecommendRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::RecommendResponse response;
  const grpc::Status status = stub_->Recommend(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return v1::RecommendResponse();
  }
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("Recommend '", request.text(),
                                               "': ", status.error_message()));
  }
  return response;
}

absl::StatusOr<Sighting> Checker::Look(const TrackedRecord& record,
                                       const v1::Record& content) {
  const bool capability = record.kind == v1::RECORD_KIND_CAPABILITY;
  v1::RecommendRequest request;
  request.set_direction(capability ? v1::DIRECTION_NEED_TO_CAPABILITIES
                                   : v1::DIRECTION_CAPABILITY_TO_NEEDS);
  request.set_profiles_per_organization(10);
  Sighting sighting;

  request.set_text(record.search_token);
  request.set_k(kSearchOrganizations);
  auto by_token = Recommend(request);
  if (!by_token.ok()) return by_token.status();
  if (const auto* p = FindProfile(*by_token, record.id)) {
    sighting.returned_for_token = true;
    sighting.matched_terms = absl::StrJoin(p->matched_terms(), ",");
    sighting.matched_token =
        std::find(p->matched_terms().begin(), p->matched_terms().end(),
                  record.search_token) != p->matched_terms().end();
  }

  request.set_text(capability ? CapabilityText(content.capability())
                              : NeedText(content.need()));
  request.set_k(1);
  request.mutable_filter()->add_regions(record.owner_region);
  auto by_text = Recommend(request);
  if (!by_text.ok()) return by_text.status();
  if (const auto* p = FindProfile(*by_text, record.id)) {
    sighting.returned_for_text = true;
    sighting.dense = p->dense();
  }
  return sighting;
}

void Checker::Fail(TrackedRecord& record, int64_t* counter,
                   const std::string& what) {
  ++*counter;
  record.failed = true;
  if (reports_written.fetch_add(1) < options_.max_reports) {
    spdlog::error(
        "round {}: {} {} ({}, last acknowledged change in round {}, {} "
        "replacements): {}; acknowledged content {}",
        options_.round, v1::RecordKind_Name(record.kind), record.id,
        FateName(record.fate), record.last_change_round,
        record.earlier_acked.size(), what,
        record.fate == Fate::kUnconfirmed ? "none" : Json(record.acked));
  }
}

void Checker::Check(TrackedRecord& record, bool search, CheckCounts* counts,
                    bool* present) {
  ++counts->checked;
  v1::Record got;
  const grpc::Status status = Get(record, &got);
  if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) {
    Fail(record, &counts->rpc_errors,
         absl::StrCat("Get failed: ", status.error_message()));
    return;
  }
  const bool exists = status.ok();
  const auto is = [&](const v1::Record& content) {
    return MessageDifferencer::Equals(got, content);
  };
  const auto look = [&](const v1::Record& content) -> std::optional<Sighting> {
    ++counts->searched;
    auto sighting = Look(record, content);
    if (!sighting.ok()) {
      Fail(record, &counts->rpc_errors,
           std::string(sighting.status().message()));
      return std::nullopt;
    }
    return *sighting;
  };
  switch (record.fate) {
    case Fate::kUnconfirmed:
      *present = exists;
      if (exists && !is(*record.unconfirmed)) {
        Fail(record, &counts->wrong_content,
             absl::StrCat("Get returned ", Json(got), ", but the write sent ",
                          Json(*record.unconfirmed)));
      }
      return;
    case Fate::kDeleteUnconfirmed:
      if (exists && !is(record.acked)) {
        Fail(record, &counts->wrong_content,
             absl::StrCat("Get returned ", Json(got)));
      }
      return;
    case Fate::kDeleted:
      if (exists) {
        Fail(record, &counts->resurrected,
             absl::StrCat("Get returned it: ", Json(got)));
        return;
      }
      if (search && !record.search_token.empty()) {
        const auto seen = look(record.acked);
        if (seen.has_value() &&
            (seen->returned_for_token || seen->returned_for_text)) {
          Fail(record, &counts->resurrected,
               absl::StrCat(
                   "Recommend returned it (for its word '", record.search_token,
                   "': ", seen->returned_for_token ? "yes" : "no",
                   "; for its text: ", seen->returned_for_text ? "yes" : "no",
                   ")"));
        }
      }
      return;
    case Fate::kLive:
      break;
  }
  if (!exists) {
    Fail(record, &counts->missing, "Get: NOT_FOUND");
    return;
  }
  if (!is(record.acked) &&
      !(record.unconfirmed.has_value() && is(*record.unconfirmed))) {
    const bool stale = std::any_of(record.earlier_acked.begin(),
                                   record.earlier_acked.end(), is);
    Fail(record, stale ? &counts->stale : &counts->wrong_content,
         absl::StrCat("Get returned ", stale ? "an earlier version " : "",
                      Json(got)));
    return;
  }
  if (search && !record.search_token.empty()) {
    const auto seen = look(got);
    if (seen.has_value() && !(seen->matched_token && seen->returned_for_text &&
                              seen->dense >= kOwnVectorCosine)) {
      Fail(
          record, &counts->unsearchable,
          absl::StrCat("Recommend for its word '", record.search_token, "' ",
                       seen->returned_for_token
                           ? absl::StrCat("returns it with matched terms [",
                                          seen->matched_terms, "]")
                           : std::string("does not return it"),
                       "; for its own text within its organization ",
                       seen->returned_for_text
                           ? absl::StrCat("returns it with dense ", seen->dense,
                                          " (want >= ", kOwnVectorCosine, ")")
                           : std::string("does not return it")));
    }
  }
}

// Records to check and whether each is searched this time.
struct Task {
  TrackedRecord* record;
  bool search;
};

std::vector<Task> PlanTasks(const std::vector<WriteLedger*>& ledgers,
                            const CheckOptions& options) {
  std::vector<Task> tasks;
  std::vector<size_t> sample_pool;  // searchable, not changed this round
  for (WriteLedger* ledger : ledgers) {
    for (TrackedRecord& record : ledger->records()) {
      if (record.failed) continue;
      const bool searchable =
          !record.search_token.empty() &&
          (record.fate == Fate::kLive || record.fate == Fate::kDeleted);
      const bool fresh = record.last_change_round == options.round;
      const bool search = searchable && (options.search_all || fresh);
      if (searchable && !search) sample_pool.push_back(tasks.size());
      tasks.push_back({&record, search});
    }
  }
  std::mt19937_64 rng(options.seed);
  const size_t sample =
      std::min(sample_pool.size(), static_cast<size_t>(options.search_sample));
  for (size_t i = 0; i < sample; ++i) {
    std::swap(sample_pool[i], sample_pool[std::uniform_int_distribution<size_t>(
                                  i, sample_pool.size() - 1)(rng)]);
    tasks[sample_pool[i]].search = true;
  }
  return tasks;
}

}  // namespace

CheckCounts& CheckCounts::operator+=(const CheckCounts& other) {
  checked += other.checked;
  searched += other.searched;
  missing += other.missing;
  stale += other.stale;
  unsearchable += other.unsearchable;
  resurrected += other.resurrected;
  wrong_content += other.wrong_content;
  torn_batches += other.torn_batches;
  rpc_errors += other.rpc_errors;
  return *this;
}

CheckCounts CheckDurability(const std::vector<WriteLedger*>& ledgers,
                            const std::shared_ptr<grpc::Channel>& channel,
                            const CheckOptions& options) {
  const std::vector<Task> tasks = PlanTasks(ledgers, options);
  // vector<bool> packs bits: threads writing neighbours would race.
  std::vector<char> present(tasks.size(), 0);
  std::vector<CheckCounts> per_thread(
      static_cast<size_t>(std::max(1, options.threads)));
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (auto& counts : per_thread) {
    threads.emplace_back([&, counts = &counts] {
      Checker checker(channel, options);
      for (size_t i = next++; i < tasks.size(); i = next++) {
        bool here = false;
        checker.Check(*tasks[i].record, tasks[i].search, counts, &here);
        present[i] = here ? 1 : 0;
      }
    });
  }
  for (auto& t : threads) t.join();
  CheckCounts total;
  for (const auto& counts : per_thread) total += counts;

  // A batch is all or nothing: its records without an answer are found
  // all present or all absent.
  std::map<int64_t, std::vector<size_t>> batches;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const TrackedRecord& r = *tasks[i].record;
    if (r.fate == Fate::kUnconfirmed && r.unconfirmed_batch >= 0 && !r.failed) {
      batches[r.unconfirmed_batch].push_back(i);
    }
  }
  for (const auto& [batch, members] : batches) {
    const auto found = std::count_if(members.begin(), members.end(),
                                     [&](size_t i) { return present[i]; });
    if (found == 0 || found == static_cast<long>(members.size())) continue;
    ++total.torn_batches;
    std::string ids;
    for (size_t i : members) {
      tasks[i].record->failed = true;
      absl::StrAppend(&ids, " ", tasks[i].record->id,
                      present[i] ? " (present)" : " (absent)");
    }
    if (reports_written.fetch_add(1) < options.max_reports) {
      spdlog::error("round {}: BatchUpsert without an answer found in part:{}",
                    options.round, ids);
    }
  }
  return total;
}

}  // namespace helixmatch::crash
