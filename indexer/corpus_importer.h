// Bulk import: collects records (from JSONL or other readers); Commit
// checks them (ValidateForWrite, duplicates, organization references),
// refits the embedding model (IDF) on the stored profiles and needs plus
// the imported ones, embeds all of them, writes each record once (through
// AddPutWrites, as the engine does) and builds fresh vector index files
// from the vectors in memory.
//
// A bad record is rejected with its source, line and reason; it costs
// nothing else. Commit tokenizes and embeds on every core and builds the
// indexes while it writes; the result does not depend on the number of
// cores. Not thread-safe.
#ifndef HELIXMATCH_INDEXER_CORPUS_IMPORTER_H_
#define HELIXMATCH_INDEXER_CORPUS_IMPORTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"
#include "indexer/data_dir.h"
#include "indexer/embedder.h"
#include "indexer/record_store.h"
#include "indexer/word_vectors.h"

namespace helixmatch {

struct RejectedRecord {
  std::string source;  // file name
  int64_t line = 0;    // 1-based; 0 when not from a line
  std::string id;      // may be empty when the record did not parse
  std::string reason;
};

// How long one step of Commit took. "write" (the records, on the calling
// thread) and "index" (the vector indexes, on another) run side by side.
struct ImportPhase {
  std::string name;
  double seconds = 0;
};

struct ImportReport {
  int64_t accepted = 0;
  std::map<std::string, int64_t> accepted_by_kind;
  std::vector<RejectedRecord> rejected;
  int64_t embedded_documents = 0;
  int64_t documents_without_known_words = 0;
  std::string model_identity;
  std::string capability_index;  // VectorIndex::Describe()
  std::string need_index;
  std::vector<ImportPhase> phases;
};

// How far an import got: the phase ("read", "embed", "write"), records
// done in it and their total (-1 while reading: not known yet).
using ImportProgress =
    std::function<void(std::string_view phase, int64_t done, int64_t total)>;

class CorpusImporter {
 public:
  // `store` and `data_dir` must outlive the importer.
  CorpusImporter(RecordStore* store, const DataDir* data_dir,
                 std::shared_ptr<const WordVectors> word_vectors);

  // Called on the importer's thread every few thousand records read and
  // after each store batch written; none by default.
  void set_progress(ImportProgress progress) {
    progress_ = std::move(progress);
  }

  // Queues a parsed record read at source:line; Commit checks it.
  void Add(absl::string_view source, int64_t line, v1::Record record);
  // Records a line that failed to parse or validate.
  void Reject(absl::string_view source, int64_t line, absl::string_view id,
              absl::string_view reason);

  // Reads a JSONL file and queues/rejects its lines. NOT_FOUND when the file
  // cannot be opened (nothing queued).
  absl::Status AddJsonlFile(const std::string& path);

  // Writes what was queued (see above). A record is rejected when
  // ValidateForWrite refuses it (e.g. a tie id with the reserved prefix
  // "outcome:"), when an earlier record of the same kind and id was queued
  // (the first wins), or when an organization it refers to is neither
  // stored nor accepted in this import. An error here is a store or model
  // failure, not a bad record; records already written stay.
  absl::StatusOr<ImportReport> Commit();

 private:
  struct Pending {
    std::string source;
    int64_t line;
    v1::Record record;
  };
  struct Profiles;
  struct Embedding;
  absl::StatusOr<bool> OrganizationExists(const std::string& id);
  // Commit's steps.
  absl::StatusOr<std::vector<const v1::Record*>> Check(ImportReport* report);
  absl::Status CollectProfiles(const std::vector<const v1::Record*>& accepted,
                               Profiles* profiles) const;
  Embedding Embed(const Profiles& profiles, ImportReport* report) const;
  absl::Status WriteAndIndex(const std::vector<const v1::Record*>& accepted,
                             const Profiles& profiles,
                             const Embedding& embedding, ImportReport* report);
  absl::Status WriteRecords(const std::vector<const v1::Record*>& accepted,
                            const Profiles& profiles,
                            const Embedding& embedding);

  RecordStore* store_;
  const DataDir* data_dir_;
  std::shared_ptr<const WordVectors> word_vectors_;
  std::vector<Pending> pending_;
  std::vector<RejectedRecord> rejected_;
  std::unordered_map<std::string, bool> organization_exists_;
  ImportProgress progress_;
};

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_CORPUS_IMPORTER_H_
