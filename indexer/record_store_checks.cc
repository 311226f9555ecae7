// The checks RecordStore::Open makes before RocksDB reads a store: the
// close record and the table pre-check (record_store_internal.h).
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "indexer/checksum.h"
#include "indexer/record_store_internal.h"
#include "rocksdb/metadata.h"

namespace helixmatch {

namespace {
constexpr absl::string_view kCloseRecordMagic = "helixmatch-store-closed 1";
}  // namespace

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

namespace {

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

}  // namespace

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

}  // namespace helixmatch
