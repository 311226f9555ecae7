// Where Backup may write: only inside the folder of --backup-root, so a
// caller with the operator role cannot make the server write wherever its
// user can.
//
// Thread-safe: pure (reads the file system to resolve symbolic links).
#ifndef HELIXMATCH_SERVICES_SERVER_BACKUP_ROOT_H_
#define HELIXMATCH_SERVICES_SERVER_BACKUP_ROOT_H_

#include <string>

#include "absl/status/statusor.h"

namespace helixmatch {

// The folder a Backup request names, resolved against `root`: a relative
// `folder` lies under the root, an absolute one must. Symbolic links are
// resolved, so a link inside the root cannot lead out of it.
// FAILED_PRECONDITION when `root` is empty (Backup is off: start the
// server with --backup-root); INVALID_ARGUMENT "folder: ..." for an empty
// folder, the root itself, or one outside the root (naming the root).
absl::StatusOr<std::string> ResolveBackupFolder(const std::string& root,
                                                const std::string& folder);

}  // namespace helixmatch

#endif  // HELIXMATCH_SERVICES_SERVER_BACKUP_ROOT_H_
