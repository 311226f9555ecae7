// Where Backup may write (services/server/backup_root): only under the
// folder of --backup-root, whatever the request's path says.
#include "services/server/backup_root.h"

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_corpus.h"

namespace helixmatch {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::TempDir;

class BackupRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::weakly_canonical(dir_.path() + "/backups").string();
    fs::create_directories(root_);
  }
  TempDir dir_;
  std::string root_;
};

TEST_F(BackupRootTest, RelativeFolderLiesUnderTheRoot) {
  auto folder = ResolveBackupFolder(root_, "nightly/2025-05-01");
  ASSERT_TRUE(folder.ok()) << folder.status();
  EXPECT_EQ(*folder, root_ + "/nightly/2025-05-01");
}

TEST_F(BackupRootTest, AbsoluteFolderInsideTheRootIsTaken) {
  auto folder = ResolveBackupFolder(root_ + "/", root_ + "/b1/");
  ASSERT_TRUE(folder.ok()) << folder.status();
  EXPECT_EQ(*folder, root_ + "/b1");
}

TEST_F(BackupRootTest, WithoutARootBackupIsOff) {
  const auto s = ResolveBackupFolder("", "/tmp/anywhere").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--backup-root"));
}

TEST_F(BackupRootTest, FoldersOutsideTheRootAreRefusedNamingIt) {
  for (const std::string& outside :
       {std::string("/etc/cron.d/x"), std::string("../escape"),
        std::string("a/../../escape"), dir_.path() + "/elsewhere",
        root_ + "-sibling/b", std::string("/"), std::string(".."),
        std::string("."), root_, root_ + "/"}) {
    const auto s = ResolveBackupFolder(root_, outside).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << outside;
    EXPECT_THAT(std::string(s.message()), HasSubstr("folder: '")) << outside;
    EXPECT_THAT(std::string(s.message()), HasSubstr(root_)) << outside;
  }
}

TEST_F(BackupRootTest, EmptyFolderIsRequired) {
  const auto s = ResolveBackupFolder(root_, "").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "folder: is required");
}

TEST_F(BackupRootTest, ASymbolicLinkCannotLeadOutOfTheRoot) {
  fs::create_directories(dir_.path() + "/outside");
  fs::create_directory_symlink(dir_.path() + "/outside", root_ + "/link");
  const auto s = ResolveBackupFolder(root_, "link/b1").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  // A link to a folder inside the root is fine.
  fs::create_directories(root_ + "/real");
  fs::create_directory_symlink(root_ + "/real", root_ + "/inner");
  auto inner = ResolveBackupFolder(root_, "inner/b1");
  ASSERT_TRUE(inner.ok()) << inner.status();
  EXPECT_EQ(*inner, root_ + "/real/b1");
}

TEST_F(BackupRootTest, RootGivenThroughALinkIsResolved) {
  fs::create_directory_symlink(root_, dir_.path() + "/root-link");
  auto folder = ResolveBackupFolder(dir_.path() + "/root-link", "b1");
  ASSERT_TRUE(folder.ok()) << folder.status();
  EXPECT_EQ(*folder, root_ + "/b1");
}

}  // namespace
}  // namespace helixmatch
