// Nothing acknowledged is lost: the engine over a real RocksDB
// store and FAISS indexes, stopped without saving its indexes (as a crash
// leaves them) or killed outright in a child process, then reopened. The
// reopened engine must say how it got each index ("loaded", "replayed N
// ... since sequence S", "rebuilt: <reason>") and answer exactly as an
// engine that never stopped; concurrent writers must all be durable and
// share syncs (group commit).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "services/engine/matching_engine.h"
#include "tests/testing/child_process.h"
#include "tests/testing/synthetic_corpus.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TempDir;

constexpr char kWriterMode[] = "durability-writer";
constexpr char kFolderVariable[] = "HELIXMATCH_DURABILITY_FOLDER";

EngineOptions OptionsFor(const std::string& folder, bool save_on_close) {
  EngineOptions options;
  options.data_dir = folder;
  options.word_vectors = testing::SyntheticWordVectors();
  options.reference_year = 2025;
  options.save_indexes_on_close = save_on_close;
  return options;
}

std::unique_ptr<MatchingEngine> OpenOrDie(const std::string& folder,
                                          bool save_on_close) {
  auto engine = MatchingEngine::Open(OptionsFor(folder, save_on_close));
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? std::move(*engine) : nullptr;
}

// The answers and the stored state, compared as a whole.
struct Observed {
  std::vector<std::string> answers;
  std::string digest;
};

Observed Observe(const MatchingEngine& engine) {
  return {testing::Answers(engine, testing::FixedQueries()),
          testing::StateDigest(engine, testing::CorpusIds())};
}

void ExpectSame(const Observed& expected, const Observed& actual) {
  EXPECT_EQ(expected.digest, actual.digest);
  ASSERT_EQ(expected.answers.size(), actual.answers.size());
  for (size_t i = 0; i < expected.answers.size(); ++i) {
    EXPECT_TRUE(testing::SameAnswers(expected.answers[i], actual.answers[i]))
        << "query " << i << "\nexpected:\n"
        << expected.answers[i] << "actual:\n"
        << actual.answers[i];
  }
}

class DurabilityTest : public ::testing::Test {
 protected:
  // The corpus in one batch, then the indexes saved: returns the store
  // sequence they reflect.
  uint64_t WriteCorpusAndSave(MatchingEngine& engine) {
    auto batch = engine.BatchUpsert(testing::SyntheticCorpus());
    EXPECT_TRUE(batch.ok()) << batch.status();
    EXPECT_TRUE(engine.SaveIndexes().ok());
    return engine.Stats().store_sequence();
  }

  void Apply(MatchingEngine& engine, int session) {
    auto s = testing::ApplyWrites(engine, testing::SessionWrites(session));
    ASSERT_TRUE(s.ok()) << s;
  }

  std::string IndexPath(const std::string& root, v1::RecordKind kind) {
    return DataDir{root}.IndexPath(kind);
  }

  TempDir dir_;
  std::string root_ = dir_.path() + "/data";
};

// Session writes change 9 capabilities (3 replaced, 2 deleted, 4 added)
// and 4 needs (1 replaced, 1 deleted, 2 added), different ones in each
// session.
TEST_F(DurabilityTest, StopWithoutSavingReplaysTheLogAndAnswersAsBefore) {
  uint64_t saved;
  uint64_t resaved;  // the recovered indexes are saved again at start
  Observed before;
  {
    auto engine = OpenOrDie(root_, /*save_on_close=*/false);
    ASSERT_NE(engine, nullptr);
    saved = WriteCorpusAndSave(*engine);
    Apply(*engine, 1);
    before = Observe(*engine);
  }
  {
    auto engine = OpenOrDie(root_, false);
    ASSERT_NE(engine, nullptr);
    const auto stats = engine->Stats();
    resaved = stats.store_sequence();
    EXPECT_EQ(
        stats.capability_index_recovery(),
        absl::StrCat("replayed 9 capability changes since sequence ", saved));
    EXPECT_EQ(stats.need_index_recovery(),
              absl::StrCat("replayed 4 need changes since sequence ", saved));
    ExpectSame(before, Observe(*engine));
    // Deletes and replacements came back as they were acknowledged.
    for (const auto& w : testing::SessionWrites(1)) {
      auto got = engine->Get(w.key.first, w.key.second);
      if (w.is_delete()) {
        EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound)
            << w.key.second;
      } else {
        ASSERT_TRUE(got.ok()) << w.key.second << ": " << got.status();
        EXPECT_EQ(got->SerializeAsString(), w.record.SerializeAsString())
            << w.key.second;
      }
    }
    // A deleted profile is never suggested.
    for (const auto& a : Observe(*engine).answers) {
      EXPECT_THAT(a, ::testing::Not(HasSubstr("c1-1-3:")));
    }
    Apply(*engine, 2);
    before = Observe(*engine);
  }
  // Twice without saving at shutdown: the second start replays only the
  // second session, from the indexes the first recovery saved.
  auto engine = OpenOrDie(root_, false);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(
      engine->Stats().capability_index_recovery(),
      absl::StrCat("replayed 9 capability changes since sequence ", resaved));
  EXPECT_EQ(engine->Stats().need_index_recovery(),
            absl::StrCat("replayed 4 need changes since sequence ", resaved));
  ExpectSame(before, Observe(*engine));

  // An engine that never stopped, fed the same writes, answers the same.
  const std::string other = dir_.path() + "/never-stopped";
  auto never = OpenOrDie(other, false);
  ASSERT_NE(never, nullptr);
  WriteCorpusAndSave(*never);
  Apply(*never, 1);
  Apply(*never, 2);
  ExpectSame(Observe(*never), Observe(*engine));

  // And so does one whose indexes are rebuilt from the store.
  engine.reset();
  for (auto kind : {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    ASSERT_TRUE(fs::remove(IndexPath(root_, kind)));
  }
  engine = OpenOrDie(root_, true);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(
      engine->Stats().capability_index_recovery(),
      absl::StrCat("rebuilt: index file '",
                   IndexPath(root_, v1::RECORD_KIND_CAPABILITY), "' missing"));
  EXPECT_THAT(engine->Stats().need_index_recovery(),
              StartsWith("rebuilt: index file '"));
  ExpectSame(before, Observe(*engine));

  // Saved on that clean stop at the last sequence: loaded as is.
  engine.reset();
  engine = OpenOrDie(root_, true);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->Stats().capability_index_recovery(), "loaded");
  EXPECT_EQ(engine->Stats().need_index_recovery(), "loaded");
  ExpectSame(before, Observe(*engine));
}

TEST_F(DurabilityTest, CleanStopLoadsTheSavedIndexes) {
  Observed before;
  {
    auto engine = OpenOrDie(root_, /*save_on_close=*/true);
    ASSERT_NE(engine, nullptr);
    WriteCorpusAndSave(*engine);
    Apply(*engine, 1);
    before = Observe(*engine);
  }
  auto engine = OpenOrDie(root_, true);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->Stats().capability_index_recovery(), "loaded");
  EXPECT_EQ(engine->Stats().need_index_recovery(), "loaded");
  ExpectSame(before, Observe(*engine));
}

// The store keeps its log in archive/ for a week (or 1 GiB); an index
// older than what is left of it cannot be replayed and is rebuilt.
TEST_F(DurabilityTest, IndexOlderThanTheKeptLogIsRebuilt) {
  Observed before;
  {
    auto engine = OpenOrDie(root_, false);
    ASSERT_NE(engine, nullptr);
    WriteCorpusAndSave(*engine);
    Apply(*engine, 1);
    before = Observe(*engine);
  }
  const std::string archive = DataDir{root_}.StorePath() + "/archive";
  ASSERT_TRUE(fs::exists(archive));
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(archive)) {
    fs::remove(entry.path());
    ++removed;
  }
  ASSERT_GT(removed, 0);
  auto engine = OpenOrDie(root_, false);
  ASSERT_NE(engine, nullptr);
  EXPECT_THAT(engine->Stats().capability_index_recovery(),
              StartsWith("rebuilt: cannot replay the store's changes: "));
  EXPECT_THAT(engine->Stats().need_index_recovery(),
              StartsWith("rebuilt: cannot replay the store's changes: "));
  ExpectSame(before, Observe(*engine));
}

// Index files from a later state than the store (e.g. a backup's store
// with the live folder's indexes): rebuilt from the store.
TEST_F(DurabilityTest, IndexAheadOfTheStoreIsRebuilt) {
  const std::string backup = dir_.path() + "/backup";
  Observed at_backup;
  uint64_t backup_sequence, later;
  {
    auto engine = OpenOrDie(root_, false);
    ASSERT_NE(engine, nullptr);
    WriteCorpusAndSave(*engine);
    auto made = engine->Backup(backup);
    ASSERT_TRUE(made.ok()) << made.status();
    backup_sequence = made->store_sequence();
    at_backup = Observe(*engine);
    Apply(*engine, 1);
    ASSERT_TRUE(engine->SaveIndexes().ok());
    later = engine->Stats().store_sequence();
  }
  ASSERT_GT(later, backup_sequence);
  for (auto kind : {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    fs::copy_file(IndexPath(root_, kind), IndexPath(backup, kind),
                  fs::copy_options::overwrite_existing);
  }
  auto engine = OpenOrDie(backup, false);
  ASSERT_NE(engine, nullptr);
  const std::string expected =
      absl::StrCat("rebuilt: index file reflects store sequence ", later,
                   ", beyond the store's ", backup_sequence);
  EXPECT_EQ(engine->Stats().capability_index_recovery(), expected);
  EXPECT_EQ(engine->Stats().need_index_recovery(), expected);
  ExpectSame(at_backup, Observe(*engine));
}

// Many writers at once: every acknowledged upsert and delete is visible
// when it returns and still there after a stop without saving the
// indexes; and they shared fsyncs (fewer write groups than writes).
TEST_F(DurabilityTest, ConcurrentWritersAreDurableVisibleAndGrouped) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 25;  // upserts; every odd one deletes the last
  uint64_t saved;
  std::vector<std::string> kept, deleted;
  {
    auto engine = OpenOrDie(root_, false);
    ASSERT_NE(engine, nullptr);
    saved = WriteCorpusAndSave(*engine);
    const auto stats0 = engine->Stats();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 rng(t);
        for (int i = 0; i < kPerThread; ++i) {
          const std::string id = absl::StrCat("cc-", t, "-", i);
          const int topic = (t + i) % testing::kTopics;
          auto r = engine->Upsert(testing::AsRecord(testing::TopicCapability(
              rng, id, testing::UniversityId(topic, i % 3), topic)));
          if (!r.ok() || !engine->Get(v1::RECORD_KIND_CAPABILITY, id).ok()) {
            failures.fetch_add(1);
          }
          if (i % 2 == 1) {
            const std::string previous = absl::StrCat("cc-", t, "-", i - 1);
            if (!engine->Delete(v1::RECORD_KIND_CAPABILITY, previous).ok() ||
                engine->Get(v1::RECORD_KIND_CAPABILITY, previous).ok()) {
              failures.fetch_add(1);
            }
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_EQ(failures.load(), 0);
    const auto stats = engine->Stats();
    const int64_t writes = stats.writes_committed() - stats0.writes_committed();
    const int64_t groups = stats.write_groups() - stats0.write_groups();
    EXPECT_EQ(writes, kThreads * (kPerThread + kPerThread / 2));
    EXPECT_LT(groups, writes) << "no two writes shared a sync";
    std::printf(
        "%d writer threads: %lld writes in %lld synced groups (%.1f "
        "writes per sync)\n",
        kThreads, static_cast<long long>(writes),
        static_cast<long long>(groups),
        static_cast<double>(writes) / static_cast<double>(groups));
    EXPECT_EQ(stats.capabilities(),
              stats0.capabilities() + kThreads * (kPerThread - kPerThread / 2));
  }
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const std::string id = absl::StrCat("cc-", t, "-", i);
      (i % 2 == 0 && i + 1 < kPerThread ? deleted : kept).push_back(id);
    }
  }
  auto engine = OpenOrDie(root_, false);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->Stats().capability_index_recovery(),
            absl::StrCat("replayed ", kThreads * kPerThread,
                         " capability changes since sequence ", saved));
  for (const auto& id : kept) {
    EXPECT_TRUE(engine->Get(v1::RECORD_KIND_CAPABILITY, id).ok()) << id;
  }
  for (const auto& id : deleted) {
    EXPECT_EQ(engine->Get(v1::RECORD_KIND_CAPABILITY, id).status().code(),
              absl::StatusCode::kNotFound)
        << id;
  }
  // The kept ones are searchable, the deleted ones never suggested.
  v1::RecommendRequest request;
  request.set_text("copper flotation ore concentrator");
  request.set_direction(v1::DIRECTION_NEED_TO_CAPABILITIES);
  request.set_k(100);
  request.set_profiles_per_organization(10);
  auto response = engine->Recommend(request);
  ASSERT_TRUE(response.ok()) << response.status();
  int found = 0;
  const std::set<std::string> gone(deleted.begin(), deleted.end());
  for (const auto& s : response->suggestions()) {
    for (const auto& p : s.profiles()) {
      EXPECT_EQ(gone.count(p.id()), 0u) << p.id();
      found += absl::StartsWith(p.id(), "cc-") ? 1 : 0;
    }
  }
  EXPECT_GT(found, 0);
}

// Ties inside a suggestion are broken by profile id and by the term's
// text, never by slot or term id (which depend on the index's history),
// so the same records give the same answers after a rebuild.
TEST_F(DurabilityTest, RebuiltIndexesGiveTheSameProfilesAndTerms) {
  std::vector<v1::RecommendResponse> before;
  {
    auto engine = OpenOrDie(root_, true);
    ASSERT_NE(engine, nullptr);
    WriteCorpusAndSave(*engine);
    Apply(*engine, 1);
    Apply(*engine, 2);
    for (const auto& q : testing::FixedQueries()) {
      before.push_back(*engine->Recommend(q));
    }
  }
  for (auto kind : {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    ASSERT_TRUE(fs::remove(IndexPath(root_, kind)));
  }
  auto engine = OpenOrDie(root_, false);
  ASSERT_NE(engine, nullptr);
  const auto queries = testing::FixedQueries();
  for (size_t i = 0; i < queries.size(); ++i) {
    auto after = engine->Recommend(queries[i]);
    ASSERT_TRUE(after.ok());
    for (int j = 0; j < before[i].suggestions_size(); ++j) {
      const auto& a = before[i].suggestions(j);
      const auto& b = after->suggestions(j);
      ASSERT_EQ(a.profiles_size(), b.profiles_size());
      for (int k = 0; k < a.profiles_size(); ++k) {
        EXPECT_EQ(a.profiles(k).id(), b.profiles(k).id())
            << "query " << i << ", " << a.organization().id();
        EXPECT_THAT(b.profiles(k).matched_terms(),
                    ::testing::ElementsAreArray(a.profiles(k).matched_terms()))
            << "query " << i << ", " << a.profiles(k).id();
      }
    }
  }
}

// ------------------------------------------------------------- SIGKILL

// Child side: four threads write until the parent kills the process;
// each acknowledged upsert is reported as "u <id>", each acknowledged
// delete as "d <id>", one line per write(2) so a line is whole.
int WriteUntilKilled() {
  const char* folder = std::getenv(kFolderVariable);
  if (folder == nullptr) return 2;
  auto engine = MatchingEngine::Open(OptionsFor(folder, false));
  if (!engine.ok()) return 3;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int i = 0;; ++i) {
        const std::string id = absl::StrCat("k-", t, "-", i);
        const int topic = (t + i) % testing::kTopics;
        if ((*engine)
                ->Upsert(testing::AsRecord(testing::TopicCapability(
                    rng, id, testing::UniversityId(topic, i % 3), topic)))
                .ok()) {
          testing::ReportToParent(absl::StrCat("u ", id, "\n"));
        }
        if (i % 3 == 2) {
          const std::string old = absl::StrCat("k-", t, "-", i - 1);
          if ((*engine)->Delete(v1::RECORD_KIND_CAPABILITY, old).ok()) {
            testing::ReportToParent(absl::StrCat("d ", old, "\n"));
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return 0;
}
const bool kWriterRegistered =
    testing::RegisterChildMode(kWriterMode, WriteUntilKilled);

TEST_F(DurabilityTest, KilledProcessKeepsEveryAcknowledgedWrite) {
  {
    auto engine = OpenOrDie(root_, true);
    ASSERT_NE(engine, nullptr);
    WriteCorpusAndSave(*engine);
  }
  auto child = testing::SpawnChild(kWriterMode,
                                   {absl::StrCat(kFolderVariable, "=", root_)},
                                   dir_.path() + "/writer.log");
  ASSERT_TRUE(child.ok()) << child.status();
  // Read acknowledgements until enough have come, then SIGKILL.
  std::string report;
  char buffer[4096];
  while (std::count(report.begin(), report.end(), '\n') < 300) {
    const ssize_t n = ::read(child->report_fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    report.append(buffer, static_cast<size_t>(n));
  }
  ::kill(child->pid, SIGKILL);
  report += testing::ReadAll(child->report_fd);
  ::close(child->report_fd);
  const auto ended = testing::WaitChild(child->pid, std::chrono::seconds(60));
  EXPECT_EQ(ended.signal, SIGKILL) << ended.Describe();

  std::set<std::string> upserted, deleted;
  // Only whole lines count: the kill may cut none (each is one write(2)).
  for (absl::string_view line :
       absl::StrSplit(report, '\n', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&line, "u ")) upserted.emplace(line);
    if (absl::ConsumePrefix(&line, "d ")) deleted.emplace(line);
  }
  if (upserted.size() + deleted.size() < 300u) {
    std::ifstream log(dir_.path() + "/writer.log");
    FAIL() << "the writer stopped early (" << ended.Describe() << "):\n"
           << std::string(std::istreambuf_iterator<char>(log), {});
  }

  auto engine = OpenOrDie(root_, false);
  ASSERT_NE(engine, nullptr);
  EXPECT_THAT(engine->Stats().capability_index_recovery(),
              StartsWith("replayed "));
  int lost = 0, resurrected = 0;
  for (const auto& id : upserted) {
    if (deleted.count(id)) continue;
    if (engine->Get(v1::RECORD_KIND_CAPABILITY, id).ok()) continue;
    // k-T-J with J % 3 == 1 is deleted right after k-T-(J+1) is
    // acknowledged; that delete may have landed unacknowledged, unless
    // the thread went on to acknowledge k-T-(J+2).
    int t = 0, j = 0;
    std::vector<std::string> parts = absl::StrSplit(id, '-');
    const bool in_flight_delete =
        parts.size() == 3 && absl::SimpleAtoi(parts[1], &t) &&
        absl::SimpleAtoi(parts[2], &j) && j % 3 == 1 &&
        upserted.count(absl::StrCat("k-", t, "-", j + 1)) &&
        !upserted.count(absl::StrCat("k-", t, "-", j + 2));
    if (!in_flight_delete) ++lost;
  }
  for (const auto& id : deleted) {
    resurrected += engine->Get(v1::RECORD_KIND_CAPABILITY, id).ok() ? 1 : 0;
  }
  EXPECT_EQ(lost, 0) << "of " << upserted.size() << " acknowledged upserts";
  EXPECT_EQ(resurrected, 0)
      << "of " << deleted.size() << " acknowledged deletes";
  // The corpus is intact, and the store writable again.
  const auto corpus = testing::SyntheticCorpus();
  for (const auto& r : corpus) {
    const auto key = testing::KeyOf(r);
    EXPECT_TRUE(engine->Get(key.first, key.second).ok()) << key.second;
  }
  EXPECT_TRUE(
      engine
          ->Upsert(testing::AsRecord(testing::MakeCapability(
              "after-kill", testing::UniversityId(0, 0), "copper flotation")))
          .ok());
}

}  // namespace
}  // namespace helixmatch
