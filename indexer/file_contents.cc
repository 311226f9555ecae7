#include "indexer/file_contents.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace helixmatch {
namespace {

// An open file, closed when it goes out of scope.
class ReadableFile {
 public:
  // NOT_FOUND naming the path and strerror when it cannot be opened.
  static absl::StatusOr<ReadableFile> Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return absl::NotFoundError(
          absl::StrCat("cannot open '", path, "': ", std::strerror(errno)));
    }
    return ReadableFile(fd, path);
  }
  ReadableFile(ReadableFile&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}
  ReadableFile& operator=(ReadableFile&&) = delete;
  ~ReadableFile() {
    if (fd_ >= 0) ::close(fd_);
  }

  int fd() const { return fd_; }

  // Up to `size` bytes into `dest`, at `offset` (or at the file position
  // when it is negative); 0 at the end of the file. Retries interrupted
  // reads; UNAVAILABLE naming the path and strerror when a read fails.
  absl::StatusOr<size_t> Read(char* dest, size_t size, off_t offset) const {
    for (;;) {
      const ssize_t n = offset < 0 ? ::read(fd_, dest, size)
                                   : ::pread(fd_, dest, size, offset);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) {
        return absl::UnavailableError(
            absl::StrCat("reading '", path_, "': ", std::strerror(errno)));
      }
    }
  }

 private:
  ReadableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace

absl::StatusOr<std::string> ReadFileContents(const std::string& path) {
  auto file = ReadableFile::Open(path);
  if (!file.ok()) return file.status();
  std::string bytes;
  struct stat info;
  if (::fstat(file->fd(), &info) == 0 && S_ISREG(info.st_mode)) {
    bytes.resize(static_cast<size_t>(info.st_size));
  }
  size_t used = 0;
  char more[4096];  // past the expected end: a grown file, or no size known
  for (;;) {
    const bool in_place = used < bytes.size();
    auto n = in_place ? file->Read(bytes.data() + used, bytes.size() - used, -1)
                      : file->Read(more, sizeof(more), -1);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    if (!in_place) bytes.append(more, *n);
    used += *n;
  }
  bytes.resize(used);
  return bytes;
}

absl::StatusOr<size_t> FileLength(const std::string& path) {
  auto file = ReadableFile::Open(path);
  if (!file.ok()) return file.status();
  struct stat info;
  if (::fstat(file->fd(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return absl::UnavailableError(
        absl::StrCat("'", path, "' is not a regular file"));
  }
  return static_cast<size_t>(info.st_size);
}

absl::Status ReadFileRange(const std::string& path, size_t offset,
                           std::span<char> out) {
  auto file = ReadableFile::Open(path);
  if (!file.ok()) return file.status();
  size_t used = 0;
  while (used < out.size()) {
    auto n = file->Read(out.data() + used, out.size() - used,
                        static_cast<off_t>(offset + used));
    if (!n.ok()) return n.status();
    if (*n == 0) {
      return absl::DataLossError(absl::StrCat("'", path, "' ends at byte ",
                                              offset + used, ", expected ",
                                              offset + out.size()));
    }
    used += *n;
  }
  return absl::OkStatus();
}

}  // namespace helixmatch
