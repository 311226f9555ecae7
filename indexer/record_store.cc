#include "indexer/record_store.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "indexer/atomic_file.h"
#include "indexer/record_store_internal.h"
#include "indexer/records.h"
#include "rocksdb/convenience.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/transaction_log.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"

namespace helixmatch {
namespace {

// The column families, in FamilyOf order: RocksDB's "default" (required,
// holds nothing), one per record kind, and the model (between ties and
// outcomes, for compatibility with stores written before outcomes).
struct Family {
  const char* name;
  v1::RecordKind kind;  // RECORD_KIND_UNSPECIFIED: no record kind
};
constexpr Family kFamilies[] = {
    {"default", v1::RECORD_KIND_UNSPECIFIED},
    {"organizations", v1::RECORD_KIND_ORGANIZATION},
    {"capabilities", v1::RECORD_KIND_CAPABILITY},
    {"needs", v1::RECORD_KIND_NEED},
    {"ties", v1::RECORD_KIND_TIE},
    {"model", v1::RECORD_KIND_UNSPECIFIED},
    {"outcomes", v1::RECORD_KIND_OUTCOME},
};
constexpr int kModelFamily = 5;
constexpr absl::string_view kModelKey = "embedding_model";

rocksdb::Options DbOptions(const RecordStoreOptions& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  // Keep the write-ahead log after memtable flushes (moved to archive/) so
  // a vector index saved at sequence S can be brought up to date by
  // replaying the changes after S (ChangedIdsSince). Bounded by age and
  // size; when the log no longer reaches back far enough the index is
  // rebuilt instead.
  db_options.WAL_ttl_seconds = 7 * 24 * 3600;
  db_options.WAL_size_limit_MB = 1024;
  // A torn record at the very end of the log (a crash mid-write, never
  // acknowledged) is dropped; corruption anywhere else fails the open
  // instead of silently truncating acknowledged writes.
  db_options.wal_recovery_mode =
      rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.paranoid_checks = true;
  db_options.OptimizeLevelStyleCompaction();
  return db_options;
}

std::vector<rocksdb::ColumnFamilyDescriptor> FamilyDescriptors(
    const rocksdb::Options& db_options) {
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions family_options(db_options);
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const Family& family : kFamilies) {
    descriptors.emplace_back(family.name, family_options);
  }
  return descriptors;
}

// "organization", ... for a record family; "model" for the model's.
absl::string_view FamilyKindName(int family) {
  const absl::string_view name = RecordKindName(kFamilies[family].kind);
  return name.empty() ? "model" : name;
}

}  // namespace

int FamilyOf(v1::RecordKind kind) {
  if (kind == v1::RECORD_KIND_UNSPECIFIED) return 0;
  for (int i = 0; i < static_cast<int>(std::size(kFamilies)); ++i) {
    if (kFamilies[i].kind == kind) return i;
  }
  return 0;
}

absl::Status FromRocksDb(const rocksdb::Status& status,
                         absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(context, ": ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsIOError() || status.IsNoSpace()) {
    return absl::UnavailableError(message);
  }
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  return absl::InternalError(message);
}

std::string EncodeVector(std::span<const float> vector) {
  std::string bytes(vector.size() * sizeof(float), '\0');
  if (!bytes.empty()) std::memcpy(bytes.data(), vector.data(), bytes.size());
  return bytes;
}

absl::StatusOr<std::vector<float>> DecodeVector(absl::string_view bytes,
                                                int dimension) {
  if (bytes.size() != static_cast<size_t>(dimension) * sizeof(float)) {
    return absl::DataLossError(absl::StrCat("stored vector is ", bytes.size(),
                                            " bytes, expected ",
                                            dimension * sizeof(float)));
  }
  std::vector<float> vector(dimension);
  if (!bytes.empty()) std::memcpy(vector.data(), bytes.data(), bytes.size());
  return vector;
}

// ------------------------------------------------------------ StoreBatch

void StoreBatch::PutOrganization(const v1::Organization& org) {
  ops_.push_back({FamilyOf(v1::RECORD_KIND_ORGANIZATION), org.id(),
                  org.SerializeAsString()});
}
void StoreBatch::PutCapability(const storage::StoredCapability& capability) {
  ops_.push_back({FamilyOf(v1::RECORD_KIND_CAPABILITY),
                  capability.record().id(), capability.SerializeAsString()});
}
void StoreBatch::PutNeed(const storage::StoredNeed& need) {
  ops_.push_back({FamilyOf(v1::RECORD_KIND_NEED), need.record().id(),
                  need.SerializeAsString()});
}
void StoreBatch::PutTie(const v1::Tie& tie) {
  ops_.push_back(
      {FamilyOf(v1::RECORD_KIND_TIE), tie.id(), tie.SerializeAsString()});
}
void StoreBatch::PutOutcome(const v1::Outcome& outcome) {
  ops_.push_back({FamilyOf(v1::RECORD_KIND_OUTCOME), outcome.id(),
                  outcome.SerializeAsString()});
}
void StoreBatch::PutModel(const storage::EmbeddingModel& model) {
  ops_.push_back(
      {kModelFamily, std::string(kModelKey), model.SerializeAsString()});
}
void StoreBatch::Delete(v1::RecordKind kind, absl::string_view id) {
  ops_.push_back({FamilyOf(kind), std::string(id), std::nullopt});
}
void StoreBatch::Append(StoreBatch&& other) {
  if (ops_.empty()) {
    ops_ = std::move(other.ops_);
  } else {
    for (auto& op : other.ops_) ops_.push_back(std::move(op));
  }
  other.ops_.clear();
}

// ------------------------------------------------------------ RecordStore

struct RecordStore::Rep {
  std::string path;
  RecordStoreOptions options;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> families;  // owned; see dtor
};

RecordStore::RecordStore(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

namespace {

// After a clean close, checks that the store still holds everything it
// held then, before a read-write open can drop or delete anything. Returns
// whether there was a close record.
absl::StatusOr<bool> CheckCloseRecord(
    const std::string& path, const rocksdb::Options& db_options,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors,
    const std::string& context) {
  const std::string close_path = absl::StrCat(path, "/", kCloseRecordName);
  std::ifstream close_file(close_path, std::ios::binary);
  if (!close_file.is_open()) return false;
  const std::string text((std::istreambuf_iterator<char>(close_file)),
                         std::istreambuf_iterator<char>());
  auto expected = DecodeCloseRecord(text, close_path);
  if (!expected.ok()) return expected.status();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status = rocksdb::DB::OpenForReadOnly(
      db_options, path, descriptors, &handles, &raw);
  std::unique_ptr<rocksdb::DB> db(raw);
  if (!status.ok()) return FromRocksDb(status, context);
  const CloseRecord found = CurrentCloseRecord(*db);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  db->Close();
  if (const std::string lost = Lost(*expected, found); !lost.empty()) {
    return absl::DataLossError(
        absl::StrCat(context, ": it was closed cleanly but ", lost,
                     "; acknowledged writes are missing (restore a backup)"));
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecordStore>> RecordStore::Open(
    const std::string& path, const RecordStoreOptions& options) {
  const std::string context = absl::StrCat("opening store '", path, "'");
  // Tables RocksDB must not parse are set aside (renamed) for the open. If
  // the store needs one, the open fails naming it and they are put back;
  // if not (a table left by a flush or compaction a crash cut short, which
  // RocksDB would delete), they are removed.
  std::vector<std::pair<std::string, std::string>> aside;  // path, why
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
    const std::string file = entry.path().string();
    if (entry.path().extension() != ".sst") continue;
    std::string why = DamagedPropertiesBlock(file);
    if (why.empty()) continue;
    std::filesystem::rename(file, file + ".damaged", error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat(context, ": setting aside damaged table '", file,
                       "': ", error.message()));
    }
    aside.emplace_back(file, std::move(why));
  }
  auto store = OpenVerified(path, options, context);
  for (const auto& [file, why] : aside) {
    if (store.ok()) {
      std::filesystem::remove(file + ".damaged", error);
    } else {
      std::filesystem::rename(file + ".damaged", file, error);
    }
  }
  if (!store.ok() && !aside.empty()) {
    return absl::DataLossError(absl::StrCat(
        context, ": table '", aside.front().first, "': ", aside.front().second,
        " (without it: ", store.status().message(), ")"));
  }
  return store;
}

absl::StatusOr<std::unique_ptr<RecordStore>> RecordStore::OpenVerified(
    const std::string& path, const RecordStoreOptions& options,
    const std::string& context) {
  const rocksdb::Options db_options = DbOptions(options);
  const auto descriptors = FamilyDescriptors(db_options);
  auto closed_cleanly =
      CheckCloseRecord(path, db_options, descriptors, context);
  if (!closed_cleanly.ok()) return closed_cleanly.status();
  auto rep = std::make_unique<Rep>();
  rep->path = path;
  rep->options = options;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status =
      rocksdb::DB::Open(db_options, path, descriptors, &rep->families, &raw);
  rep->db.reset(raw);
  auto store = std::unique_ptr<RecordStore>(new RecordStore(std::move(rep)));
  if (!status.ok()) return FromRocksDb(status, context);
  // From the first write on the record would be stale.
  if (*closed_cleanly) {
    const std::string close_path = absl::StrCat(path, "/", kCloseRecordName);
    if (auto s = RemoveFileDurably(close_path); !s.ok()) return s;
  }
  return store;
}

RecordStore::~RecordStore() {
  rocksdb::DB* db = rep_->db.get();
  if (db == nullptr) return;
  // A clean close: every memtable to a table file, background work
  // stopped (so the set of live files is final), then the close record.
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  const bool flushed = db->Flush(flush_options, rep_->families).ok();
  rocksdb::CancelAllBackgroundWork(db, /*wait=*/true);
  if (flushed) {
    // Without the record (write failed) the next open is that of a crash.
    const std::string text = EncodeCloseRecord(CurrentCloseRecord(*db));
    const absl::string_view parts[] = {text};
    WriteFileAtomically(absl::StrCat(rep_->path, "/", kCloseRecordName), parts)
        .IgnoreError();
  }
  for (auto* handle : rep_->families) db->DestroyColumnFamilyHandle(handle);
  db->Close();
}

const std::string& RecordStore::path() const { return rep_->path; }

absl::Status RecordStore::Write(StoreBatch& batch) {
  rocksdb::WriteBatch write_batch;
  for (const auto& op : batch.ops_) {
    rocksdb::ColumnFamilyHandle* family = rep_->families[op.family];
    rocksdb::Status s = op.value ? write_batch.Put(family, op.key, *op.value)
                                 : write_batch.Delete(family, op.key);
    if (!s.ok()) return FromRocksDb(s, "building write batch");
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = rep_->options.sync_writes;
  return FromRocksDb(rep_->db->Write(write_options, &write_batch),
                     absl::StrCat("writing ", batch.ops_.size(),
                                  " changes to '", rep_->path, "'"));
}

namespace {

// Collects the keys of one column family from each write batch.
class ChangedKeyCollector : public rocksdb::WriteBatch::Handler {
 public:
  ChangedKeyCollector(uint32_t family, std::set<std::string>* ids)
      : family_(family), ids_(ids) {}
  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice&) override {
    if (family == family_) ids_->insert(key.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t family,
                           const rocksdb::Slice& key) override {
    if (family == family_) ids_->insert(key.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t family,
                                 const rocksdb::Slice& key) override {
    return DeleteCF(family, key);
  }
  // Range deletes and merges are never written by helixmatch; seeing
  // one means the log cannot be replayed key by key.
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&,
                                const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("range delete in the log");
  }
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&,
                          const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("merge in the log");
  }

 private:
  uint32_t family_;
  std::set<std::string>* ids_;
};

}  // namespace

absl::StatusOr<std::set<std::string>> RecordStore::ChangedIdsSince(
    uint64_t sequence, v1::RecordKind kind) const {
  std::set<std::string> ids;
  rocksdb::DB& db = *rep_->db;
  const uint64_t latest = db.GetLatestSequenceNumber();
  if (sequence >= latest) return ids;
  const uint32_t family_id = rep_->families[FamilyOf(kind)]->GetID();
  const std::string context = absl::StrCat("replaying the log of '", rep_->path,
                                           "' after sequence ", sequence);
  std::unique_ptr<rocksdb::TransactionLogIterator> it;
  rocksdb::Status s = db.GetUpdatesSince(sequence + 1, &it);
  if (!s.ok()) return FromRocksDb(s, context);
  uint64_t next = sequence + 1;  // first sequence not seen yet
  for (; it->Valid(); it->Next()) {
    rocksdb::BatchResult batch = it->GetBatch();
    if (batch.sequence > next) {
      return absl::DataLossError(absl::StrCat(context,
                                              ": the log jumps from sequence ",
                                              next, " to ", batch.sequence));
    }
    ChangedKeyCollector collector(family_id, &ids);
    s = batch.writeBatchPtr->Iterate(&collector);
    if (!s.ok()) return FromRocksDb(s, context);
    next =
        std::max<uint64_t>(next, batch.sequence + batch.writeBatchPtr->Count());
  }
  if (s = it->status(); !s.ok()) return FromRocksDb(s, context);
  if (next <= latest) {
    return absl::DataLossError(
        absl::StrCat(context, ": the log ends at sequence ", next - 1,
                     ", the store is at ", latest));
  }
  return ids;
}

absl::Status RecordStore::Checkpoint(const std::string& folder) const {
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(rep_->db.get(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (s.ok()) s = checkpoint->CreateCheckpoint(folder);
  return FromRocksDb(
      s, absl::StrCat("checkpoint of '", rep_->path, "' into '", folder, "'"));
}

absl::StatusOr<std::string> RecordStore::GetRaw(int family,
                                                absl::string_view key,
                                                absl::string_view what) const {
  std::string value;
  const rocksdb::Status s =
      rep_->db->Get(rocksdb::ReadOptions(), rep_->families[family],
                    rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat(what, " '", key, "' not found"));
  }
  if (!s.ok()) return FromRocksDb(s, absl::StrCat("reading ", what, " ", key));
  return value;
}

namespace {

template <typename Message>
absl::StatusOr<Message> Parse(absl::StatusOr<std::string> bytes,
                              absl::string_view what, absl::string_view id) {
  if (!bytes.ok()) return bytes.status();
  Message message;
  if (!message.ParseFromString(*bytes)) {
    return absl::DataLossError(
        absl::StrCat("stored ", what, " '", id, "' does not parse"));
  }
  return message;
}

}  // namespace

absl::StatusOr<v1::Organization> RecordStore::GetOrganization(
    absl::string_view id) const {
  return Parse<v1::Organization>(
      GetRaw(FamilyOf(v1::RECORD_KIND_ORGANIZATION), id, "organization"),
      "organization", id);
}
absl::StatusOr<storage::StoredCapability> RecordStore::GetCapability(
    absl::string_view id) const {
  return Parse<storage::StoredCapability>(
      GetRaw(FamilyOf(v1::RECORD_KIND_CAPABILITY), id, "capability"),
      "capability", id);
}
absl::StatusOr<storage::StoredNeed> RecordStore::GetNeed(
    absl::string_view id) const {
  return Parse<storage::StoredNeed>(
      GetRaw(FamilyOf(v1::RECORD_KIND_NEED), id, "need"), "need", id);
}
absl::StatusOr<v1::Tie> RecordStore::GetTie(absl::string_view id) const {
  return Parse<v1::Tie>(GetRaw(FamilyOf(v1::RECORD_KIND_TIE), id, "tie"), "tie",
                        id);
}
absl::StatusOr<v1::Outcome> RecordStore::GetOutcome(
    absl::string_view id) const {
  return Parse<v1::Outcome>(
      GetRaw(FamilyOf(v1::RECORD_KIND_OUTCOME), id, "outcome"), "outcome", id);
}

absl::StatusOr<bool> RecordStore::Exists(v1::RecordKind kind,
                                         absl::string_view id) const {
  const int family = FamilyOf(kind);
  if (family == 0) return absl::InvalidArgumentError("kind: is required");
  std::string value;
  const rocksdb::Status s =
      rep_->db->Get(rocksdb::ReadOptions(), rep_->families[family],
                    rocksdb::Slice(id.data(), id.size()), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) {
    return FromRocksDb(
        s, absl::StrCat("reading ", FamilyKindName(family), " ", id));
  }
  return true;
}

absl::StatusOr<std::optional<storage::EmbeddingModel>> RecordStore::GetModel()
    const {
  auto bytes = GetRaw(kModelFamily, kModelKey, "model");
  if (absl::IsNotFound(bytes.status())) return std::nullopt;
  auto model =
      Parse<storage::EmbeddingModel>(std::move(bytes), "model", kModelKey);
  if (!model.ok()) return model.status();
  return *model;
}

absl::Status RecordStore::ForEachValue(
    v1::RecordKind kind,
    absl::FunctionRef<absl::Status(absl::string_view, absl::string_view)> fn)
    const {
  const int family = FamilyOf(kind);
  if (family == 0) return absl::InvalidArgumentError("kind: is required");
  // Every block read is checked against its checksum (RocksDB's default,
  // spelled out): a damaged table fails the scan, so the engine's open.
  rocksdb::ReadOptions read_options;
  read_options.verify_checksums = true;
  // A full scan reads each block once: it leaves the block cache to the
  // point reads and reads ahead 4 MiB at a time, not block by block (with
  // both, a start-up's scan of the CORDIS ties went from 2.3 to 1.7 s).
  read_options.fill_cache = false;
  read_options.readahead_size = 4 << 20;
  std::unique_ptr<rocksdb::Iterator> it(
      rep_->db->NewIterator(read_options, rep_->families[family]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    const rocksdb::Slice value = it->value();
    if (auto s = fn({key.data(), key.size()}, {value.data(), value.size()});
        !s.ok()) {
      return s;
    }
  }
  return FromRocksDb(it->status(),
                     absl::StrCat("scanning the ", FamilyKindName(family),
                                  " records of '", rep_->path, "'"));
}

template <class Stored>
absl::Status RecordStore::ForEach(
    absl::FunctionRef<absl::Status(Stored&&)> fn) const {
  constexpr v1::RecordKind kind = kStoredKind<Stored>;
  static_assert(kind != v1::RECORD_KIND_UNSPECIFIED,
                "ForEach: not a stored record type (see kStoredKind)");
  return ForEachValue(kind, [&](absl::string_view id, absl::string_view value) {
    Stored message;
    if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError(absl::StrCat("stored ", RecordKindName(kind),
                                              " '", id, "' does not parse"));
    }
    return fn(std::move(message));
  });
}

template absl::Status RecordStore::ForEach<v1::Organization>(
    absl::FunctionRef<absl::Status(v1::Organization&&)>) const;
template absl::Status RecordStore::ForEach<storage::StoredCapability>(
    absl::FunctionRef<absl::Status(storage::StoredCapability&&)>) const;
template absl::Status RecordStore::ForEach<storage::StoredNeed>(
    absl::FunctionRef<absl::Status(storage::StoredNeed&&)>) const;
template absl::Status RecordStore::ForEach<v1::Tie>(
    absl::FunctionRef<absl::Status(v1::Tie&&)>) const;
template absl::Status RecordStore::ForEach<v1::Outcome>(
    absl::FunctionRef<absl::Status(v1::Outcome&&)>) const;

uint64_t RecordStore::LatestSequence() const {
  return rep_->db->GetLatestSequenceNumber();
}

absl::Status RecordStore::Flush() {
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  return FromRocksDb(rep_->db->Flush(flush_options, rep_->families),
                     absl::StrCat("flushing '", rep_->path, "'"));
}

}  // namespace helixmatch
