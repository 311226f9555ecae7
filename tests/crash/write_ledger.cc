#include "tests/crash/write_ledger.h"

#include <cstdlib>

namespace helixmatch::crash {

TrackedRecord& WriteLedger::Track(v1::RecordKind kind, const std::string& id,
                                  const std::string& search_token,
                                  const std::string& owner_region) {
  TrackedRecord& record = records_.emplace_back();
  record.kind = kind;
  record.id = id;
  record.search_token = search_token;
  record.owner_region = owner_region;
  return record;
}

void WriteLedger::WriteAcked(TrackedRecord& record, const v1::Record& content,
                             int round) {
  // A writer only writes records it may write; anything else is a bug of
  // the harness that would make its verdicts wrong.
  if (record.fate == Fate::kLive) {
    if (record.unconfirmed.has_value()) std::abort();
    record.earlier_acked.push_back(std::move(record.acked));
  } else if (record.fate != Fate::kUnconfirmed ||
             record.unconfirmed.has_value()) {
    std::abort();
  }
  record.fate = Fate::kLive;
  record.acked = content;
  record.last_change_round = round;
  ++acked_writes_;
}

void WriteLedger::WriteUnconfirmed(TrackedRecord& record,
                                   const v1::Record& content, int64_t batch) {
  if (record.unconfirmed.has_value()) std::abort();
  record.unconfirmed = content;
  record.unconfirmed_batch = batch;
  ++unconfirmed_writes_;
}

void WriteLedger::DeleteAcked(TrackedRecord& record, int round) {
  if (!Writable(record)) std::abort();
  record.fate = Fate::kDeleted;
  record.last_change_round = round;
  ++acked_deletes_;
}

void WriteLedger::DeleteUnconfirmed(TrackedRecord& record) {
  if (!Writable(record)) std::abort();
  record.fate = Fate::kDeleteUnconfirmed;
  ++unconfirmed_writes_;
}

}  // namespace helixmatch::crash
