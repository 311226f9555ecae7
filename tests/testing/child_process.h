// Runs this test binary again as a child process in a named mode, for
// tests that must survive what they provoke: a crash or hang of code
// opening corrupted files, or a SIGKILL in the middle of writes.
//
// The child is a fresh exec (never a bare fork of a process that has run
// RocksDB, whose static thread pools a fork would leave half-copied). It
// learns its mode from HELIXMATCH_TEST_CHILD; RegisterChildMode makes the
// test binary run that mode from a gtest global environment, before any
// test, and exit with its return value. The child reports on file
// descriptor kChildReportFd (a pipe to the parent); its stdout and stderr
// go to a log file the parent can show.
//
// Header-only, so the tests using it need no build change.
#ifndef HELIXMATCH_TESTS_TESTING_CHILD_PROCESS_H_
#define HELIXMATCH_TESTS_TESTING_CHILD_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

extern char** environ;

namespace helixmatch::testing {

inline constexpr int kChildReportFd = 3;
inline constexpr char kChildModeVariable[] = "HELIXMATCH_TEST_CHILD";

using ChildMode = std::function<int()>;

class ChildModeEnvironment : public ::testing::Environment {
 public:
  static std::map<std::string, ChildMode>& Modes() {
    static auto* modes = new std::map<std::string, ChildMode>();
    return *modes;
  }
  void SetUp() override {
    const char* mode = std::getenv(kChildModeVariable);
    if (mode == nullptr) return;
    const auto it = Modes().find(mode);
    const int code = it == Modes().end() ? 99 : it->second();
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(code);
  }
};

// Call at namespace scope: `const bool kRegistered = RegisterChildMode(...)`.
inline bool RegisterChildMode(const std::string& name, ChildMode mode) {
  static const bool environment_added = [] {
    ::testing::AddGlobalTestEnvironment(new ChildModeEnvironment());
    return true;
  }();
  (void)environment_added;
  ChildModeEnvironment::Modes()[name] = std::move(mode);
  return true;
}

// Writes all of `text` to the parent (child side). A short write of up to
// PIPE_BUF bytes is atomic, so a line the parent reads is whole.
inline bool ReportToParent(const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(kChildReportFd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

struct ChildProcess {
  pid_t pid = -1;
  int report_fd = -1;  // read end of the child's kChildReportFd
};

// Starts this binary in `mode` with `env` ("NAME=value") added to ours;
// its stdout and stderr are appended to `log_path`.
inline absl::StatusOr<ChildProcess> SpawnChild(
    const std::string& mode, const std::vector<std::string>& env,
    const std::string& log_path) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  std::vector<std::string> strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, kChildModeVariable, std::strlen(kChildModeVariable)) !=
        0) {
      strings.emplace_back(*e);
    }
  }
  strings.push_back(absl::StrCat(kChildModeVariable, "=", mode));
  for (const auto& e : env) strings.push_back(e);
  std::vector<char*> envp;
  for (auto& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string self = "/proc/self/exe";
  std::string filter = "--gtest_filter=*";
  char* argv[] = {self.data(), filter.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], kChildReportFd);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int rc =
      ::posix_spawn(&pid, self.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return absl::InternalError(
        absl::StrCat("posix_spawn: ", std::strerror(rc)));
  }
  return ChildProcess{pid, fds[0]};
}

struct ChildExit {
  bool exited = false;  // normally, with `code`
  int code = -1;
  int signal = 0;  // killed by this signal
  bool timed_out = false;
  std::string Describe() const {
    if (timed_out) return "hung (killed at the deadline)";
    if (signal != 0) return absl::StrCat("killed by signal ", signal);
    return absl::StrCat("exit code ", code);
  }
};

// Waits for the child; past `timeout` it is killed and reported hung.
inline ChildExit WaitChild(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  ChildExit result;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return result;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.timed_out = true;
      return result;
    }
    // Polling a child with a deadline; nothing to synchronize with.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFEXITED(status)) {
    result.exited = true;
    result.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

// Everything the child reported until it closed its end.
inline std::string ReadAll(int fd) {
  std::string out;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

struct ChildRun {
  ChildExit exit;
  std::string report;  // what the child wrote to kChildReportFd
};

// Spawns the child, collects its report while it runs, waits for it.
inline absl::StatusOr<ChildRun> RunChild(const std::string& mode,
                                         const std::vector<std::string>& env,
                                         const std::string& log_path,
                                         std::chrono::milliseconds timeout) {
  auto child = SpawnChild(mode, env, log_path);
  if (!child.ok()) return child.status();
  ChildRun run;
  std::thread reader([&] { run.report = ReadAll(child->report_fd); });
  run.exit = WaitChild(child->pid, timeout);
  reader.join();
  ::close(child->report_fd);
  return run;
}

}  // namespace helixmatch::testing

#endif  // HELIXMATCH_TESTS_TESTING_CHILD_PROCESS_H_
