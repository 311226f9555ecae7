// One crash-test client: streams upserts, replacements, batches and deletes
// of its own records to a server and records every outcome in its ledger.
//
// Every record gets a fresh id, so a write acknowledged after a crash is
// never confused with an earlier one. Profiles carry a unique title word so
// Recommend can find each of them. Only acknowledged organizations become
// owners of profiles and ties; "leaf" organizations own nothing and are the
// only organizations deleted (a delete of an owner is FAILED_PRECONDITION).
//
// Not thread-safe: one thread per writer.
#ifndef HELIXMATCH_TESTS_CRASH_RECORD_WRITER_H_
#define HELIXMATCH_TESTS_CRASH_RECORD_WRITER_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "helixmatch/v1/matching.grpc.pb.h"
#include "tests/crash/write_ledger.h"

namespace helixmatch::crash {

class RecordWriter {
 public:
  // `index` makes ids and title words unique among writers; `seed` makes
  // the sequence of operations reproducible (the interleaving with the
  // kills is not).
  RecordWriter(int index, uint64_t seed, std::chrono::milliseconds rpc_timeout);

  // Sends one randomly chosen operation to the server in `round`. OK when
  // it was acknowledged; otherwise its records are marked unconfirmed in
  // the ledger (whatever the code: a caller that knows the server was not
  // killed treats the status as an error).
  grpc::Status Step(v1::MatchService::Stub& stub, int round);

  // Acknowledged upserts whose answer contradicts the ledger: `created`
  // for a record that was acknowledged and not deleted (it was lost), or
  // not `created` for a fresh id.
  int64_t wrong_answers() const { return wrong_answers_; }

  WriteLedger& ledger() { return ledger_; }
  const WriteLedger& ledger() const { return ledger_; }

  // Every word the writers put in titles and descriptions besides the
  // unique ones (e.g. for a word-vector file that knows them).
  static std::vector<std::string> TopicWords();

 private:
  grpc::Status NewOrganization(v1::MatchService::Stub& stub, int round,
                               v1::OrganizationKind kind, bool leaf);
  grpc::Status NewProfile(v1::MatchService::Stub& stub, int round,
                          v1::RecordKind kind);
  grpc::Status NewBatch(v1::MatchService::Stub& stub, int round);
  grpc::Status NewTie(v1::MatchService::Stub& stub, int round);
  grpc::Status ReplaceProfile(v1::MatchService::Stub& stub, int round);
  // Deletes a record taken (and removed) from `pool`.
  grpc::Status DeleteFrom(std::vector<TrackedRecord*>& pool,
                          v1::MatchService::Stub& stub, int round);

  // Upsert of one record with the outcome recorded.
  grpc::Status Upsert(v1::MatchService::Stub& stub, int round,
                      TrackedRecord& record, const v1::Record& content);
  // A new tracked capability or need with its first content.
  TrackedRecord& TrackProfile(v1::RecordKind kind, v1::Record* content);
  v1::Record ProfileContent(const TrackedRecord& record,
                            const std::string& owner, int revision);
  std::string NextId(const char* prefix);
  std::string Pick(const std::vector<std::string>& words);
  void SetDeadline(grpc::ClientContext* context) const;

  const int index_;
  const std::chrono::milliseconds rpc_timeout_;
  std::mt19937_64 rng_;
  int64_t serial_ = 0;
  int64_t wrong_answers_ = 0;
  WriteLedger ledger_;
  // Acknowledged records the writer may still use; pointers into ledger_.
  std::vector<TrackedRecord*> universities_;  // owners of capabilities
  std::vector<TrackedRecord*> firms_;         // owners of needs
  std::vector<TrackedRecord*> leaves_;        // organizations owning nothing
  std::vector<TrackedRecord*> profiles_;      // capabilities and needs
  std::vector<TrackedRecord*> ties_;
};

}  // namespace helixmatch::crash

#endif  // HELIXMATCH_TESTS_CRASH_RECORD_WRITER_H_
