// The source of truth: organizations, capability profiles and needs (with
// their vectors), ties, outcomes and the embedding model, in RocksDB, one
// column family per record kind. RocksDB stays behind this header.
//
// Thread-safe: RocksDB serializes writes; reads may run concurrently.
#ifndef HELIXMATCH_INDEXER_RECORD_STORE_H_
#define HELIXMATCH_INDEXER_RECORD_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/storage/stored.pb.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {

struct RecordStoreOptions {
  // When true (the default) a Write returns only after the batch is on
  // disk (fsync): an acknowledged write survives a machine crash. When
  // false it survives a process crash only; bulk imports use false and
  // call Flush at the end.
  bool sync_writes = true;
  bool create_if_missing = true;
};

// A set of changes applied atomically by RecordStore::Write.
class StoreBatch {
 public:
  void PutOrganization(const v1::Organization& org);
  void PutCapability(const storage::StoredCapability& capability);
  void PutNeed(const storage::StoredNeed& need);
  void PutTie(const v1::Tie& tie);
  void PutOutcome(const v1::Outcome& outcome);
  void PutModel(const storage::EmbeddingModel& model);
  void Delete(v1::RecordKind kind, absl::string_view id);
  // Moves the changes of `other` to the end of this batch.
  void Append(StoreBatch&& other);
  size_t size() const { return ops_.size(); }

 private:
  friend class RecordStore;
  struct Op {
    int family;  // column family, see record_store.cc
    std::string key;
    std::optional<std::string> value;  // nullopt: delete
  };
  std::vector<Op> ops_;
};

// The message each kind of record is stored as: kStoredKind<Stored> is its
// kind. Capabilities and needs are stored with their vector.
template <class Stored>
inline constexpr v1::RecordKind kStoredKind = v1::RECORD_KIND_UNSPECIFIED;
template <>
inline constexpr v1::RecordKind kStoredKind<v1::Organization> =
    v1::RECORD_KIND_ORGANIZATION;
template <>
inline constexpr v1::RecordKind kStoredKind<storage::StoredCapability> =
    v1::RECORD_KIND_CAPABILITY;
template <>
inline constexpr v1::RecordKind kStoredKind<storage::StoredNeed> =
    v1::RECORD_KIND_NEED;
template <>
inline constexpr v1::RecordKind kStoredKind<v1::Tie> = v1::RECORD_KIND_TIE;
template <>
inline constexpr v1::RecordKind kStoredKind<v1::Outcome> =
    v1::RECORD_KIND_OUTCOME;

class RecordStore {
 public:
  // Opens (or creates) the store at `path`. Errors name the path and carry
  // RocksDB's message. After a clean close (see the destructor) the open
  // first checks that the store still has every table file and the last
  // sequence it had then: DATA_LOSS when not. (After a crash no such
  // check is possible: a log that lost its tail looks like a torn write.)
  static absl::StatusOr<std::unique_ptr<RecordStore>> Open(
      const std::string& path, const RecordStoreOptions& options = {});
  // A clean close: flushes every memtable to a table file, so the
  // write-ahead log holds nothing, and writes the close record
  // (HELIXMATCH-CLOSED: last sequence, table files and sizes, checksum)
  // that the next Open checks and removes.
  ~RecordStore();

  RecordStore(const RecordStore&) = delete;
  RecordStore& operator=(const RecordStore&) = delete;

  absl::Status Write(StoreBatch& batch);

  // NOT_FOUND names the kind and the id.
  absl::StatusOr<v1::Organization> GetOrganization(absl::string_view id) const;
  absl::StatusOr<storage::StoredCapability> GetCapability(
      absl::string_view id) const;
  absl::StatusOr<storage::StoredNeed> GetNeed(absl::string_view id) const;
  absl::StatusOr<v1::Tie> GetTie(absl::string_view id) const;
  absl::StatusOr<v1::Outcome> GetOutcome(absl::string_view id) const;
  // Whether a record exists, without parsing it.
  absl::StatusOr<bool> Exists(v1::RecordKind kind, absl::string_view id) const;

  // nullopt when no model was stored yet.
  absl::StatusOr<std::optional<storage::EmbeddingModel>> GetModel() const;

  // Calls fn with every stored record of one kind, parsed, in id order
  // (bytewise); `Stored` is one of the types kStoredKind names
  // (v1::Organization, storage::StoredCapability, storage::StoredNeed,
  // v1::Tie, v1::Outcome), e.g.
  //   store.ForEach<v1::Tie>([&](v1::Tie tie) { ...; return OkStatus(); });
  // fn may take the message by value (it is handed over) or by const
  // reference. Stops at and returns the first error fn returns; DATA_LOSS
  // naming the kind and id for a record that does not parse, or when a
  // damaged table fails the scan (every block read is checksummed).
  template <class Stored>
  absl::Status ForEach(absl::FunctionRef<absl::Status(Stored&&)> fn) const;

  // RocksDB's sequence number of the last write.
  uint64_t LatestSequence() const;

  // Ids of the records of `kind` put or deleted after `sequence`, read
  // from the write-ahead log. DATA_LOSS or NOT_FOUND when the log no
  // longer covers every change since then (the caller rebuilds instead).
  absl::StatusOr<std::set<std::string>> ChangedIdsSince(
      uint64_t sequence, v1::RecordKind kind) const;

  // A consistent copy of the store in `folder` (must not exist), made of
  // hard links where possible; the folder opens as a store on its own.
  absl::Status Checkpoint(const std::string& folder) const;

  // Writes memtables to disk (after unsynced bulk writes).
  absl::Status Flush();

  const std::string& path() const;

 private:
  struct Rep;  // the RocksDB handles (record_store.cc)
  explicit RecordStore(std::unique_ptr<Rep> rep);
  // Open's second half: the close-record check and RocksDB's open.
  static absl::StatusOr<std::unique_ptr<RecordStore>> OpenVerified(
      const std::string& path, const RecordStoreOptions& options,
      const std::string& context);
  // Calls fn(id, serialized value) for every record of `kind`, in id order.
  absl::Status ForEachValue(
      v1::RecordKind kind,
      absl::FunctionRef<absl::Status(absl::string_view, absl::string_view)> fn)
      const;
  absl::StatusOr<std::string> GetRaw(int family, absl::string_view key,
                                     absl::string_view what) const;

  std::unique_ptr<Rep> rep_;
};

// How capability and need vectors are stored: float32, little-endian (the
// byte order of the machines helixmatch runs on), no header.
std::string EncodeVector(std::span<const float> vector);
// DATA_LOSS when the byte count is not dimension * 4.
absl::StatusOr<std::vector<float>> DecodeVector(absl::string_view bytes,
                                                int dimension);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_RECORD_STORE_H_
