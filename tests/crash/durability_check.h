// Checks a restarted server against the writers' ledgers: every
// acknowledged write is present with the acknowledged content and (for
// profiles) found by Recommend; every acknowledged delete is gone from Get
// and Recommend; writes without an answer are either whole or absent.
#ifndef HELIXMATCH_TESTS_CRASH_DURABILITY_CHECK_H_
#define HELIXMATCH_TESTS_CRASH_DURABILITY_CHECK_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "tests/crash/write_ledger.h"

namespace helixmatch::crash {

struct CheckOptions {
  int round = 0;    // the crash round just recovered from (for reports)
  int threads = 4;  // concurrent checking clients
  // Search every record with Recommend, or only those changed in `round`
  // plus `search_sample` others chosen at random (Get checks them all).
  bool search_all = false;
  int search_sample = 200;
  uint64_t seed = 1;  // of the sample
  std::chrono::milliseconds rpc_timeout{10000};
  // Failures described on stderr, at most, over all checks of the process
  // (all are counted).
  int max_reports = 20;
};

// Counts of one check. Each record counts at most once over a run: a failed
// record is marked (TrackedRecord::failed) and skipped afterwards.
struct CheckCounts {
  int64_t checked = 0;   // records looked up with Get
  int64_t searched = 0;  // records looked for with Recommend
  // Acknowledged writes not durable; lost = missing + stale + unsearchable.
  int64_t missing = 0;       // Get: NOT_FOUND
  int64_t stale = 0;         // Get: an earlier acknowledged content
  int64_t unsearchable = 0;  // present, but Recommend does not return it
  int64_t resurrected = 0;   // deleted, but Get or Recommend returns it
  // Content that no write sent: corruption, or a bug in the harness.
  int64_t wrong_content = 0;
  int64_t torn_batches = 0;  // a batch without an answer found in part
  int64_t rpc_errors = 0;    // a check call itself failed

  int64_t lost() const { return missing + stale + unsearchable; }
  bool clean() const {
    return lost() == 0 && resurrected == 0 && wrong_content == 0 &&
           torn_batches == 0 && rpc_errors == 0;
  }
  CheckCounts& operator+=(const CheckCounts& other);
};

// Runs the checks against the server behind `channel`. The ledgers must
// not change meanwhile (their writers are parked).
CheckCounts CheckDurability(const std::vector<WriteLedger*>& ledgers,
                            const std::shared_ptr<grpc::Channel>& channel,
                            const CheckOptions& options);

}  // namespace helixmatch::crash

#endif  // HELIXMATCH_TESTS_CRASH_DURABILITY_CHECK_H_
