#include "services/replication/snapshot_manifest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace helixmatch {
namespace fs = std::filesystem;
namespace {

constexpr char kHeader[] = "helixmatch-snapshot 1";

std::string Hex(const unsigned char* bytes, unsigned int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kDigits[bytes[i] >> 4]);
    hex.push_back(kDigits[bytes[i] & 15]);
  }
  return hex;
}

bool IsSha256Hex(absl::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A relative path that stays inside the folder.
bool IsSafeRelativePath(const std::string& path) {
  const fs::path p(path);
  if (path.empty() || p.is_absolute()) return false;
  for (const auto& part : p) {
    if (part == "..") return false;
  }
  return true;
}

}  // namespace

std::string SnapshotFolder(const std::string& publish_dir, int64_t sequence) {
  return absl::StrCat(publish_dir, "/", sequence);
}

absl::StatusOr<StreamDigest> HashStream(std::istream& in, std::ostream* copy,
                                        const std::string& name) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  // EVP fails only on allocation failure or a broken OpenSSL build.
  if (ctx == nullptr ||
      EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("SHA-256 is not available");
  }
  StreamDigest result;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buffer.data(), n);
    if (copy != nullptr) {
      copy->write(buffer.data(), static_cast<std::streamsize>(n));
    }
    result.bytes += n;
  }
  if (in.bad())
    return absl::UnavailableError(absl::StrCat("error reading '", name, "'"));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &size);
  result.sha256 = Hex(digest, size);
  return result;
}

absl::StatusOr<std::string> Sha256OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return absl::UnavailableError(absl::StrCat("cannot read '", path, "'"));
  auto digest = HashStream(in, nullptr, path);
  if (!digest.ok()) return digest.status();
  return std::move(digest->sha256);
}

absl::StatusOr<SnapshotManifest> DescribeFolder(const std::string& folder,
                                                const SnapshotInfo& info) {
  SnapshotManifest manifest;
  manifest.info = info;
  std::error_code error;
  for (fs::recursive_directory_iterator it(folder, error), end;
       !error && it != end; it.increment(error)) {
    if (!it->is_regular_file()) continue;
    const std::string relative = fs::relative(it->path(), folder).string();
    if (relative == kManifestName) continue;
    auto sha = Sha256OfFile(it->path().string());
    if (!sha.ok()) return sha.status();
    manifest.files.push_back(
        {relative, static_cast<uint64_t>(it->file_size()), *std::move(sha)});
  }
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("listing '", folder, "': ", error.message()));
  }
  std::sort(manifest.files.begin(), manifest.files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return manifest;
}

std::string SerializeManifest(const SnapshotManifest& manifest) {
  std::string text =
      absl::StrCat(kHeader, "\nsequence ", manifest.info.sequence,
                   "\ncreated_unix_ms ", manifest.info.created_unix_ms,
                   "\nstore_sequence ", manifest.info.store_sequence, "\n");
  for (const auto& f : manifest.files) {
    absl::StrAppend(&text, "file ", f.sha256, " ", f.bytes, " ", f.path, "\n");
  }
  return text;
}

absl::StatusOr<SnapshotManifest> ParseManifest(const std::string& text) {
  SnapshotManifest manifest;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (lines.empty() || lines[0] != kHeader) {
    return absl::DataLossError(
        absl::StrCat("manifest: line 1 is not '", kHeader, "'"));
  }
  if (lines.back().empty()) lines.pop_back();
  bool has_sequence = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string where = absl::StrCat("manifest: line ", i + 1, ": ");
    std::vector<std::string> parts =
        absl::StrSplit(lines[i], absl::MaxSplits(' ', 3));
    bool ok = parts.size() >= 2;
    if (ok && parts[0] == "sequence" && parts.size() == 2) {
      ok = absl::SimpleAtoi(parts[1], &manifest.info.sequence) &&
           manifest.info.sequence > 0;
      has_sequence = ok;
    } else if (ok && parts[0] == "created_unix_ms" && parts.size() == 2) {
      ok = absl::SimpleAtoi(parts[1], &manifest.info.created_unix_ms);
    } else if (ok && parts[0] == "store_sequence" && parts.size() == 2) {
      ok = absl::SimpleAtoi(parts[1], &manifest.info.store_sequence);
    } else if (ok && parts[0] == "file" && parts.size() == 4) {
      SnapshotManifest::File f{parts[3], 0, parts[1]};
      ok = IsSha256Hex(f.sha256) && absl::SimpleAtoi(parts[2], &f.bytes) &&
           IsSafeRelativePath(f.path);
      if (ok) manifest.files.push_back(std::move(f));
    } else {
      ok = false;
    }
    if (!ok)
      return absl::DataLossError(
          absl::StrCat(where, "malformed: '", lines[i], "'"));
  }
  if (!has_sequence) return absl::DataLossError("manifest: no sequence line");
  if (manifest.files.empty())
    return absl::DataLossError("manifest: lists no file");
  return manifest;
}

absl::StatusOr<SnapshotManifest> ReadManifest(const std::string& folder) {
  const std::string path = absl::StrCat(folder, "/", kManifestName);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::DataLossError(
        absl::StrCat("snapshot '", folder, "' has no ", kManifestName,
                     " (partial or still being written)"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto manifest = ParseManifest(text.str());
  if (!manifest.ok()) {
    return absl::DataLossError(
        absl::StrCat("'", path, "': ", manifest.status().message()));
  }
  return manifest;
}

absl::StatusOr<int64_t> ReadLatest(const std::string& publish_dir) {
  const std::string path = absl::StrCat(publish_dir, "/", kLatestName);
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("no '", path, "' yet"));
  std::string line;
  std::getline(in, line);
  int64_t sequence = 0;
  if (!absl::SimpleAtoi(line, &sequence) || sequence <= 0) {
    return absl::DataLossError(absl::StrCat(
        "'", path, "' does not hold a snapshot sequence: '", line, "'"));
  }
  return sequence;
}

std::vector<int64_t> ListSnapshots(const std::string& publish_dir) {
  std::vector<int64_t> sequences;
  std::error_code error;
  for (fs::directory_iterator it(publish_dir, error), end; !error && it != end;
       it.increment(error)) {
    int64_t sequence = 0;
    if (it->is_directory() &&
        absl::SimpleAtoi(it->path().filename().string(), &sequence) &&
        sequence > 0 &&
        it->path().filename().string() == absl::StrCat(sequence)) {
      sequences.push_back(sequence);
    }
  }
  std::sort(sequences.begin(), sequences.end());
  return sequences;
}

}  // namespace helixmatch
