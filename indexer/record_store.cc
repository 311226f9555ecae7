#include "indexer/record_store.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "indexer/atomic_file.h"
#include "indexer/checksum.h"
#include "rocksdb/convenience.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/metadata.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/transaction_log.h"
#include "rocksdb/utilities/checkpoint.h"

namespace helixmatch {
namespace {

// Column families in FamilyOf order. "default" is required by RocksDB and
// holds nothing.
constexpr const char* kFamilyNames[] = {
    "default", "organizations", "capabilities", "needs",
    "ties",    "model",         "outcomes"};
constexpr int kModelFamily = 5;
constexpr int kOutcomeFamily = 6;
constexpr absl::string_view kModelKey = "embedding_model";

// Written by a clean close, beside RocksDB's files (which RocksDB leaves
// alone): the last sequence and every live table file with its size.
// RocksDB reads its MANIFEST and write-ahead log as logs whose torn tail
// may be dropped after a crash, so a log that lost its tail to damage
// opens without complaint, minus acknowledged writes. After a clean close
// nothing may be missing: the close flushes every memtable (the log then
// holds nothing) and records this, and the next open checks it.
constexpr char kCloseRecordName[] = "HELIXMATCH-CLOSED";
constexpr absl::string_view kCloseRecordMagic = "helixmatch-store-closed 1";

struct CloseRecord {
  uint64_t sequence = 0;
  std::map<std::string, uint64_t> tables;  // file name -> bytes
};

std::string EncodeCloseRecord(const CloseRecord& record) {
  std::string text =
      absl::StrCat(kCloseRecordMagic, "\nsequence ", record.sequence, "\n");
  for (const auto& [name, size] : record.tables) {
    absl::StrAppend(&text, "table ", name, " ", size, "\n");
  }
  absl::StrAppend(&text, absl::StrFormat("crc32c %08x\n", Crc32c(text)));
  return text;
}

absl::StatusOr<CloseRecord> DecodeCloseRecord(absl::string_view text,
                                              const std::string& path) {
  const auto damaged = [&](absl::string_view what) {
    return absl::DataLossError(
        absl::StrCat("close record '", path, "' is damaged: ", what));
  };
  const size_t crc_at = text.rfind("crc32c ");
  if (crc_at == absl::string_view::npos) return damaged("no checksum");
  const absl::string_view body = text.substr(0, crc_at);
  if (absl::StrFormat("crc32c %08x\n", Crc32c(0, body.data(), body.size())) !=
      text.substr(crc_at)) {
    return damaged("checksum mismatch");
  }
  CloseRecord record;
  bool magic = false, sequence = false;
  for (absl::string_view line : absl::StrSplit(body, '\n', absl::SkipEmpty())) {
    const std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    if (line == kCloseRecordMagic) {
      magic = true;
    } else if (words.size() == 2 && words[0] == "sequence" &&
               absl::SimpleAtoi(words[1], &record.sequence)) {
      sequence = true;
    } else if (uint64_t size = 0; words.size() == 3 && words[0] == "table" &&
                                  absl::SimpleAtoi(words[2], &size)) {
      record.tables[std::string(words[1])] = size;
    } else {
      return damaged(absl::StrCat("unexpected line '", line, "'"));
    }
  }
  if (!magic || !sequence) return damaged("incomplete");
  return record;
}

CloseRecord CurrentCloseRecord(rocksdb::DB& db) {
  CloseRecord record;
  record.sequence = db.GetLatestSequenceNumber();
  std::vector<rocksdb::LiveFileMetaData> files;
  db.GetLiveFilesMetaData(&files);
  for (const auto& f : files) {
    record.tables[std::filesystem::path(f.name).filename().string()] = f.size;
  }
  return record;
}

// What a store closed as `expected` lost, or "" when nothing.
std::string Lost(const CloseRecord& expected, const CloseRecord& found) {
  std::string lost;
  if (found.sequence < expected.sequence) {
    absl::StrAppend(&lost, "its last sequence is ", found.sequence,
                    ", it was closed at ", expected.sequence, "; ");
  }
  for (const auto& [name, size] : expected.tables) {
    const auto it = found.tables.find(name);
    if (it == found.tables.end()) {
      absl::StrAppend(&lost, "its MANIFEST no longer lists table ", name, "; ");
    } else if (it->second != size) {
      absl::StrAppend(&lost, "table ", name, " is ", it->second,
                      " bytes, it was ", size, "; ");
    }
  }
  if (!lost.empty()) lost.resize(lost.size() - 2);
  return lost;
}

// ------------------------------------------------- table pre-check
//
// RocksDB 7.8 parses a table's properties block before it checks the
// block's checksum (ReadTablePropertiesHelper), and Debian's build keeps
// its assertions: a properties block whose last word was damaged into
// claiming a hash index aborts the whole process when the table is opened
// (DataBlockHashIndex::Initialize, "num_buckets_ > 0"), found by the
// corruption sweep. No block of ours legitimately has that bit (hash
// indexes are never configured), so it is proof of damage, and the table
// is kept away from RocksDB. Anything this parser cannot follow is left
// to RocksDB's own checks.

constexpr uint64_t kBlockBasedTableMagic = 0x88e241b785f4cff7ull;
constexpr size_t kFooterBytes = 53;  // format versions 1..5
constexpr uint32_t kHashIndexBit = 1u << 31;

bool GetVarint(absl::string_view* in, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

uint32_t Fixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));  // little-endian, as x86-64
  return v;
}

bool ReadAt(std::ifstream& file, uint64_t offset, size_t n, std::string* out) {
  out->resize(n);
  file.seekg(static_cast<std::streamoff>(offset));
  file.read(out->data(), static_cast<std::streamsize>(n));
  return static_cast<size_t>(file.gcount()) == n;
}

std::string DamagedPropertiesBlock(const std::string& path) {
  std::error_code error;
  const uint64_t size = std::filesystem::file_size(path, error);
  std::ifstream file(path, std::ios::binary);
  std::string footer, meta, word;
  if (error || !file || size < kFooterBytes ||
      !ReadAt(file, size - kFooterBytes, kFooterBytes, &footer)) {
    return "";
  }
  uint64_t magic;
  std::memcpy(&magic, footer.data() + kFooterBytes - 8, sizeof(magic));
  const uint32_t version = Fixed32(footer.data() + kFooterBytes - 12);
  if (magic != kBlockBasedTableMagic || version < 1 || version > 5) return "";
  absl::string_view handles(footer.data() + 1, kFooterBytes - 13);
  uint64_t meta_offset, meta_size;
  if (!GetVarint(&handles, &meta_offset) || !GetVarint(&handles, &meta_size) ||
      meta_size < 4 || meta_offset > size || meta_size > size - meta_offset ||
      meta_size > (64u << 20) || !ReadAt(file, meta_offset, meta_size, &meta)) {
    return "";
  }
  const uint32_t restarts =
      Fixed32(meta.data() + meta.size() - 4) & ~kHashIndexBit;
  if (restarts >= meta.size() / 4) return "";
  absl::string_view entries(meta.data(), meta.size() - 4 * (1 + restarts));
  std::string key;
  while (!entries.empty()) {
    uint64_t shared, unshared, value_size;
    if (!GetVarint(&entries, &shared) || !GetVarint(&entries, &unshared) ||
        !GetVarint(&entries, &value_size) || shared > key.size() ||
        unshared > entries.size() || value_size > entries.size() - unshared) {
      return "";
    }
    key.resize(shared);
    key.append(entries.data(), unshared);
    absl::string_view value = entries.substr(unshared, value_size);
    entries.remove_prefix(unshared + value_size);
    if (key != "rocksdb.properties") continue;
    uint64_t offset, length;
    if (!GetVarint(&value, &offset) || !GetVarint(&value, &length) ||
        length < 4 || offset > size || length > size - offset ||
        !ReadAt(file, offset + length - 4, 4, &word)) {
      return "";
    }
    if ((Fixed32(word.data()) & kHashIndexBit) != 0) {
      return absl::StrCat("its properties block (", length, " bytes at ",
                          offset, ") is damaged: it claims a hash index");
    }
    return "";
  }
  return "";
}

absl::string_view KindName(int family) {
  switch (family) {
    case 1:
      return "organization";
    case 2:
      return "capability";
    case 3:
      return "need";
    case 4:
      return "tie";
    case kOutcomeFamily:
      return "outcome";
    default:
      return "model";
  }
}

}  // namespace

int FamilyOf(v1::RecordKind kind) {
  switch (kind) {
    case v1::RECORD_KIND_ORGANIZATION:
      return 1;
    case v1::RECORD_KIND_CAPABILITY:
      return 2;
    case v1::RECORD_KIND_NEED:
      return 3;
    case v1::RECORD_KIND_TIE:
      return 4;
    case v1::RECORD_KIND_OUTCOME:
      return kOutcomeFamily;
    default:
      return 0;
  }
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

void StoreBatch::PutOrganization(const v1::Organization& org) {
  ops_.push_back({1, org.id(), org.SerializeAsString()});
}
void StoreBatch::PutCapability(const storage::StoredCapability& capability) {
  ops_.push_back({2, capability.record().id(), capability.SerializeAsString()});
}
void StoreBatch::PutNeed(const storage::StoredNeed& need) {
  ops_.push_back({3, need.record().id(), need.SerializeAsString()});
}
void StoreBatch::PutTie(const v1::Tie& tie) {
  ops_.push_back({4, tie.id(), tie.SerializeAsString()});
}
void StoreBatch::PutOutcome(const v1::Outcome& outcome) {
  ops_.push_back({kOutcomeFamily, outcome.id(), outcome.SerializeAsString()});
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

absl::StatusOr<std::unique_ptr<RecordStore>> RecordStore::Open(
    const std::string& path, const RecordStoreOptions& options) {
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
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions family_options(db_options);
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kFamilyNames) {
    descriptors.emplace_back(name, family_options);
  }
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
  auto store = OpenVerified(path, options, db_options, descriptors, context);
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
    const rocksdb::Options& db_options,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors,
    const std::string& context) {
  // After a clean close, check that the store still holds everything it
  // held then, before a read-write open can drop or delete anything.
  const std::string close_path = absl::StrCat(path, "/", kCloseRecordName);
  std::ifstream close_file(close_path, std::ios::binary);
  const bool closed_cleanly = close_file.is_open();
  if (closed_cleanly) {
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
  }

  auto store = std::unique_ptr<RecordStore>(new RecordStore());
  store->path_ = path;
  store->options_ = options;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status =
      rocksdb::DB::Open(db_options, path, descriptors, &store->families_, &raw);
  store->db_.reset(raw);
  if (!status.ok()) return FromRocksDb(status, context);
  // From the first write on the record would be stale.
  if (closed_cleanly) {
    if (auto s = RemoveFileDurably(close_path); !s.ok()) return s;
  }
  return store;
}

RecordStore::~RecordStore() {
  if (db_ == nullptr) return;
  // A clean close: every memtable to a table file, background work
  // stopped (so the set of live files is final), then the close record.
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  const bool flushed = db_->Flush(flush_options, families_).ok();
  rocksdb::CancelAllBackgroundWork(db_.get(), /*wait=*/true);
  if (flushed) {
    // Without the record (write failed) the next open is that of a crash.
    const std::string text = EncodeCloseRecord(CurrentCloseRecord(*db_));
    const absl::string_view parts[] = {text};
    WriteFileAtomically(absl::StrCat(path_, "/", kCloseRecordName), parts)
        .IgnoreError();
  }
  for (auto* handle : families_) db_->DestroyColumnFamilyHandle(handle);
  db_->Close();
}

absl::Status RecordStore::Write(StoreBatch& batch) {
  rocksdb::WriteBatch write_batch;
  for (const auto& op : batch.ops_) {
    rocksdb::Status s =
        op.value ? write_batch.Put(families_[op.family], op.key, *op.value)
                 : write_batch.Delete(families_[op.family], op.key);
    if (!s.ok()) return FromRocksDb(s, "building write batch");
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  return FromRocksDb(
      db_->Write(write_options, &write_batch),
      absl::StrCat("writing ", batch.ops_.size(), " changes to '", path_, "'"));
}

absl::StatusOr<std::set<std::string>> RecordStore::ChangedIdsSince(
    uint64_t sequence, v1::RecordKind kind) const {
  std::set<std::string> ids;
  const uint64_t latest = db_->GetLatestSequenceNumber();
  if (sequence >= latest) return ids;
  const uint32_t family_id = families_[FamilyOf(kind)]->GetID();

  // Collects the keys of one column family from each write batch.
  class Collector : public rocksdb::WriteBatch::Handler {
   public:
    Collector(uint32_t family, std::set<std::string>* ids)
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

  const std::string context = absl::StrCat("replaying the log of '", path_,
                                           "' after sequence ", sequence);
  std::unique_ptr<rocksdb::TransactionLogIterator> it;
  rocksdb::Status s = db_->GetUpdatesSince(sequence + 1, &it);
  if (!s.ok()) return FromRocksDb(s, context);
  uint64_t next = sequence + 1;  // first sequence not seen yet
  for (; it->Valid(); it->Next()) {
    rocksdb::BatchResult batch = it->GetBatch();
    if (batch.sequence > next) {
      return absl::DataLossError(absl::StrCat(context,
                                              ": the log jumps from sequence ",
                                              next, " to ", batch.sequence));
    }
    Collector collector(family_id, &ids);
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
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (s.ok()) s = checkpoint->CreateCheckpoint(folder);
  return FromRocksDb(
      s, absl::StrCat("checkpoint of '", path_, "' into '", folder, "'"));
}

absl::StatusOr<std::string> RecordStore::GetRaw(int family,
                                                absl::string_view key,
                                                absl::string_view what) const {
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), families_[family],
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
  return Parse<v1::Organization>(GetRaw(1, id, "organization"), "organization",
                                 id);
}
absl::StatusOr<storage::StoredCapability> RecordStore::GetCapability(
    absl::string_view id) const {
  return Parse<storage::StoredCapability>(GetRaw(2, id, "capability"),
                                          "capability", id);
}
absl::StatusOr<storage::StoredNeed> RecordStore::GetNeed(
    absl::string_view id) const {
  return Parse<storage::StoredNeed>(GetRaw(3, id, "need"), "need", id);
}
absl::StatusOr<v1::Tie> RecordStore::GetTie(absl::string_view id) const {
  return Parse<v1::Tie>(GetRaw(4, id, "tie"), "tie", id);
}

absl::StatusOr<v1::Outcome> RecordStore::GetOutcome(
    absl::string_view id) const {
  return Parse<v1::Outcome>(GetRaw(kOutcomeFamily, id, "outcome"), "outcome",
                            id);
}

absl::StatusOr<bool> RecordStore::Exists(v1::RecordKind kind,
                                         absl::string_view id) const {
  const int family = FamilyOf(kind);
  if (family == 0) return absl::InvalidArgumentError("kind: is required");
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), families_[family],
               rocksdb::Slice(id.data(), id.size()), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) {
    return FromRocksDb(s, absl::StrCat("reading ", KindName(family), " ", id));
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

absl::Status RecordStore::ForEach(
    v1::RecordKind kind,
    const std::function<absl::Status(absl::string_view, absl::string_view)>& fn)
    const {
  const int family = FamilyOf(kind);
  if (family == 0) return absl::InvalidArgumentError("kind: is required");
  // Every block read is checked against its checksum (RocksDB's default,
  // spelled out): a damaged table fails the scan, so the engine's open.
  rocksdb::ReadOptions read_options;
  read_options.verify_checksums = true;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, families_[family]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    const rocksdb::Slice value = it->value();
    if (auto s = fn({key.data(), key.size()}, {value.data(), value.size()});
        !s.ok()) {
      return s;
    }
  }
  return FromRocksDb(it->status(),
                     absl::StrCat("scanning the ", KindName(family),
                                  " records of '", path_, "'"));
}

uint64_t RecordStore::LatestSequence() const {
  return db_->GetLatestSequenceNumber();
}

absl::Status RecordStore::Flush() {
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  return FromRocksDb(db_->Flush(flush_options, families_),
                     absl::StrCat("flushing '", path_, "'"));
}

}  // namespace helixmatch
