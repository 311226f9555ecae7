// MatchingEngine's writes: each one validates and embeds its records
// outside every lock, then goes through the group commit, whose leader
// checks it against the catalog, writes it durably and applies it.
#include <algorithm>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "indexer/record_validation.h"
#include "indexer/records.h"
#include "services/engine/matching_engine.h"
#include "services/engine/record_writes.h"
#include "services/programmes/outcome_claims.h"

namespace helixmatch {
namespace {

absl::Status Prefixed(const absl::Status& s, absl::string_view prefix) {
  return absl::Status(s.code(), absl::StrCat(prefix, s.message()));
}

std::string KindAndId(const v1::Record& r) {
  return absl::StrCat(RecordKindName(r), "/", RecordId(r));
}

// Applies accepted records to the catalog, organizations before the
// records that refer to them; the profiles' vectors enter the index as
// one batch.
absl::Status ApplyAll(Catalog* catalog,
                      const std::vector<EmbeddedRecord>& records) {
  std::vector<const v1::Record*> rest;
  std::vector<std::span<const float>> vectors;
  for (const auto& r : records) {
    if (!r.record.has_organization()) {
      rest.push_back(&r.record);
      vectors.emplace_back(r.vector);
      continue;
    }
    if (auto s = catalog->Put(r.record, r.vector); !s.ok()) return s;
  }
  return catalog->PutMany(rest, vectors);
}

}  // namespace

absl::StatusOr<EmbeddedRecord> MatchingEngine::Write(const v1::Record& record,
                                                     const Viewer& writer) {
  auto r = EmbedForWrite(*embedder_, record, "record");
  if (!r.ok()) return r.status();
  WriteOp op;
  AddUpsertKeys(r->record, &op);
  op.check = [&](StoreBatch* batch) -> absl::Status {
    if (auto s = CheckReferences(*catalog_, &*r, {}); !s.ok()) return s;
    if (auto s = ResolveOutcomeClaim(*catalog_, writer, &*r); !s.ok()) {
      return s;
    }
    AddPutWrites(r->record, r->vector, batch);
    return absl::OkStatus();
  };
  op.apply = [&] { return catalog_->Put(r->record, r->vector); };
  if (auto s = commits_->Commit(op); !s.ok()) return s;
  return r;
}

absl::StatusOr<v1::UpsertResponse> MatchingEngine::Upsert(
    const v1::Record& record, const Viewer& writer) {
  auto r = Write(record, writer);
  if (!r.ok()) return r.status();
  v1::UpsertResponse response;
  response.set_created(r->created);
  return response;
}

absl::StatusOr<v1::BatchUpsertResponse> MatchingEngine::BatchUpsert(
    const google::protobuf::RepeatedPtrField<v1::Record>& records,
    const Viewer& writer) {
  if (records.empty()) {
    return absl::InvalidArgumentError("records: is empty");
  }
  if (records.size() > kMaxBatchRecords) {
    return absl::InvalidArgumentError(
        absl::StrCat("records: has ", records.size(), " records, the limit is ",
                     kMaxBatchRecords));
  }
  std::vector<EmbeddedRecord> embedded;
  std::vector<std::string> batch_orgs;
  std::unordered_map<std::string, int> seen;
  WriteOp op;
  for (int i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const std::string at = absl::StrCat("records[", i, "].");
    if (auto [it, inserted] = seen.emplace(KindAndId(r), i);
        !inserted && !RecordId(r).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, RecordKindName(r), ".id: duplicate id '",
                       RecordId(r), "', also at records[", it->second, "]"));
    }
    auto e = EmbedForWrite(*embedder_, r, "");
    if (!e.ok()) return Prefixed(e.status(), at);
    if (r.has_organization()) batch_orgs.push_back(r.organization().id());
    AddUpsertKeys(r, &op);
    embedded.push_back(std::move(*e));
  }
  op.records = embedded.size();
  op.check = [&](StoreBatch* batch) -> absl::Status {
    for (size_t i = 0; i < embedded.size(); ++i) {
      if (auto s = CheckReferences(*catalog_, &embedded[i], batch_orgs);
          !s.ok()) {
        return Prefixed(s, absl::StrCat("records[", i, "]."));
      }
      if (auto s = ResolveOutcomeClaim(*catalog_, writer, &embedded[i]);
          !s.ok()) {
        return Prefixed(s, absl::StrCat("records[", i, "]: "));
      }
    }
    for (const auto& e : embedded) AddPutWrites(e.record, e.vector, batch);
    return absl::OkStatus();
  };
  op.apply = [&] { return ApplyAll(catalog_.get(), embedded); };
  if (auto s = commits_->Commit(op); !s.ok()) return s;
  v1::BatchUpsertResponse response;
  for (const auto& e : embedded) {
    if (e.created) {
      response.set_created(response.created() + 1);
    } else {
      response.set_replaced(response.replaced() + 1);
    }
  }
  return response;
}

absl::StatusOr<std::vector<v1::RecordError>> MatchingEngine::IngestChunk(
    const std::vector<v1::Record>& records, int64_t first_position,
    const Viewer& writer) {
  std::vector<v1::RecordError> errors;
  const auto reject = [&](int64_t position, const v1::Record& r,
                          absl::string_view message) {
    auto& e = errors.emplace_back();
    e.set_position(position);
    e.set_id(RecordId(r));
    e.set_message(std::string(message));
  };
  // Catalog-free checks and embedding happen here, outside every lock.
  std::vector<EmbeddedRecord> candidates;
  std::vector<int64_t> positions;
  std::unordered_map<std::string, int64_t> seen;
  WriteOp op;
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const int64_t position = first_position + static_cast<int64_t>(i);
    if (auto it = seen.find(KindAndId(r));
        it != seen.end() && !RecordId(r).empty()) {
      reject(position, r,
             absl::StrCat(RecordKindName(r), ".id: duplicate id '", RecordId(r),
                          "', also at position ", it->second));
      continue;
    }
    auto e = EmbedForWrite(*embedder_, r, "record");
    if (!e.ok()) {
      reject(position, r, e.status().message());
      continue;
    }
    seen.emplace(KindAndId(r), position);
    AddUpsertKeys(r, &op);
    candidates.push_back(std::move(*e));
    positions.push_back(position);
  }
  if (candidates.empty()) return errors;
  op.records = candidates.size();
  std::vector<EmbeddedRecord> accepted;
  op.check = [&](StoreBatch* batch) -> absl::Status {
    std::vector<std::string> accepted_orgs;
    for (size_t i = 0; i < candidates.size(); ++i) {
      absl::Status s =
          CheckReferences(*catalog_, &candidates[i], accepted_orgs);
      if (s.ok()) s = ResolveOutcomeClaim(*catalog_, writer, &candidates[i]);
      if (!s.ok()) {
        reject(positions[i], candidates[i].record, s.message());
        continue;
      }
      if (candidates[i].record.has_organization()) {
        accepted_orgs.push_back(candidates[i].record.organization().id());
      }
      AddPutWrites(candidates[i].record, candidates[i].vector, batch);
      accepted.push_back(std::move(candidates[i]));
    }
    return absl::OkStatus();
  };
  op.apply = [&] { return ApplyAll(catalog_.get(), accepted); };
  if (auto s = commits_->Commit(op); !s.ok()) return s;
  std::sort(errors.begin(), errors.end(),
            [](const v1::RecordError& a, const v1::RecordError& b) {
              return a.position() < b.position();
            });
  return errors;
}

absl::Status MatchingEngine::Delete(v1::RecordKind kind,
                                    const std::string& id) {
  if (auto s = ValidateForDelete(kind, id); !s.ok()) return s;
  WriteOp op;
  AddDeleteKeys(kind, id, &op);
  op.check = [&](StoreBatch* batch) -> absl::Status {
    if (kind == v1::RECORD_KIND_ORGANIZATION) {
      if (auto s = catalog_->CheckOrganizationRemovable(id); !s.ok()) {
        return s;
      }
    }
    if (!catalog_->Contains(kind, id)) {
      return absl::NotFoundError(
          absl::StrCat(RecordKindName(kind), " '", id, "' not found"));
    }
    AddDeleteWrites(kind, id, batch);
    return absl::OkStatus();
  };
  op.apply = [&] { return catalog_->Remove(kind, id); };
  return commits_->Commit(op);
}

absl::StatusOr<v1::RecordOutcomeResponse> MatchingEngine::RecordOutcome(
    const v1::Outcome& outcome, const Viewer& writer) {
  v1::Record record;
  *record.mutable_outcome() = outcome;
  auto written = Write(record, writer);
  if (!written.ok()) return written.status();
  v1::RecordOutcomeResponse response;
  response.set_created(written->created);
  const v1::Outcome& stored = written->record.outcome();
  if (auto tie = TieFromOutcome(stored)) *response.mutable_tie() = *tie;
  *response.mutable_outcome() = stored;
  return response;
}

absl::StatusOr<v1::RecordOutcomeResponse> MatchingEngine::ConfirmOutcome(
    const std::string& id, const Viewer& writer) {
  if (auto s = ValidateId(id, "outcome_id"); !s.ok()) return s;
  // The keys name the parties as stored now; the check below reads the
  // outcome again under the group's lock.
  v1::Record record;
  {
    auto lock = catalog_lock_.Read();
    auto confirmed = ConfirmStoredOutcome(catalog_->outcome(id), id, writer);
    if (!confirmed.ok()) return confirmed.status();
    *record.mutable_outcome() = std::move(*confirmed);
  }
  WriteOp op;
  AddUpsertKeys(record, &op);
  op.check = [&](StoreBatch* batch) -> absl::Status {
    auto confirmed = ConfirmStoredOutcome(catalog_->outcome(id), id, writer);
    if (!confirmed.ok()) return confirmed.status();
    *record.mutable_outcome() = std::move(*confirmed);
    AddPutWrites(record, {}, batch);
    return absl::OkStatus();
  };
  op.apply = [&] { return catalog_->Put(record, {}); };
  if (auto s = commits_->Commit(op); !s.ok()) return s;
  v1::RecordOutcomeResponse response;
  if (auto tie = TieFromOutcome(record.outcome())) {
    *response.mutable_tie() = *tie;
  }
  *response.mutable_outcome() = record.outcome();
  return response;
}

}  // namespace helixmatch
