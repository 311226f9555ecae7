#include "indexer/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace helixmatch {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat(what, " '", path, "': ", std::strerror(errno)));
}

absl::Status WriteAll(int fd, const void* data, size_t size,
                      const std::string& path) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("writing", path);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status FsyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return ErrnoError("opening folder", dir.string());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoError("syncing folder", dir.string());
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path,
                                 std::span<const absl::string_view> parts) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return ErrnoError("creating", temp);
  absl::Status status;
  for (absl::string_view part : parts) {
    status = WriteAll(fd, part.data(), part.size(), temp);
    if (!status.ok()) break;
  }
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoError("syncing", temp);
  ::close(fd);
  if (status.ok() && std::rename(temp.c_str(), path.c_str()) != 0) {
    status = ErrnoError("renaming to", path);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  auto dir = std::filesystem::path(path).parent_path();
  return FsyncDirectory(dir.empty() ? "." : dir);
}

absl::Status RemoveFileDurably(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return ErrnoError("removing", path);
  }
  auto dir = std::filesystem::path(path).parent_path();
  return FsyncDirectory(dir.empty() ? "." : dir);
}

}  // namespace helixmatch
