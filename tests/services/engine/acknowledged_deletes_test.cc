// Queries running while writes are acknowledged.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/engine_fixture.h"

namespace helixmatch {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace ::helixmatch::testing;  // NOLINT: the fixture's helpers

// ------------------------------------------------------------- concurrency

// Readers and the writer pace each other by counts, without sleeps: after
// each upsert the writer waits until kReaders queries that started after
// its acknowledgement have finished, then deletes; readers stay at most a
// few queries ahead of what the writer waits for.
TEST_F(MatchingEngineTest, ConcurrentQueriesNeverSeeAcknowledgedDeletes) {
  LoadCorpus();
  Put(University("u_tmp", "KZ", "Karaganda", "mining"));
  constexpr int kWrites = 80;
  constexpr int kReaders = 4;
  std::atomic<int> started{0};
  std::atomic<int> completed{0};
  std::atomic<int> wanted{0};
  std::atomic<int> deleted_upto{-1};
  std::atomic<bool> writer_done{false};
  std::atomic<int> errors{0};
  std::atomic<int> stale{0};
  std::atomic<int> seen_temporary{0};
  std::atomic<int> writer_failures{0};

  v1::RecommendRequest request = ForText(
      "copper flotation concentrator", v1::DIRECTION_NEED_TO_CAPABILITIES, 10);
  request.set_profiles_per_organization(10);

  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      const v1::RecommendRequest own =
          r % 2 == 0 ? request : ForNeed("need_mining", 10);
      while (!writer_done.load()) {
        if (started.load() >= wanted.load() + 4 * kReaders) {
          std::this_thread::yield();
          continue;
        }
        const int acknowledged = deleted_upto.load();
        started.fetch_add(1);
        auto response = engine_->Recommend(own);
        if (!response.ok()) {
          errors.fetch_add(1);
        } else {
          for (const auto& s : response->suggestions()) {
            for (const auto& p : s.profiles()) {
              if (p.id().rfind("tmp-", 0) != 0) continue;
              seen_temporary.fetch_add(1);
              if (std::stoi(p.id().substr(4)) <= acknowledged) {
                stale.fetch_add(1);
              }
            }
          }
        }
        completed.fetch_add(1);
      }
    });
  }

  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      const std::string id = "tmp-" + std::to_string(i);
      if (!engine_
               ->Upsert(Rec(MakeCapability(
                   id, "u_tmp", "Copper flotation concentrator ore")))
               .ok()) {
        writer_failures.fetch_add(1);
      }
      auto visible = engine_->Recommend(request);
      if (!visible.ok() || !ProfileIds(*visible).count(id)) {
        writer_failures.fetch_add(1);
      }
      const int before = started.load();
      wanted.store(before + kReaders);
      while (completed.load() < before + kReaders) std::this_thread::yield();
      if (!engine_->Delete(v1::RECORD_KIND_CAPABILITY, id).ok()) {
        writer_failures.fetch_add(1);
      }
      deleted_upto.store(i);
    }
    writer_done.store(true);
  });
  writer.join();
  for (auto& t : readers) t.join();

  EXPECT_EQ(writer_failures.load(), 0);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(stale.load(), 0);
  EXPECT_GE(completed.load(), kWrites * kReaders);
  EXPECT_GE(seen_temporary.load(), kWrites * kReaders);
  EXPECT_EQ(deleted_upto.load(), kWrites - 1);
  EXPECT_EQ(engine_->Stats().capabilities(), 10);
  for (const auto& id : ProfileIds(Recommend(request))) {
    EXPECT_NE(id.rfind("tmp-", 0), 0u) << id;
  }
}

}  // namespace
}  // namespace helixmatch
