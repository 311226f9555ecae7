// What a crash-test writer was told about each record it wrote: which
// writes and deletes the server acknowledged, and which calls ended
// without an answer (the server was killed) and so may or may not have
// taken effect.
//
// Ids are never reused, so a record's history is one create, perhaps some
// replacements, perhaps one delete, all sent by one writer in order.
//
// Not thread-safe: one writer thread fills a ledger; the verifier reads it
// only while the writer is parked.
#ifndef HELIXMATCH_TESTS_CRASH_WRITE_LEDGER_H_
#define HELIXMATCH_TESTS_CRASH_WRITE_LEDGER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "helixmatch/v1/records.pb.h"

namespace helixmatch::crash {

enum class Fate {
  // The create went out but no answer came back: present with
  // `unconfirmed` as its content, or absent.
  kUnconfirmed,
  // Acknowledged: must be present with `acked` (or with `unconfirmed`,
  // when a later replacement got no answer).
  kLive,
  // The delete was acknowledged: must be absent from Get and Recommend.
  kDeleted,
  // The delete got no answer: present with `acked`, or absent.
  kDeleteUnconfirmed,
};

struct TrackedRecord {
  v1::RecordKind kind = v1::RECORD_KIND_UNSPECIFIED;
  std::string id;
  // A word of the title no other record has: a Recommend for it must
  // return the record. Empty for organizations and ties (not searchable).
  std::string search_token;
  // Region of the owning organization, which no other organization has: a
  // Recommend filtered by it ranks only the owner's profiles. Profiles only.
  std::string owner_region;
  Fate fate = Fate::kUnconfirmed;
  v1::Record acked;                       // last acknowledged content
  std::vector<v1::Record> earlier_acked;  // replaced acknowledged contents
  std::optional<v1::Record> unconfirmed;  // a write without an answer
  // Id of the BatchUpsert without an answer that carried the create, or -1:
  // such a batch must be found whole or not at all.
  int64_t unconfirmed_batch = -1;
  int last_change_round = 0;  // round of the last acknowledgement
  // A durability failure was counted for this record; it is not checked
  // again, so each record counts once.
  bool failed = false;
};

class WriteLedger {
 public:
  // Starts tracking a record whose create is about to be sent; the
  // reference stays valid for the ledger's lifetime.
  TrackedRecord& Track(v1::RecordKind kind, const std::string& id,
                       const std::string& search_token = "",
                       const std::string& owner_region = "");

  // Outcomes of a create or replacement carrying `content`.
  void WriteAcked(TrackedRecord& record, const v1::Record& content, int round);
  void WriteUnconfirmed(TrackedRecord& record, const v1::Record& content,
                        int64_t batch = -1);
  // Outcomes of a delete.
  void DeleteAcked(TrackedRecord& record, int round);
  void DeleteUnconfirmed(TrackedRecord& record);

  // Only records in kLive without an unconfirmed write may be written or
  // deleted again: anything else has an uncertain state.
  static bool Writable(const TrackedRecord& record) {
    return record.fate == Fate::kLive && !record.unconfirmed.has_value();
  }

  std::deque<TrackedRecord>& records() { return records_; }
  const std::deque<TrackedRecord>& records() const { return records_; }
  int64_t acked_writes() const { return acked_writes_; }
  int64_t acked_deletes() const { return acked_deletes_; }
  int64_t unconfirmed_writes() const { return unconfirmed_writes_; }

 private:
  std::deque<TrackedRecord> records_;  // deque: references stay valid
  int64_t acked_writes_ = 0;           // records, not calls (batches count
                                       // each record)
  int64_t acked_deletes_ = 0;
  // Records written or deleted without an answer (a batch counts each).
  int64_t unconfirmed_writes_ = 0;
};

}  // namespace helixmatch::crash

#endif  // HELIXMATCH_TESTS_CRASH_WRITE_LEDGER_H_
