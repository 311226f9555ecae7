// Damaged data folders: random byte flips, truncations at random lengths
// and deletions of every kind of file in a data folder, each opened by a
// child process so that a crash or a hang is counted, not fatal.
//
//   index files (*.hxidx)      -> the engine opens, says "rebuilt: ..." and
//                                 answers exactly as before the damage;
//   store files (MANIFEST-*, CURRENT, OPTIONS-*, *.sst, *.log, archived
//   *.log)                     -> Open fails with DATA_LOSS or UNAVAILABLE
//                                 naming the path, or, when the damaged
//                                 bytes are never read or are redundant,
//                                 the answers are exactly those before;
//   never a crash or a hang, never a different answer.
//
// Two folders are damaged: one after a clean stop (index files saved at
// the store's last sequence, so they are loaded) and one after a crash
// (index files older than the store: the store's log since then is
// replayed, partly from archived log files).
//
// One exception, counted as "lost-tail": after a crash, damage that makes
// the end of the live log or of the MANIFEST look like a torn last write
// (a cut, or a flipped length in the last record) opens the state as of
// an earlier acknowledged write. RocksDB must accept torn tails after a
// crash, and nothing else on disk records how far the log reached. The
// test checks that such a state is exactly one the store passed through.
//
// The suite runs HELIXMATCH_CORRUPTION_SEEDS (default 3) flips and as many
// truncations per kind of file and folder, plus deletions. A longer sweep
// prints the same table of counts per kind:
//   HELIXMATCH_CORRUPTION_SEEDS=100 build/tests/integration_corruption_test
// HELIXMATCH_CORRUPTION_KINDS="sst flip" keeps the kinds whose name holds
// the text; a folder that crashed the child or gave wrong answers is kept
// in $TMPDIR/helixmatch-corruption-SEED.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/engine/matching_engine.h"
#include "tests/testing/child_process.h"
#include "tests/testing/synthetic_corpus.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

constexpr char kOpenMode[] = "corruption-open";
constexpr char kCrashMode[] = "corruption-crash-session";
constexpr char kFolderVariable[] = "HELIXMATCH_CORRUPTION_FOLDER";

EngineOptions OptionsFor(const std::string& folder, bool save_on_close) {
  EngineOptions options;
  options.data_dir = folder;
  options.word_vectors = testing::SyntheticWordVectors();
  options.reference_year = 2025;
  options.save_indexes_on_close = save_on_close;
  return options;
}

// What a child reports after opening a folder: "ok", the two recovery
// lines and the answers, or "open-error", the code and the message.
struct Observation {
  bool opened = false;
  std::string code, message;                       // when !opened
  std::string capability_recovery, need_recovery;  // when opened
  std::string answers;  // state digest and the fixed queries' answers
};

std::string AnswerBlob(const MatchingEngine& engine) {
  std::string blob = testing::StateDigest(engine, testing::CorpusIds());
  for (const auto& a : testing::Answers(engine, testing::FixedQueries())) {
    absl::StrAppend(&blob, "\n--\n", a);
  }
  return blob;
}

// Session 2's writes; appends to `prefixes` the state digest before each
// write, one line each: the states an intact store may show after losing
// the tail of its log.
absl::Status WriteSession(MatchingEngine& engine, std::string* prefixes) {
  const auto ids = testing::CorpusIds();
  for (const auto& w : testing::SessionWrites(2)) {
    absl::StrAppend(prefixes, testing::StateDigest(engine, ids), "\n");
    if (auto s = testing::ApplyWrites(engine, {w}); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Child side: open the folder, answer, report.
int OpenAndAnswer() {
  const char* folder = std::getenv(kFolderVariable);
  if (folder == nullptr) return 2;
  auto engine = MatchingEngine::Open(OptionsFor(folder, false));
  if (!engine.ok()) {
    testing::ReportToParent(absl::StrCat(
        "open-error\n", absl::StatusCodeToString(engine.status().code()), "\n",
        engine.status().message()));
    return 0;
  }
  const v1::StatsResponse stats = (*engine)->Stats();
  testing::ReportToParent(
      absl::StrCat("ok\n", stats.capability_index_recovery(), "\n",
                   stats.need_index_recovery(), "\n", AnswerBlob(**engine)));
  return 0;
}
const bool kOpenModeRegistered =
    testing::RegisterChildMode(kOpenMode, OpenAndAnswer);

// Child side: session 2 of the crash folder, ended by a process exit
// without any destructor (the store is not closed, the log keeps the
// session's writes). Reports the answers before the crash.
int WriteSessionAndCrash() {
  const char* folder = std::getenv(kFolderVariable);
  if (folder == nullptr) return 2;
  auto engine = MatchingEngine::Open(OptionsFor(folder, false));
  if (!engine.ok()) return 3;
  std::string prefixes;
  if (!WriteSession(**engine, &prefixes).ok()) return 4;
  testing::ReportToParent(absl::StrCat(prefixes, "--\n", AnswerBlob(**engine)));
  (void)engine->release();  // the crash: nothing is closed
  return 0;
}
const bool kCrashModeRegistered =
    testing::RegisterChildMode(kCrashMode, WriteSessionAndCrash);

Observation Parse(const std::string& report) {
  Observation o;
  std::vector<std::string> parts =
      absl::StrSplit(report, absl::MaxSplits('\n', 3));
  parts.resize(4);
  if (parts[0] == "ok") {
    o.opened = true;
    o.capability_recovery = parts[1];
    o.need_recovery = parts[2];
    o.answers = parts[3];
  } else {
    o.code = parts[1];
    o.message = parts[2];
  }
  return o;
}

enum class Mutation { kFlip, kTruncate, kDelete };
const char* MutationName(Mutation m) {
  switch (m) {
    case Mutation::kFlip:
      return "flip";
    case Mutation::kTruncate:
      return "truncate";
    default:
      return "delete";
  }
}

// Kinds of file in a data folder, by path relative to the folder.
struct FileKind {
  const char* name;
  bool (*matches)(const std::string& relative);
};
const FileKind kFileKinds[] = {
    {"index *.hxidx",
     [](const std::string& r) { return absl::EndsWith(r, ".hxidx"); }},
    {"CURRENT", [](const std::string& r) { return r == "store/CURRENT"; }},
    {"MANIFEST-*",
     [](const std::string& r) {
       return absl::StartsWith(r, "store/MANIFEST-");
     }},
    {"OPTIONS-*",
     [](const std::string& r) {
       return absl::StartsWith(r, "store/OPTIONS-");
     }},
    {"*.sst",
     [](const std::string& r) {
       return absl::StartsWith(r, "store/") && absl::EndsWith(r, ".sst");
     }},
    {"live *.log",
     [](const std::string& r) {
       return absl::StartsWith(r, "store/") && absl::EndsWith(r, ".log") &&
              !absl::StartsWith(r, "store/archive/");
     }},
    {"archived *.log",
     [](const std::string& r) {
       return absl::StartsWith(r, "store/archive/") &&
              absl::EndsWith(r, ".log");
     }},
};

std::vector<std::string> FilesOfKind(const std::string& root,
                                     const FileKind& kind) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative =
        fs::relative(entry.path(), root).generic_string();
    if (kind.matches(relative)) files.push_back(relative);
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Tally {
  int tried = 0;
  int open_errors = 0;   // detected: Open failed
  int rebuilt = 0;       // detected: an index rebuilt, answers identical
  int harmless = 0;      // identical answers, nothing rebuilt
  int lost_tail = 0;     // opened as of an earlier acknowledged write
  int wrong = 0;         // opened with other answers than any of those
  int crashes = 0;       // crash or hang of the child
  int unnamed_path = 0;  // open errors whose message lacks the folder
  std::map<std::string, int> codes;
  std::vector<std::string> failures;  // wrong answers and crashes, described
  std::vector<std::string> lost;      // trials that lost a tail of writes
};

// The pristine folders and their reference observations.
struct Pristine {
  std::string name;
  std::string root;
  Observation reference;
  // Digests of the states before each write of the last session.
  std::vector<std::string> earlier_states;
};

class CorruptionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_ = new TempDir();
    pristine_ = new std::vector<Pristine>();
    for (bool clean : {true, false}) {
      Pristine p;
      p.name = clean ? "clean stop" : "crash";
      p.root = work_->path() + (clean ? "/clean" : "/crash");
      std::string in_process;
      BuildFolder(p.root, clean, &in_process, &p.earlier_states);
      if (HasFatalFailure()) return;
      // The reference comes through the same child path as the trials,
      // from a copy (opening changes the folder).
      const std::string copy = work_->path() + "/reference";
      fs::copy(p.root, copy, fs::copy_options::recursive);
      auto run = RunOpen(copy);
      fs::remove_all(copy);
      ASSERT_TRUE(run.ok()) << run.status();
      ASSERT_TRUE(run->exit.exited && run->exit.code == 0)
          << run->exit.Describe();
      p.reference = Parse(run->report);
      ASSERT_TRUE(p.reference.opened) << p.reference.message;
      // Recovered answers equal those of the engine before it stopped.
      ASSERT_TRUE(testing::SameAnswers(p.reference.answers, in_process))
          << p.name << "\n"
          << FirstDifference(in_process, p.reference.answers);
      if (clean) {
        EXPECT_EQ(p.reference.capability_recovery, "loaded");
        EXPECT_EQ(p.reference.need_recovery, "loaded");
      } else {
        EXPECT_TRUE(
            absl::StartsWith(p.reference.capability_recovery, "replayed "))
            << p.reference.capability_recovery;
        EXPECT_TRUE(absl::StartsWith(p.reference.need_recovery, "replayed "))
            << p.reference.need_recovery;
      }
      pristine_->push_back(std::move(p));
    }
  }

  static void TearDownTestSuite() {
    delete pristine_;
    delete work_;
    pristine_ = nullptr;
    work_ = nullptr;
  }

  // Session 1 writes the corpus, saves the indexes, writes more and stops
  // cleanly; session 2 writes more again. In the clean-stop folder both
  // sessions save their indexes when they stop and session 2 stops
  // cleanly. In the crash folder session 2 ends in a crash (a child
  // process that exits without closing anything), and its index files
  // are those saved after the corpus, as if every later save had failed
  // (the engine saves recovered indexes at start): opening replays
  // session 1 from an archived log file (RocksDB archives a log once it
  // is flushed, as a clean stop does) and session 2 from the live log.
  static void BuildFolder(const std::string& root, bool clean,
                          std::string* answers,
                          std::vector<std::string>* earlier_states) {
    const std::string saved = root + ".corpus-indexes";
    {
      auto engine = MatchingEngine::Open(OptionsFor(root, clean));
      ASSERT_TRUE(engine.ok()) << engine.status();
      auto batch = (*engine)->BatchUpsert(testing::SyntheticCorpus());
      ASSERT_TRUE(batch.ok()) << batch.status();
      ASSERT_TRUE((*engine)->SaveIndexes().ok());
      fs::copy(DataDir{root}.IndexFolder(), saved, fs::copy_options::recursive);
      ASSERT_TRUE(
          testing::ApplyWrites(**engine, testing::SessionWrites(1)).ok());
    }
    if (!clean) {
      auto run = testing::RunChild(kCrashMode,
                                   {absl::StrCat(kFolderVariable, "=", root)},
                                   root + ".child.log", Timeout());
      ASSERT_TRUE(run.ok()) << run.status();
      ASSERT_TRUE(run->exit.exited && run->exit.code == 0)
          << run->exit.Describe();
      const size_t end = run->report.find("--\n");
      ASSERT_NE(end, std::string::npos);
      *earlier_states =
          absl::StrSplit(run->report.substr(0, end), '\n', absl::SkipEmpty());
      *answers = run->report.substr(end + 3);
      fs::copy(
          saved, DataDir{root}.IndexFolder(),
          fs::copy_options::recursive | fs::copy_options::overwrite_existing);
      return;
    }
    auto engine = MatchingEngine::Open(OptionsFor(root, clean));
    ASSERT_TRUE(engine.ok()) << engine.status();
    std::string prefixes;
    auto s = WriteSession(**engine, &prefixes);
    ASSERT_TRUE(s.ok()) << s;
    *earlier_states = absl::StrSplit(prefixes, '\n', absl::SkipEmpty());
    *answers = AnswerBlob(**engine);
  }

  static std::chrono::milliseconds Timeout() {
    return std::chrono::milliseconds(120000);
  }

  static absl::StatusOr<testing::ChildRun> RunOpen(const std::string& folder) {
    return testing::RunChild(kOpenMode,
                             {absl::StrCat(kFolderVariable, "=", folder)},
                             folder + ".child.log", Timeout());
  }

  // Damages a copy of `p` and classifies what opening it gives.
  static void Trial(const Pristine& p, const FileKind& kind, Mutation mutation,
                    uint32_t seed, Tally* tally) {
    const std::string trial = work_->path() + "/trial";
    fs::remove_all(trial);
    fs::copy(p.root, trial, fs::copy_options::recursive);
    std::vector<std::string> files;
    for (const auto& f : FilesOfKind(trial, kind)) {
      // An empty file (the fresh log of a cleanly stopped store) has no
      // byte to flip or cut.
      if (mutation == Mutation::kDelete || fs::file_size(trial + "/" + f) > 0) {
        files.push_back(f);
      }
    }
    if (files.empty()) return;
    std::mt19937 rng(seed);
    const std::string relative = files[rng() % files.size()];
    const std::string path = trial + "/" + relative;
    const auto size = fs::file_size(path);
    std::string what;
    switch (mutation) {
      case Mutation::kFlip: {
        if (size == 0) return;
        const auto offset = static_cast<std::streamoff>(rng() % size);
        const char mask = static_cast<char>(1 + rng() % 255);
        std::fstream file(path,
                          std::ios::in | std::ios::out | std::ios::binary);
        char c = 0;
        file.seekg(offset);
        file.read(&c, 1);
        c = static_cast<char>(c ^ mask);
        file.seekp(offset);
        file.write(&c, 1);
        ASSERT_TRUE(file.good()) << path;
        what = absl::StrCat("byte ", offset, " of ", size, " xor ",
                            static_cast<int>(static_cast<unsigned char>(mask)));
        break;
      }
      case Mutation::kTruncate: {
        if (size == 0) return;
        const auto length = rng() % size;
        fs::resize_file(path, length);
        what = absl::StrCat("cut to ", length, " of ", size, " bytes");
        break;
      }
      case Mutation::kDelete:
        fs::remove(path);
        what = "deleted";
        break;
    }
    ++tally->tried;
    const std::string label =
        absl::StrCat(p.name, ": ", relative, " ", what, " (seed ", seed, ")");
    auto run = RunOpen(trial);
    ASSERT_TRUE(run.ok()) << run.status();
    if (!run->exit.exited || run->exit.code != 0) {
      ++tally->crashes;
      Keep(trial, seed);
      std::ifstream log(trial + ".child.log");
      std::string text((std::istreambuf_iterator<char>(log)),
                       std::istreambuf_iterator<char>());
      if (text.size() > 2000) text = text.substr(text.size() - 2000);
      tally->failures.push_back(
          absl::StrCat(label, ": child ", run->exit.Describe(), "\n", text));
      return;
    }
    fs::remove(trial + ".child.log");
    const Observation o = Parse(run->report);
    if (!o.opened) {
      ++tally->open_errors;
      ++tally->codes[o.code];
      if (!absl::StrContains(o.message, trial)) {
        ++tally->unnamed_path;
        tally->failures.push_back(
            absl::StrCat(label, ": error without the path: ", o.message));
      }
      return;
    }
    const std::string digest = o.answers.substr(0, o.answers.find('\n'));
    if (!testing::SameAnswers(o.answers, p.reference.answers) &&
        std::find(p.earlier_states.begin(), p.earlier_states.end(), digest) !=
            p.earlier_states.end()) {
      ++tally->lost_tail;
      tally->lost.push_back(label);
      return;
    }
    if (!testing::SameAnswers(o.answers, p.reference.answers)) {
      ++tally->wrong;
      Keep(trial, seed);
      tally->failures.push_back(
          absl::StrCat(label, ": opened (", o.capability_recovery, "; ",
                       o.need_recovery, ") with different answers:\n",
                       FirstDifference(p.reference.answers, o.answers)));
      return;
    }
    const bool rebuilt =
        (absl::StartsWith(o.capability_recovery, "rebuilt") &&
         !absl::StartsWith(p.reference.capability_recovery, "rebuilt")) ||
        (absl::StartsWith(o.need_recovery, "rebuilt") &&
         !absl::StartsWith(p.reference.need_recovery, "rebuilt"));
    if (rebuilt) {
      ++tally->rebuilt;
    } else {
      ++tally->harmless;
    }
  }

  // A damaged folder that crashed the child or gave wrong answers stays,
  // for a rerun by hand (HELIXMATCH_TEST_CHILD=corruption-open
  // HELIXMATCH_CORRUPTION_FOLDER=<copy> <this binary> 3>&1).
  static void Keep(const std::string& trial, uint32_t seed) {
    const std::string kept = absl::StrCat(fs::temp_directory_path().string(),
                                          "/helixmatch-corruption-", seed);
    fs::remove_all(kept);
    fs::copy(trial, kept, fs::copy_options::recursive);
    std::fprintf(stderr, "corruption sweep: damaged folder kept in %s\n",
                 kept.c_str());
  }

  static std::string FirstDifference(const std::string& a,
                                     const std::string& b) {
    const std::vector<std::string> la = absl::StrSplit(a, '\n');
    const std::vector<std::string> lb = absl::StrSplit(b, '\n');
    for (size_t i = 0; i < std::max(la.size(), lb.size()); ++i) {
      const std::string x = i < la.size() ? la[i] : "<end>";
      const std::string y = i < lb.size() ? lb[i] : "<end>";
      if (x != y) {
        return absl::StrCat("  line ", i, "\n  expected: ", x,
                            "\n  actual:   ", y);
      }
    }
    return "  (same lines)";
  }

  static int Seeds() {
    const char* seeds = std::getenv("HELIXMATCH_CORRUPTION_SEEDS");
    return seeds != nullptr ? std::max(1, std::atoi(seeds)) : 3;
  }

  static TempDir* work_;
  static std::vector<Pristine>* pristine_;
};

TempDir* CorruptionTest::work_ = nullptr;
std::vector<Pristine>* CorruptionTest::pristine_ = nullptr;

TEST_F(CorruptionTest, EveryDamageIsDetectedOrHarmlessNeverWrongNorACrash) {
  ASSERT_EQ(pristine_->size(), 2u);
  const int seeds = Seeds();
  std::map<std::string, Tally> by_kind;  // "<file kind> <mutation>"
  std::vector<std::string> order;
  const auto start = std::chrono::steady_clock::now();
  for (const FileKind& kind : kFileKinds) {
    for (Mutation m :
         {Mutation::kFlip, Mutation::kTruncate, Mutation::kDelete}) {
      const std::string key = absl::StrCat(kind.name, " ", MutationName(m));
      if (const char* only = std::getenv("HELIXMATCH_CORRUPTION_KINDS");
          only != nullptr && !absl::StrContains(key, only)) {
        continue;
      }
      order.push_back(key);
      Tally& tally = by_kind[key];
      for (size_t f = 0; f < pristine_->size(); ++f) {
        const int trials = m == Mutation::kDelete ? 1 : seeds;
        for (int i = 0; i < trials; ++i) {
          const uint32_t seed = static_cast<uint32_t>(
              1000 * i + 100 * f + static_cast<int>(m) * 10 +
              static_cast<int>(&kind - kFileKinds));
          Trial((*pristine_)[f], kind, m, seed, &tally);
          if (HasFatalFailure()) return;
        }
      }
      std::fprintf(stderr, "corruption sweep: %s: %d tried\n", key.c_str(),
                   tally.tried);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  std::string table = absl::StrCat(
      "corruption sweep: ", seeds,
      " flip(s) and truncation(s) per kind of "
      "file and folder (clean stop, crash) plus deletions, ",
      absl::StrFormat("%.1f", seconds), " s\n",
      absl::StrFormat("%-24s %5s %6s %7s %8s %9s %5s %7s  %s\n", "kind",
                      "tried", "error", "rebuilt", "harmless", "lost-tail",
                      "wrong", "crashes", "error codes"));
  Tally total;
  for (const auto& key : order) {
    const Tally& t = by_kind[key];
    std::vector<std::string> codes;
    for (const auto& [code, n] : t.codes) {
      codes.push_back(absl::StrCat(code, " ", n));
    }
    absl::StrAppend(
        &table,
        absl::StrFormat("%-24s %5d %6d %7d %8d %9d %5d %7d  %s\n", key, t.tried,
                        t.open_errors, t.rebuilt, t.harmless, t.lost_tail,
                        t.wrong, t.crashes, absl::StrJoin(codes, ", ")));
    total.tried += t.tried;
    total.open_errors += t.open_errors;
    total.rebuilt += t.rebuilt;
    total.harmless += t.harmless;
    total.lost_tail += t.lost_tail;
    total.wrong += t.wrong;
    total.crashes += t.crashes;
  }
  absl::StrAppend(
      &table, absl::StrFormat("%-24s %5d %6d %7d %8d %9d %5d %7d\n", "total",
                              total.tried, total.open_errors, total.rebuilt,
                              total.harmless, total.lost_tail, total.wrong,
                              total.crashes));
  std::printf("%s", table.c_str());
  std::fflush(stdout);

  for (const auto& key : order) {
    const Tally& t = by_kind[key];
    SCOPED_TRACE(key);
    EXPECT_EQ(t.wrong, 0);
    EXPECT_EQ(t.crashes, 0);
    EXPECT_EQ(t.unnamed_path, 0);
    for (const auto& f : t.failures) ADD_FAILURE() << f;
    for (const auto& [code, n] : t.codes) {
      EXPECT_TRUE(code == "DATA_LOSS" || code == "UNAVAILABLE") << code;
    }
    // After a crash, a log that lost its tail, or whose last record's
    // length was flipped past the end, is indistinguishable from a torn
    // last write: RocksDB (or any reader) opens the state of an earlier
    // acknowledged write. Only there is it tolerated, and counted. After
    // a clean stop the close record catches it.
    for (const auto& label : t.lost) {
      const bool torn_tail_lookalike =
          absl::StartsWith(label, "crash:") &&
          (absl::StartsWith(key, "live *.log") ||
           key == "MANIFEST-* truncate" || key == "MANIFEST-* delete");
      EXPECT_TRUE(torn_tail_lookalike) << label;
    }
    if (absl::StartsWith(key, "index")) {
      // Every byte of an index file is under a checksum.
      EXPECT_EQ(t.rebuilt, t.tried);
    }
  }
}

}  // namespace
}  // namespace helixmatch
