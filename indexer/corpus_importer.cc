#include "indexer/corpus_importer.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "indexer/embedder.h"
#include "indexer/jsonl_reader.h"
#include "indexer/record_validation.h"
#include "indexer/text_analyzer.h"
#include "spdlog/spdlog.h"

namespace helixmatch {
namespace {

// Unsynced batches of this many records, flushed once at the end: an
// interrupted import is re-run, it acknowledges nothing to anyone.
constexpr size_t kImportBatchRecords = 2000;

std::string KeyOf(absl::string_view kind, absl::string_view id) {
  return absl::StrCat(kind, "/", id);
}

}  // namespace

CorpusImporter::CorpusImporter(RecordStore* store, const DataDir* data_dir,
                               std::shared_ptr<const WordVectors> word_vectors)
    : store_(store),
      data_dir_(data_dir),
      word_vectors_(std::move(word_vectors)) {}

void CorpusImporter::Add(absl::string_view source, int64_t line,
                         v1::Record record) {
  pending_.push_back({std::string(source), line, std::move(record)});
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
  // Duplicates inside this import: the first occurrence wins.
  std::unordered_map<std::string, std::string> first_seen;
  std::vector<const Pending*> unique;
  for (const Pending& p : pending_) {
    const std::string key = KeyOf(RecordKindName(p.record), RecordId(p.record));
    const std::string where = absl::StrCat(p.source, ":", p.line);
    auto [it, inserted] = first_seen.emplace(key, where);
    if (!inserted) {
      Reject(p.source, p.line, RecordId(p.record),
             absl::StrCat(RecordKindName(p.record), ".id: duplicate id '",
                          RecordId(p.record), "', first seen at ", it->second));
      continue;
    }
    unique.push_back(&p);
    if (p.record.has_organization()) {
      organization_exists_[p.record.organization().id()] = true;
    }
  }

  StoreBatch batch;
  size_t in_batch = 0;
  const auto flush = [&]() -> absl::Status {
    if (in_batch == 0) return absl::OkStatus();
    auto s = store_->Write(batch);
    batch = StoreBatch();
    in_batch = 0;
    return s;
  };
  for (const Pending* p : unique) {
    const v1::Record& r = p->record;
    // References to organizations, from the store or from this import.
    std::vector<std::pair<std::string, std::string>> references;
    if (r.has_capability()) {
      references.emplace_back("capability.organization_id",
                              r.capability().organization_id());
    } else if (r.has_need()) {
      references.emplace_back("need.organization_id",
                              r.need().organization_id());
    } else if (r.has_tie()) {
      references.emplace_back("tie.organization_a", r.tie().organization_a());
      references.emplace_back("tie.organization_b", r.tie().organization_b());
    } else if (r.has_outcome()) {
      references.emplace_back("outcome.offered_by", r.outcome().offered_by());
      references.emplace_back("outcome.offered_to", r.outcome().offered_to());
    }
    std::string broken;
    for (const auto& [field, id] : references) {
      auto exists = OrganizationExists(id);
      if (!exists.ok()) return exists.status();
      if (!*exists) {
        broken = absl::StrCat(field, ": organization '", id,
                              "' is neither stored nor in this import");
        break;
      }
    }
    if (!broken.empty()) {
      Reject(p->source, p->line, RecordId(r), broken);
      continue;
    }
    switch (r.kind_case()) {
      case v1::Record::kOrganization:
        batch.PutOrganization(r.organization());
        break;
      case v1::Record::kCapability: {
        storage::StoredCapability stored;
        *stored.mutable_record() = r.capability();
        batch.PutCapability(stored);  // vector set by RefitAndReembed
        break;
      }
      case v1::Record::kNeed: {
        storage::StoredNeed stored;
        *stored.mutable_record() = r.need();
        batch.PutNeed(stored);
        break;
      }
      case v1::Record::kTie:
        batch.PutTie(r.tie());
        break;
      case v1::Record::kOutcome:
        batch.PutOutcome(r.outcome());
        if (auto tie = TieFromOutcome(r.outcome())) batch.PutTie(*tie);
        break;
      case v1::Record::KIND_NOT_SET:
        continue;
    }
    ++report.accepted;
    ++report.accepted_by_kind[std::string(RecordKindName(r))];
    if (++in_batch >= kImportBatchRecords) {
      if (auto s = flush(); !s.ok()) return s;
    }
  }
  if (auto s = flush(); !s.ok()) return s;
  if (auto s = RefitAndReembed(&report); !s.ok()) return s;
  if (auto s = store_->Flush(); !s.ok()) return s;
  if (auto s = WriteIndexes(word_vectors_->dimension(), &report); !s.ok()) {
    return s;
  }
  report.rejected = std::move(rejected_);
  pending_.clear();
  rejected_.clear();
  return report;
}

absl::Status CorpusImporter::RefitAndReembed(ImportReport* report) {
  std::vector<storage::StoredCapability> capabilities;
  std::vector<storage::StoredNeed> needs;
  std::vector<std::vector<std::string>> documents;
  auto status = store_->ForEach(
      v1::RECORD_KIND_CAPABILITY,
      [&](absl::string_view id, absl::string_view value) -> absl::Status {
        auto& c = capabilities.emplace_back();
        if (!c.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError(
              absl::StrCat("stored capability '", id, "' does not parse"));
        }
        documents.push_back(Tokenize(CapabilityText(c.record())));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  status = store_->ForEach(
      v1::RECORD_KIND_NEED,
      [&](absl::string_view id, absl::string_view value) -> absl::Status {
        auto& n = needs.emplace_back();
        if (!n.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError(
              absl::StrCat("stored need '", id, "' does not parse"));
        }
        documents.push_back(Tokenize(NeedText(n.record())));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;

  GloveIdfEmbedder embedder(word_vectors_, IdfTable::Fit(documents));
  StoreBatch batch;
  size_t doc = 0;
  const auto embed = [&]() {
    int known = 0;
    const auto vector = embedder.Embed(documents[doc++], &known);
    ++report->embedded_documents;
    if (known == 0) ++report->documents_without_known_words;
    return EncodeVector(vector);
  };
  for (auto& c : capabilities) {
    c.set_vector(embed());
    batch.PutCapability(c);
    if (batch.size() >= kImportBatchRecords) {
      if (auto s = store_->Write(batch); !s.ok()) return s;
      batch = StoreBatch();
    }
  }
  for (auto& n : needs) {
    n.set_vector(embed());
    batch.PutNeed(n);
    if (batch.size() >= kImportBatchRecords) {
      if (auto s = store_->Write(batch); !s.ok()) return s;
      batch = StoreBatch();
    }
  }
  batch.PutModel(embedder.ToModel());
  report->model_identity = embedder.Identity();
  return store_->Write(batch);
}

absl::Status CorpusImporter::WriteIndexes(int dimension, ImportReport* report) {
  std::error_code error;
  std::filesystem::create_directories(data_dir_->IndexFolder(), error);
  if (error) {
    return absl::UnavailableError(absl::StrCat(
        "creating '", data_dir_->IndexFolder(), "': ", error.message()));
  }
  for (v1::RecordKind kind :
       {v1::RECORD_KIND_CAPABILITY, v1::RECORD_KIND_NEED}) {
    auto built = BuildVectorIndex(*store_, kind, dimension);
    if (!built.ok()) return built.status();
    VectorIndexFileInfo info;
    info.store_sequence = store_->LatestSequence();
    info.slot_ids = std::move(built->slot_ids);
    if (auto s = built->index->Save(data_dir_->IndexPath(kind), info);
        !s.ok()) {
      return s;
    }
    (kind == v1::RECORD_KIND_NEED ? report->need_index
                                  : report->capability_index) =
        built->index->Describe();
  }
  return absl::OkStatus();
}

}  // namespace helixmatch
