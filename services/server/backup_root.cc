#include "services/server/backup_root.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace helixmatch {
namespace {

// Without a trailing separator, which would add an empty last element.
std::filesystem::path Trimmed(std::filesystem::path p) {
  p = p.lexically_normal();
  if (p.has_relative_path() && !p.has_filename()) p = p.parent_path();
  return p;
}

}  // namespace

absl::StatusOr<std::string> ResolveBackupFolder(const std::string& root,
                                                const std::string& folder) {
  namespace fs = std::filesystem;
  if (root.empty()) {
    return absl::FailedPreconditionError(
        "Backup is off: start the server with --backup-root FOLDER; backups "
        "are written only under it");
  }
  if (folder.empty()) return absl::InvalidArgumentError("folder: is required");
  std::error_code error;
  const fs::path base =
      Trimmed(fs::weakly_canonical(fs::absolute(root), error));
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "backup root '", root, "' cannot be resolved: ", error.message()));
  }
  const fs::path requested = fs::path(folder).is_absolute()
                                 ? fs::path(folder)
                                 : base / fs::path(folder);
  const fs::path target = Trimmed(fs::weakly_canonical(requested, error));
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(
        "folder: '", folder, "' cannot be resolved: ", error.message()));
  }
  const auto [root_end, target_at] =
      std::mismatch(base.begin(), base.end(), target.begin(), target.end());
  if (root_end != base.end() || target_at == target.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("folder: '", folder, "' is not inside the backup root '",
                     base.string(), "'"));
  }
  return target.string();
}

}  // namespace helixmatch
