#include "indexer/file_contents.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace helixmatch {

absl::StatusOr<std::string> ReadFileContents(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot open '", path, "': ", std::strerror(errno)));
  }
  std::string bytes;
  struct stat info;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    bytes.resize(static_cast<size_t>(info.st_size));
  }
  size_t used = 0;
  char more[4096];  // past the expected end: a grown file, or no size known
  for (;;) {
    const bool in_place = used < bytes.size();
    const ssize_t n = in_place
                          ? ::read(fd, bytes.data() + used, bytes.size() - used)
                          : ::read(fd, more, sizeof(more));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return absl::UnavailableError(
          absl::StrCat("reading '", path, "': ", std::strerror(error)));
    }
    if (n == 0) break;
    if (!in_place) bytes.append(more, static_cast<size_t>(n));
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  bytes.resize(used);
  return bytes;
}

absl::StatusOr<size_t> FileLength(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot open '", path, "': ", std::strerror(errno)));
  }
  struct stat info;
  const bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  ::close(fd);
  if (!regular) {
    return absl::UnavailableError(
        absl::StrCat("'", path, "' is not a regular file"));
  }
  return static_cast<size_t>(info.st_size);
}

absl::Status ReadFileRange(const std::string& path, size_t offset,
                           std::span<char> out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot open '", path, "': ", std::strerror(errno)));
  }
  size_t used = 0;
  while (used < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + used, out.size() - used,
                              static_cast<off_t>(offset + used));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return absl::UnavailableError(
          absl::StrCat("reading '", path, "': ", std::strerror(error)));
    }
    if (n == 0) {
      ::close(fd);
      return absl::DataLossError(absl::StrCat("'", path, "' ends at byte ",
                                              offset + used, ", expected ",
                                              offset + out.size()));
    }
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  return absl::OkStatus();
}

}  // namespace helixmatch
