// helixmatch-indexer: imports records into a data folder.
//
//   helixmatch-indexer import --db DIR [--word-vectors FILE] FILE.jsonl...
//   helixmatch-indexer import-cordis --db DIR [--until-year Y] EXPORT_DIR
//
// Exit status: 0 every record accepted; 3 some records rejected (the good
// ones are kept); 1 the import failed (store, model or file errors).
//
// On a terminal, progress (records/s, elapsed, an estimate of what is
// left where the total is known) is shown on stderr; nothing otherwise.
#include <omp.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "indexer/cordis_importer.h"
#include "indexer/corpus_importer.h"
#include "indexer/data_dir.h"
#include "indexer/default_paths.h"
#include "indexer/record_store.h"
#include "indexer/word_vectors.h"

namespace helixmatch {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

// One line on stderr, rewritten in place, when stderr is a terminal:
// "write: 120000/236000 records, 41000/s, 2.9 s, about 2.8 s left".
class TerminalProgress {
 public:
  TerminalProgress() : enabled_(isatty(STDERR_FILENO) == 1) {}
  ~TerminalProgress() { Done(); }

  void Update(std::string_view phase, int64_t done, int64_t total) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (phase != phase_) {
      Done();
      phase_ = std::string(phase);
      phase_start_ = now;
    } else if (done != total && now - last_ < std::chrono::milliseconds(200)) {
      return;
    }
    last_ = now;
    const double elapsed = SecondsSince(phase_start_);
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    std::string line = absl::StrCat(phase_, ": ", done);
    if (total >= 0) absl::StrAppend(&line, "/", total);
    absl::StrAppend(&line, " records, ", static_cast<int64_t>(rate), "/s, ",
                    absl::StrFormat("%.1f s", elapsed));
    if (total > 0 && done > 0 && done < total && rate > 0) {
      absl::StrAppend(
          &line, absl::StrFormat(", about %.1f s left", (total - done) / rate));
    }
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    shown_ = true;
  }

  // Ends the line, if one is shown.
  void Done() {
    if (shown_) std::fputc('\n', stderr);
    shown_ = false;
  }

 private:
  const bool enabled_;
  std::string phase_;
  std::chrono::steady_clock::time_point phase_start_, last_;
  bool shown_ = false;
};

void PrintCordisReport(const std::string& cordis_dir, int until_year,
                       const CordisReport& cordis) {
  std::printf(
      "CORDIS export %s%s: %lld organizations (%lld without a "
      "published name), %lld projects, %lld capability profiles, "
      "%lld ties\n",
      cordis_dir.c_str(),
      until_year > 0 ? (" up to " + std::to_string(until_year)).c_str() : "",
      static_cast<long long>(cordis.organizations),
      static_cast<long long>(cordis.organizations_without_name),
      static_cast<long long>(cordis.projects),
      static_cast<long long>(cordis.capabilities),
      static_cast<long long>(cordis.ties));
  for (const auto& [reason, count] : cordis.skipped) {
    std::printf("  skipped %lld: %s\n", static_cast<long long>(count),
                reason.c_str());
  }
  for (const auto& row : cordis.bad_rows) {
    std::fprintf(stderr, "  %s\n", row.c_str());
  }
}

void PrintImportReport(const ImportReport& report, size_t max_errors,
                       double seconds) {
  for (size_t i = 0; i < report.rejected.size() && i < max_errors; ++i) {
    const auto& r = report.rejected[i];
    std::fprintf(stderr, "rejected %s:%lld%s%s: %s\n", r.source.c_str(),
                 static_cast<long long>(r.line),
                 r.id.empty() ? "" : " id=", r.id.c_str(), r.reason.c_str());
  }
  if (report.rejected.size() > max_errors) {
    std::fprintf(stderr, "... and %zu more rejected records\n",
                 report.rejected.size() - max_errors);
  }
  std::printf("accepted %lld records (",
              static_cast<long long>(report.accepted));
  bool first = true;
  for (const auto& [kind, count] : report.accepted_by_kind) {
    std::printf("%s%s %lld", first ? "" : ", ", kind.c_str(),
                static_cast<long long>(count));
    first = false;
  }
  std::printf("), rejected %zu\n", report.rejected.size());
  std::printf("embedded %lld documents (%lld without known words) with %s\n",
              static_cast<long long>(report.embedded_documents),
              static_cast<long long>(report.documents_without_known_words),
              report.model_identity.c_str());
  std::printf("capability index: %s\nneed index: %s\n",
              report.capability_index.c_str(), report.need_index.c_str());
  std::printf("import took %.2f s (", seconds);
  for (size_t i = 0; i < report.phases.size(); ++i) {
    std::printf("%s%s %.2f s", i == 0 ? "" : ", ",
                report.phases[i].name.c_str(), report.phases[i].seconds);
  }
  std::printf(")\n");
}

int Fail(absl::string_view message) {
  std::fprintf(stderr, "helixmatch-indexer: %s\n",
               std::string(message).c_str());
  return 1;
}

int RunImport(const std::string& db, const std::string& vectors_path,
              const std::vector<std::string>& files, size_t max_errors,
              const std::string& cordis_dir, int until_year) {
  const auto start = std::chrono::steady_clock::now();
  auto vectors = WordVectors::Load(vectors_path);
  if (!vectors.ok()) return Fail(vectors.status().message());
  std::vector<ImportPhase> phases = {
      {"load word vectors", SecondsSince(start)}};
  const auto read_start = std::chrono::steady_clock::now();
  DataDir dir{db};
  std::error_code error;
  std::filesystem::create_directories(dir.root, error);
  RecordStoreOptions options;
  options.sync_writes = false;  // bulk load; Commit flushes at the end
  auto store = RecordStore::Open(dir.StorePath(), options);
  if (!store.ok()) return Fail(store.status().message());
  CorpusImporter importer(store->get(), &dir, *vectors);
  TerminalProgress progress;
  importer.set_progress(
      [&progress](std::string_view phase, int64_t done, int64_t total) {
        progress.Update(phase, done, total);
      });
  for (const std::string& file : files) {
    if (auto s = importer.AddJsonlFile(file); !s.ok()) return Fail(s.message());
  }
  if (!cordis_dir.empty()) {
    CordisImportOptions cordis_options;
    cordis_options.until_year = until_year;
    auto cordis = QueueCordisExport(cordis_dir, cordis_options, &importer);
    if (!cordis.ok()) return Fail(cordis.status().message());
    progress.Done();
    PrintCordisReport(cordis_dir, until_year, *cordis);
  }
  phases.push_back({"read", SecondsSince(read_start)});
  auto report = importer.Commit();
  progress.Done();
  if (!report.ok()) {
    return Fail(absl::StrCat("import failed: ", report.status().message()));
  }
  report->phases.insert(report->phases.begin(), phases.begin(), phases.end());
  PrintImportReport(*report, max_errors, SecondsSince(start));
  return report->rejected.empty() ? 0 : 3;
}

}  // namespace
}  // namespace helixmatch

int main(int argc, char** argv) {
  // FAISS builds HNSW graphs in parallel in an order that varies from run
  // to run; one thread makes the index, and every answer from it, the same
  // for the same input.
  omp_set_num_threads(1);
  CLI::App app{
      "helixmatch-indexer: imports records into a helixmatch data "
      "folder"};
  app.require_subcommand(1);
  std::string db;
  std::string vectors = helixmatch::DefaultWordVectorsPath();
  std::vector<std::string> files;
  size_t max_errors = 50;
  auto* import = app.add_subcommand(
      "import",
      "Import JSONL files (one helixmatch.v1.Record per line); "
      "refits the embedding model and rewrites the vector indexes");
  import->add_option("--db", db, "Data folder (created if missing)")
      ->required();
  import
      ->add_option("--word-vectors", vectors,
                   "GloVe file from scripts/fetch-word-vectors.sh")
      ->capture_default_str();
  import->add_option("--max-errors", max_errors, "Rejected records to print")
      ->capture_default_str();
  import->add_option("files", files, "JSONL files")->required();
  std::string cordis_dir;
  int until_year = 0;
  auto* cordis = app.add_subcommand(
      "import-cordis",
      "Import a CORDIS Horizon 2020 export (organizations.csv, "
      "participations.csv, projects.csv): organizations, one capability "
      "profile per project and research participant, co-participation ties");
  cordis->add_option("--db", db, "Data folder (created if missing)")
      ->required();
  cordis->add_option("--word-vectors", vectors, "GloVe file")
      ->capture_default_str();
  cordis
      ->add_option("--until-year", until_year,
                   "Leave out projects starting after this year (0: all)")
      ->capture_default_str();
  cordis->add_option("--max-errors", max_errors, "Rejected records to print")
      ->capture_default_str();
  cordis->add_option("export_dir", cordis_dir, "Folder of the three CSV files")
      ->required();
  CLI11_PARSE(app, argc, argv);
  if (import->parsed()) {
    return helixmatch::RunImport(db, vectors, files, max_errors, "", 0);
  }
  if (cordis->parsed()) {
    return helixmatch::RunImport(db, vectors, {}, max_errors, cordis_dir,
                                 until_year);
  }
  return 1;
}
