// Internals of RecordStore shared by its source files (record_store.cc,
// record_store_checks.cc) and their tests. Not part of the store's API:
// nothing outside indexer/record_store* and tests/indexer includes it.
#ifndef HELIXMATCH_INDEXER_RECORD_STORE_INTERNAL_H_
#define HELIXMATCH_INDEXER_RECORD_STORE_INTERNAL_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "helixmatch/v1/records.pb.h"
#include "rocksdb/db.h"

namespace helixmatch {

// Index of the column family of a record kind in the store's family list
// (the model family sits between ties and outcomes, for compatibility); 0,
// RocksDB's "default" family that holds nothing, for RECORD_KIND_UNSPECIFIED
// or a value outside the enum.
int FamilyOf(v1::RecordKind kind);

// RocksDB status -> absl status, prefixed with `context`.
absl::Status FromRocksDb(const rocksdb::Status& status,
                         absl::string_view context);

// ---------------------------------------------------------- close record
//
// Written by a clean close, beside RocksDB's files (which RocksDB leaves
// alone): the last sequence and every live table file with its size.
// RocksDB reads its MANIFEST and write-ahead log as logs whose torn tail
// may be dropped after a crash, so a log that lost its tail to damage
// opens without complaint, minus acknowledged writes. After a clean close
// nothing may be missing: the close flushes every memtable (the log then
// holds nothing) and records this, and the next open checks it.
inline constexpr char kCloseRecordName[] = "HELIXMATCH-CLOSED";

struct CloseRecord {
  uint64_t sequence = 0;
  std::map<std::string, uint64_t> tables;  // file name -> bytes
};

// Text with a CRC-32C over the rest; DecodeCloseRecord checks it
// (DATA_LOSS naming `path` when damaged).
std::string EncodeCloseRecord(const CloseRecord& record);
absl::StatusOr<CloseRecord> DecodeCloseRecord(absl::string_view text,
                                              const std::string& path);
// What `db` holds now.
CloseRecord CurrentCloseRecord(rocksdb::DB& db);
// What a store closed as `expected` lost, or "" when nothing.
std::string Lost(const CloseRecord& expected, const CloseRecord& found);

// ------------------------------------------------------ table pre-check

// Why the table file at `path` must not be opened by RocksDB, or "" when
// this check finds nothing wrong (see record_store_checks.cc).
std::string DamagedPropertiesBlock(const std::string& path);

}  // namespace helixmatch

#endif  // HELIXMATCH_INDEXER_RECORD_STORE_INTERNAL_H_
