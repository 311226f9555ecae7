// Searches while writes and deletes happen, built to run under
// ThreadSanitizer too (scripts/test-tsan.sh). Writers upsert, replace
// and delete capabilities of their own universities; readers run
// Recommend, Get and Stats all the while and check, against what the
// writers had published as acknowledged before each read started:
//   - no record is returned after its Delete returned;
//   - every profile of a suggestion exists, belongs to the suggested
//     organization and is whole (its fields are of one version);
//   - suggestions are sorted and each organization appears once;
// and at the end the counts add up and every survivor is searchable.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "services/engine/matching_engine.h"
#include "tests/testing/synthetic_corpus.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

using testing::TempDir;

constexpr int kWriters = 4;
constexpr int kReaders = 4;
// Each writer upserts kRounds profiles; it replaces each one once and
// deletes it again kWindow rounds later, so about kWindow live at a time.
constexpr int kRounds = 60;
constexpr int kWindow = 5;

std::string WriterOrganization(int w) { return absl::StrCat("uw", w); }
std::string ProfileId(int w, int i) { return absl::StrCat("w", w, "-", i); }

// A profile's version is written into three fields; a torn read would
// mix them.
v1::CapabilityProfile Version(int w, int i, int version) {
  v1::CapabilityProfile p =
      testing::MakeCapability(ProfileId(w, i), WriterOrganization(w),
                              "copper flotation concentrator ore mining");
  p.set_reference(absl::StrCat(ProfileId(w, i), " v", version));
  p.set_unit(absl::StrCat("v", version));
  p.set_year(2000 + version);
  p.add_keywords(version == 0 ? "flotation" : "tailings");
  return p;
}

bool Whole(const v1::CapabilityProfile& p) {
  const std::string v = p.unit();
  if (v != "v0" && v != "v1") return false;
  const int version = v == "v0" ? 0 : 1;
  return p.reference() == absl::StrCat(p.id(), " ", v) &&
         p.year() == 2000 + version && p.keywords_size() == 1 &&
         p.keywords(0) == (version == 0 ? "flotation" : "tailings") &&
         p.organization_id() == absl::StrCat("uw", p.id().substr(1, 1));
}

// (writer, round) of a writer's profile id; false for other ids.
bool ParseId(absl::string_view id, int* w, int* i) {
  if (!absl::ConsumePrefix(&id, "w")) return false;
  std::vector<absl::string_view> parts = absl::StrSplit(id, '-');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], w) &&
         absl::SimpleAtoi(parts[1], i);
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path();
    options.word_vectors = testing::SyntheticWordVectors();
    options.reference_year = 2025;
    auto engine = MatchingEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    auto corpus = testing::SyntheticCorpus();
    for (int w = 0; w < kWriters; ++w) {
      *corpus.Add() = testing::AsRecord(testing::MakeOrganization(
          WriterOrganization(w), v1::ORGANIZATION_KIND_UNIVERSITY));
    }
    auto batch = engine_->BatchUpsert(corpus);
    ASSERT_TRUE(batch.ok()) << batch.status();
  }

  TempDir dir_;
  std::unique_ptr<MatchingEngine> engine_;
};

TEST_F(ConcurrencyTest, ReadersNeverSeeDeletedOrTornRecords) {
  const int base_capabilities =
      static_cast<int>(engine_->Stats().capabilities());
  // Per writer: rounds whose Delete has returned (all rounds < this), and
  // rounds whose first Upsert has started (all rounds < this).
  std::atomic<int> deleted_below[kWriters];
  std::atomic<int> started_below[kWriters];
  for (int w = 0; w < kWriters; ++w) {
    deleted_below[w].store(0);
    started_below[w].store(0);
  }
  std::atomic<int> writers_done{0};
  std::atomic<int> write_failures{0};
  std::atomic<int> read_errors{0};
  std::atomic<int> stale{0};     // a deleted profile came back
  std::atomic<int> torn{0};      // a profile mixing versions, or misplaced
  std::atomic<int> unknown{0};   // a profile never written yet
  std::atomic<int> disorder{0};  // unsorted or repeated suggestions
  std::atomic<int> reads{0};
  std::atomic<int> seen{0};  // writer profiles seen by readers

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kRounds; ++i) {
        started_below[w].store(i + 1);
        if (!engine_->Upsert(testing::AsRecord(Version(w, i, 0))).ok()) {
          write_failures.fetch_add(1);
        }
        if (i >= 1 &&
            !engine_->Upsert(testing::AsRecord(Version(w, i - 1, 1))).ok()) {
          write_failures.fetch_add(1);
        }
        if (i >= kWindow) {
          if (!engine_
                   ->Delete(v1::RECORD_KIND_CAPABILITY,
                            ProfileId(w, i - kWindow))
                   .ok()) {
            write_failures.fetch_add(1);
          }
          deleted_below[w].store(i - kWindow + 1);
        }
      }
      writers_done.fetch_add(1);
    });
  }

  const auto check_profile = [&](const std::string& id,
                                 const std::string& organization,
                                 const int deleted[], const int started[]) {
    int w, i;
    if (!ParseId(id, &w, &i)) return;
    seen.fetch_add(1);
    if (organization != WriterOrganization(w)) torn.fetch_add(1);
    if (i < deleted[w]) stale.fetch_add(1);
    if (i >= started[w]) unknown.fetch_add(1);
  };

  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      std::mt19937 rng(r);
      while (writers_done.load() < kWriters) {
        int deleted[kWriters];
        for (int w = 0; w < kWriters; ++w) deleted[w] = deleted_below[w].load();
        const int kind = static_cast<int>(rng() % 4);
        if (kind <= 1) {
          v1::RecommendRequest request;
          request.set_text(kind == 0 ? "copper flotation concentrator"
                                     : "mining ore tailings");
          request.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
          request.set_k(20);
          request.set_profiles_per_organization(10);
          auto response = engine_->Recommend(request);
          int started[kWriters];
          for (int w = 0; w < kWriters; ++w)
            started[w] = started_below[w].load();
          if (!response.ok()) {
            read_errors.fetch_add(1);
            continue;
          }
          std::set<std::string> organizations;
          for (int s = 0; s < response->suggestions_size(); ++s) {
            const auto& suggestion = response->suggestions(s);
            if (!organizations.insert(suggestion.organization().id()).second ||
                (s > 0 &&
                 suggestion.score() > response->suggestions(s - 1).score())) {
              disorder.fetch_add(1);
            }
            for (const auto& p : suggestion.profiles()) {
              check_profile(p.id(), suggestion.organization().id(), deleted,
                            started);
            }
          }
        } else if (kind == 2) {
          const int w = static_cast<int>(rng() % kWriters);
          const int i = static_cast<int>(rng() % kRounds);
          auto got = engine_->Get(v1::RECORD_KIND_CAPABILITY, ProfileId(w, i));
          int started[kWriters];
          for (int x = 0; x < kWriters; ++x)
            started[x] = started_below[x].load();
          if (got.ok()) {
            if (!Whole(got->capability())) torn.fetch_add(1);
            check_profile(got->capability().id(),
                          got->capability().organization_id(), deleted,
                          started);
          } else if (!absl::IsNotFound(got.status())) {
            read_errors.fetch_add(1);
          }
        } else {
          const auto stats = engine_->Stats();
          if (stats.capabilities() < base_capabilities ||
              stats.capabilities() >
                  base_capabilities + kWriters * (kWindow + 1)) {
            disorder.fetch_add(1);
          }
        }
        reads.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(write_failures.load(), 0);
  EXPECT_EQ(read_errors.load(), 0);
  EXPECT_EQ(stale.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(unknown.load(), 0);
  EXPECT_EQ(disorder.load(), 0);
  EXPECT_GT(reads.load(), kReaders);
  EXPECT_GT(seen.load(), 0);

  // The last kWindow rounds of each writer survive, replaced but the last.
  const auto stats = engine_->Stats();
  EXPECT_EQ(stats.capabilities(), base_capabilities + kWriters * kWindow);
  const int upserts = kWriters * (2 * kRounds - 1);
  const int deletes = kWriters * (kRounds - kWindow);
  EXPECT_GE(stats.writes_committed(), upserts + deletes);
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kRounds; ++i) {
      auto got = engine_->Get(v1::RECORD_KIND_CAPABILITY, ProfileId(w, i));
      if (i < kRounds - kWindow) {
        EXPECT_TRUE(absl::IsNotFound(got.status())) << ProfileId(w, i);
        continue;
      }
      ASSERT_TRUE(got.ok()) << ProfileId(w, i);
      EXPECT_EQ(got->capability().unit(), i == kRounds - 1 ? "v0" : "v1");
    }
  }
  v1::RecommendRequest request;
  request.set_text("copper flotation concentrator");
  request.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
  request.set_k(100);
  request.set_profiles_per_organization(10);
  auto response = engine_->Recommend(request);
  ASSERT_TRUE(response.ok());
  int survivors = 0;
  for (const auto& s : response->suggestions()) {
    for (const auto& p : s.profiles()) {
      int w, i;
      if (ParseId(p.id(), &w, &i)) {
        EXPECT_GE(i, kRounds - kWindow) << p.id();
        ++survivors;
      }
    }
  }
  EXPECT_EQ(survivors, kWriters * kWindow);
}

// Batches, ingests and deletes of organizations race with queries that
// name records by id: a query either sees a record whole or gets
// NOT_FOUND, never an error of another kind or a half-applied batch.
TEST_F(ConcurrencyTest, BatchesAreAllOrNothingToConcurrentReaders) {
  constexpr int kBatches = 30;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> partial{0};
  std::thread writer([&] {
    for (int b = 0; b < kBatches; ++b) {
      google::protobuf::RepeatedPtrField<v1::Record> batch;
      const std::string org = absl::StrCat("ub", b);
      *batch.Add() = testing::AsRecord(
          testing::MakeOrganization(org, v1::ORGANIZATION_KIND_UNIVERSITY));
      for (int j = 0; j < 5; ++j) {
        *batch.Add() = testing::AsRecord(testing::MakeCapability(
            absl::StrCat(org, "-", j), org, "wheat drought irrigation"));
      }
      if (!engine_->BatchUpsert(batch).ok()) failures.fetch_add(1);
      if (b % 2 == 1) {  // take the previous batch away again
        const std::string prev = absl::StrCat("ub", b - 1);
        for (int j = 0; j < 5; ++j) {
          if (!engine_
                   ->Delete(v1::RECORD_KIND_CAPABILITY,
                            absl::StrCat(prev, "-", j))
                   .ok()) {
            failures.fetch_add(1);
          }
        }
        if (!engine_->Delete(v1::RECORD_KIND_ORGANIZATION, prev).ok()) {
          failures.fetch_add(1);
        }
      }
    }
    done.store(true);
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        v1::RecommendRequest request;
        request.set_text("wheat drought irrigation");
        request.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
        request.set_k(50);
        request.set_profiles_per_organization(10);
        auto response = engine_->Recommend(request);
        if (!response.ok()) {
          failures.fetch_add(1);
          continue;
        }
        for (const auto& s : response->suggestions()) {
          int b;
          if (!absl::SimpleAtoi(absl::StripPrefix(s.organization().id(), "ub"),
                                &b)) {
            continue;
          }
          // A batch's organization comes with all five of its profiles;
          // even batches lose theirs one Delete at a time later on.
          if (s.total_profiles() != s.profiles_size() ||
              s.total_profiles() < 1 || s.total_profiles() > 5 ||
              (b % 2 == 1 && s.total_profiles() != 5)) {
            partial.fetch_add(1);
          }
        }
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(partial.load(), 0);
  EXPECT_EQ(engine_->Get(v1::RECORD_KIND_ORGANIZATION, "ub0").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(
      engine_
          ->Get(v1::RECORD_KIND_ORGANIZATION, absl::StrCat("ub", kBatches - 2))
          .status()
          .code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace helixmatch
