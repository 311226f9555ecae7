#include "indexer/corpus_importer.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <span>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "indexer/index_snapshot.h"
#include "indexer/jsonl_reader.h"
#include "indexer/profile_text.h"
#include "indexer/records.h"
#include "indexer/text_analyzer.h"

namespace helixmatch {
namespace {

// Unsynced batches of this many writes, flushed once at the end: an
// interrupted import is re-run, it acknowledges nothing to anyone.
constexpr size_t kImportBatchWrites = 2000;

class PhaseTimer {
 public:
  explicit PhaseTimer(ImportReport* report) : report_(report) {}
  ~PhaseTimer() { Stop(); }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;
  // Ends the running phase (if any) and starts `name`.
  void Start(absl::string_view name) {
    Stop();
    name_ = std::string(name);
    start_ = std::chrono::steady_clock::now();
  }
  void Stop() {
    if (name_.empty()) return;
    report_->phases.push_back({std::move(name_), Seconds()});
    name_.clear();
  }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }

 private:
  ImportReport* report_;
  std::string name_;
  std::chrono::steady_clock::time_point start_;
};

// Calls fn(begin, end) on consecutive ranges that cover [0, n), one per
// core, and returns when all are done.
void ForRanges(size_t n, const std::function<void(size_t, size_t)>& fn) {
  const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(),
                                            1, std::max<size_t>(1, n / 64));
  std::vector<std::thread> others;
  for (size_t t = 1; t < threads; ++t) {
    others.emplace_back(fn, n * t / threads, n * (t + 1) / threads);
  }
  fn(0, n / threads);
  for (std::thread& thread : others) thread.join();
}

// A stored profile as a record, to be embedded and written again.
void SetProfile(v1::CapabilityProfile&& profile, v1::Record* record) {
  *record->mutable_capability() = std::move(profile);
}
void SetProfile(v1::FirmNeed&& need, v1::Record* record) {
  *record->mutable_need() = std::move(need);
}

bool IsProfile(const v1::Record& record) {
  const v1::RecordKind kind = KindOf(record);
  return kind == v1::RECORD_KIND_CAPABILITY || kind == v1::RECORD_KIND_NEED;
}

// The records of kStoredKind<Stored>: the accepted ones and the stored ones
// they do not replace (added to *kept), in id order.
template <class Stored>
absl::Status CollectKind(const RecordStore& store,
                         const std::vector<const v1::Record*>& accepted,
                         std::deque<v1::Record>* kept,
                         std::vector<const v1::Record*>* out) {
  constexpr v1::RecordKind kind = kStoredKind<Stored>;
  std::unordered_set<std::string_view> imported;
  for (const v1::Record* record : accepted) {
    if (KindOf(*record) != kind) continue;
    out->push_back(record);
    imported.insert(RecordId(*record));
  }
  auto status = store.ForEach<Stored>([&](Stored&& stored) {
    if (imported.count(stored.record().id()) > 0) return absl::OkStatus();
    v1::Record& record = kept->emplace_back();
    SetProfile(std::move(*stored.mutable_record()), &record);
    out->push_back(&record);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  std::sort(out->begin(), out->end(),
            [](const v1::Record* a, const v1::Record* b) {
              return RecordId(*a) < RecordId(*b);
            });
  return absl::OkStatus();
}

}  // namespace

// The capability profiles and needs the model is fitted on and the indexes
// are built from: capabilities, then needs, each in id order.
struct CorpusImporter::Profiles {
  std::vector<const v1::Record*> records;
  size_t capabilities = 0;      // records[0, capabilities) are capabilities
  std::deque<v1::Record> kept;  // stored ones this import does not replace
};

struct CorpusImporter::Embedding {
  std::unique_ptr<GloveIdfEmbedder> embedder;
  int dimension = 0;
  std::vector<float> vectors;  // row i: the vector of Profiles::records[i]
  std::span<const float> Row(size_t i) const {
    return std::span<const float>(vectors).subspan(i * dimension, dimension);
  }
};

CorpusImporter::CorpusImporter(RecordStore* store, const DataDir* data_dir,
                               std::shared_ptr<const WordVectors> word_vectors)
    : store_(store),
      data_dir_(data_dir),
      word_vectors_(std::move(word_vectors)) {}

void CorpusImporter::Add(absl::string_view source, int64_t line,
                         v1::Record record) {
  pending_.push_back({std::string(source), line, std::move(record)});
  if (progress_ && pending_.size() % 2048 == 0) {
    progress_("read", static_cast<int64_t>(pending_.size()), -1);
  }
}

void CorpusImporter::Reject(absl::string_view source, int64_t line,
                            absl::string_view id, absl::string_view reason) {
  rejected_.push_back(
      {std::string(source), line, std::string(id), std::string(reason)});
}

absl::Status CorpusImporter::AddJsonlFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open '", path, "'"));
  }
  JsonlReader reader(in);
  int64_t line = 0;
  absl::StatusOr<v1::Record> record;
  while (reader.Next(&line, &record)) {
    if (record.ok()) {
      Add(path, line, std::move(*record));
    } else {
      Reject(path, line, "", record.status().message());
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CorpusImporter::OrganizationExists(const std::string& id) {
  const auto it = organization_exists_.find(id);
  if (it != organization_exists_.end()) return it->second;
  auto exists = store_->Exists(v1::RECORD_KIND_ORGANIZATION, id);
  if (!exists.ok()) return exists.status();
  organization_exists_[id] = *exists;
  return *exists;
}

absl::StatusOr<ImportReport> CorpusImporter::Commit() {
  ImportReport report;
  PhaseTimer timer(&report);
  timer.Start("check");
  auto accepted = Check(&report);
  if (!accepted.ok()) return accepted.status();
  timer.Start("read stored profiles");
  Profiles profiles;
  if (auto s = CollectProfiles(*accepted, &profiles); !s.ok()) return s;
  timer.Stop();
  const Embedding embedding = Embed(profiles, &report);
  if (auto s = WriteAndIndex(*accepted, profiles, embedding, &report);
      !s.ok()) {
    return s;
  }
  report.rejected = std::move(rejected_);
  pending_.clear();
  rejected_.clear();
  return report;
}

absl::StatusOr<std::vector<const v1::Record*>> CorpusImporter::Check(
    ImportReport* report) {
  std::vector<absl::Status> invalid(pending_.size());
  ForRanges(pending_.size(), [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      invalid[i] = ValidateForWrite(pending_[i].record);
    }
  });
  // Duplicates inside this import: the first occurrence wins.
  absl::flat_hash_map<std::string_view, const Pending*>
      first_seen[v1::RecordKind_ARRAYSIZE];
  std::vector<const Pending*> unique;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const Pending& p = pending_[i];
    const std::string& id = RecordId(p.record);
    if (!invalid[i].ok()) {
      Reject(p.source, p.line, id, invalid[i].message());
      continue;
    }
    const auto [it, inserted] = first_seen[KindOf(p.record)].emplace(id, &p);
    if (!inserted) {
      Reject(p.source, p.line, id,
             absl::StrCat(RecordKindName(p.record), ".id: duplicate id '", id,
                          "', first seen at ", it->second->source, ":",
                          it->second->line));
      continue;
    }
    unique.push_back(&p);
    if (p.record.has_organization()) organization_exists_[id] = true;
  }
  // References to organizations, from the store or from this import.
  std::vector<const v1::Record*> accepted;
  for (const Pending* p : unique) {
    std::string broken;
    for (const OrganizationReference& ref : OrganizationReferences(p->record)) {
      auto exists = OrganizationExists(*ref.id);
      if (!exists.ok()) return exists.status();
      if (!*exists) {
        broken = absl::StrCat(ref.field, ": organization '", *ref.id,
                              "' is neither stored nor in this import");
        break;
      }
    }
    if (!broken.empty()) {
      Reject(p->source, p->line, RecordId(p->record), broken);
      continue;
    }
    ++report->accepted;
    ++report->accepted_by_kind[std::string(RecordKindName(p->record))];
    accepted.push_back(&p->record);
  }
  return accepted;
}

absl::Status CorpusImporter::CollectProfiles(
    const std::vector<const v1::Record*>& accepted, Profiles* profiles) const {
  std::vector<const v1::Record*> needs;
  if (auto s = CollectKind<storage::StoredCapability>(
          *store_, accepted, &profiles->kept, &profiles->records);
      !s.ok()) {
    return s;
  }
  if (auto s = CollectKind<storage::StoredNeed>(*store_, accepted,
                                                &profiles->kept, &needs);
      !s.ok()) {
    return s;
  }
  profiles->capabilities = profiles->records.size();
  profiles->records.insert(profiles->records.end(), needs.begin(), needs.end());
  return absl::OkStatus();
}

CorpusImporter::Embedding CorpusImporter::Embed(const Profiles& profiles,
                                                ImportReport* report) const {
  PhaseTimer timer(report);
  timer.Start("tokenize");
  const size_t n = profiles.records.size();
  if (progress_) progress_("embed", 0, static_cast<int64_t>(n));
  std::vector<std::vector<std::string>> documents(n);
  ForRanges(n, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      documents[i] = Tokenize(ProfileText(*profiles.records[i]));
    }
  });
  timer.Start("fit IDF");
  // Fitted on what everyone may read: a word only hidden needs hold
  // weighs like a word of no record.
  std::vector<std::vector<std::string>> public_documents;
  bool hidden = false;
  for (size_t i = 0; i < n && !hidden; ++i) {
    hidden = !WrittenForEveryone(*profiles.records[i]);
  }
  if (hidden) {
    for (size_t i = 0; i < n; ++i) {
      if (WrittenForEveryone(*profiles.records[i])) {
        public_documents.push_back(documents[i]);
      }
    }
  }
  Embedding embedding;
  embedding.embedder = std::make_unique<GloveIdfEmbedder>(
      word_vectors_, IdfTable::Fit(hidden ? public_documents : documents));
  embedding.dimension = embedding.embedder->Dimension();
  timer.Start("embed");
  embedding.vectors.resize(n * embedding.dimension);
  std::vector<char> unknown(n, 0);  // no known word: an all-zero vector
  ForRanges(n, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      int known = 0;
      const std::vector<float> vector =
          embedding.embedder->Embed(documents[i], &known);
      std::copy(vector.begin(), vector.end(),
                embedding.vectors.begin() + i * embedding.dimension);
      unknown[i] = known == 0;
    }
  });
  timer.Stop();
  if (progress_) {
    progress_("embed", static_cast<int64_t>(n), static_cast<int64_t>(n));
  }
  report->embedded_documents = static_cast<int64_t>(n);
  report->documents_without_known_words =
      std::count(unknown.begin(), unknown.end(), 1);
  report->model_identity = embedding.embedder->Identity();
  return embedding;
}

// The indexes are built on their own thread while this one writes: an HNSW
// graph is built on one core (VectorIndex::Add), and the writes need not
// wait for it.
absl::Status CorpusImporter::WriteAndIndex(
    const std::vector<const v1::Record*>& accepted, const Profiles& profiles,
    const Embedding& embedding, ImportReport* report) {
  const v1::RecordKind kinds[] = {v1::RECORD_KIND_CAPABILITY,
                                  v1::RECORD_KIND_NEED};
  const size_t ranges[][2] = {{0, profiles.capabilities},
                              {profiles.capabilities, profiles.records.size()}};
  std::vector<absl::StatusOr<BuiltVectorIndex>> built;
  double index_seconds = 0;
  std::thread indexer([&] {
    const auto start = std::chrono::steady_clock::now();
    for (const auto& [begin, end] : ranges) {
      std::vector<std::string> ids;
      for (size_t i = begin; i < end; ++i) {
        ids.push_back(RecordId(*profiles.records[i]));
      }
      built.push_back(
          BuildVectorIndex(std::move(ids),
                           std::span<const float>(embedding.vectors)
                               .subspan(begin * embedding.dimension,
                                        (end - begin) * embedding.dimension),
                           embedding.dimension));
    }
    index_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  });
  PhaseTimer timer(report);
  timer.Start("write");
  const absl::Status written = WriteRecords(accepted, profiles, embedding);
  timer.Stop();
  indexer.join();
  report->phases.push_back({"index", index_seconds});
  if (!written.ok()) return written;
  timer.Start("save indexes");
  for (size_t k = 0; k < built.size(); ++k) {
    if (!built[k].ok()) return built[k].status();
    VectorIndexFileInfo info;
    info.store_sequence = store_->LatestSequence();
    info.slot_ids = std::move(built[k]->slot_ids);
    if (auto s = SaveVectorIndex(*built[k]->index,
                                 data_dir_->IndexPath(kinds[k]), info);
        !s.ok()) {
      return s;
    }
    (kinds[k] == v1::RECORD_KIND_NEED ? report->need_index
                                      : report->capability_index) =
        built[k]->index->Describe();
  }
  return absl::OkStatus();
}

absl::Status CorpusImporter::WriteRecords(
    const std::vector<const v1::Record*>& accepted, const Profiles& profiles,
    const Embedding& embedding) {
  StoreBatch batch;
  int64_t written = 0;
  int64_t total = static_cast<int64_t>(profiles.records.size());
  for (const v1::Record* record : accepted) total += IsProfile(*record) ? 0 : 1;
  const auto put = [&](const v1::Record& record,
                       std::span<const float> vector) -> absl::Status {
    AddPutWrites(record, vector, &batch);
    ++written;
    if (batch.size() < kImportBatchWrites) return absl::OkStatus();
    absl::Status s = store_->Write(batch);
    batch = StoreBatch();
    if (progress_) progress_("write", written, total);
    return s;
  };
  for (const v1::Record* record : accepted) {
    if (IsProfile(*record)) continue;  // written below, with its vector
    if (auto s = put(*record, {}); !s.ok()) return s;
  }
  for (size_t i = 0; i < profiles.records.size(); ++i) {
    if (auto s = put(*profiles.records[i], embedding.Row(i)); !s.ok()) {
      return s;
    }
  }
  batch.PutModel(embedding.embedder->ToModel());
  if (auto s = store_->Write(batch); !s.ok()) return s;
  if (progress_) progress_("write", written, total);
  return store_->Flush();
}

}  // namespace helixmatch
