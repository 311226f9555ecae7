#include "tests/crash/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/cli/health_probe.h"

namespace helixmatch::crash {
namespace {

// How often the port file and the child are looked at while starting.
constexpr auto kPollInterval = std::chrono::milliseconds(2);

// The port once the server has written it whole ("<port>\n"), else 0.
int ReadPortFile(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (text.empty() || text.back() != '\n') return 0;
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::string TailOfFile(const std::string& path, int lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(std::move(line));
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& line : tail) absl::StrAppend(&out, line, "\n");
  return out;
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Spawn(
    const ServerCommand& command) {
  if (::unlink(command.port_file.c_str()) != 0 && errno != ENOENT) {
    return absl::InternalError(absl::StrCat("removing '", command.port_file,
                                            "': ", std::strerror(errno)));
  }
  // Everything the child needs is prepared here: between fork and exec it
  // may only make async-signal-safe calls (the harness has other threads).
  std::vector<std::string> args = {
      command.binary,    "--db",           command.data_dir,
      "--listen",        "127.0.0.1:0",    "--port-file",
      command.port_file, "--word-vectors", command.word_vectors};
  args.insert(args.end(), command.extra_args.begin(), command.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();

  auto process = std::unique_ptr<ServerProcess>(new ServerProcess());
  process->command_ = command;
  process->spawned_ = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent already died
    const int log = ::open(command.log_file.c_str(),
                           O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log < 0 || null < 0) ::_exit(126);
    ::dup2(null, STDIN_FILENO);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  process->pid_ = pid;
  return process;
}

ServerProcess::~ServerProcess() { (void)Kill(); }

bool ServerProcess::Reaped(int* wait_status) {
  if (pid_ < 0) return true;
  const pid_t done = ::waitpid(pid_, wait_status, WNOHANG);
  if (done == pid_) {
    pid_ = -1;
    return true;
  }
  return false;
}

std::string ServerProcess::DescribeExit(int wait_status) const {
  // 126 and 127 are the child's own codes for "could not start the binary".
  std::string how =
      WIFEXITED(wait_status) && WEXITSTATUS(wait_status) >= 126
          ? absl::StrCat("could not be started (status ",
                         WEXITSTATUS(wait_status), ": cannot open the log or ",
                         "execute '", command_.binary, "')")
      : WIFEXITED(wait_status)
          ? absl::StrCat("exited with status ", WEXITSTATUS(wait_status))
      : WIFSIGNALED(wait_status)
          ? absl::StrCat("was killed by signal ", WTERMSIG(wait_status))
          : std::string("stopped");
  return absl::StrCat("helixmatch-server ", how, "; end of ", command_.log_file,
                      ":\n", TailOfFile(command_.log_file, 15));
}

absl::StatusOr<std::chrono::steady_clock::duration> ServerProcess::AwaitServing(
    std::chrono::milliseconds timeout) {
  const auto deadline = spawned_ + timeout;
  int wait_status = 0;
  while (port_ == 0) {
    if (Reaped(&wait_status)) {
      return absl::UnavailableError(DescribeExit(wait_status));
    }
    port_ = ReadPortFile(command_.port_file);
    if (port_ != 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return absl::UnavailableError(
          absl::StrCat("helixmatch-server wrote no port file within ",
                       timeout.count(), " ms; end of ", command_.log_file,
                       ":\n", TailOfFile(command_.log_file, 15)));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                                 grpc::InsecureChannelCredentials());
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto state = CheckHealth(channel_, std::max(left, kPollInterval));
    if (state.ok() && *state == "SERVING") {
      return std::chrono::steady_clock::now() - spawned_;
    }
    if (Reaped(&wait_status)) {
      return absl::UnavailableError(DescribeExit(wait_status));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return absl::UnavailableError(absl::StrCat(
          "helixmatch-server on port ", port_, " not SERVING within ",
          timeout.count(), " ms (",
          state.ok() ? *state : std::string(state.status().message()), ")"));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

absl::Status ServerProcess::Kill() {
  if (pid_ < 0) return absl::OkStatus();
  if (::kill(pid_, SIGKILL) != 0 && errno != ESRCH) {
    return absl::InternalError(
        absl::StrCat("kill(", pid_, ", SIGKILL): ", std::strerror(errno)));
  }
  int wait_status = 0;
  while (::waitpid(pid_, &wait_status, 0) < 0) {
    if (errno != EINTR) {
      return absl::InternalError(
          absl::StrCat("waitpid(", pid_, "): ", std::strerror(errno)));
    }
  }
  pid_ = -1;
  return absl::OkStatus();
}

void ServerProcess::RequestStop() {
  if (pid_ >= 0) ::kill(pid_, SIGTERM);
}

absl::Status ServerProcess::Stop(std::chrono::milliseconds timeout) {
  if (pid_ < 0) return absl::OkStatus();
  RequestStop();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int wait_status = 0;
  while (!Reaped(&wait_status)) {
    if (std::chrono::steady_clock::now() > deadline) {
      (void)Kill();
      return absl::DeadlineExceededError(
          absl::StrCat("helixmatch-server did not stop within ",
                       timeout.count(), " ms of SIGTERM"));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return absl::InternalError(DescribeExit(wait_status));
  }
  return absl::OkStatus();
}

}  // namespace helixmatch::crash
