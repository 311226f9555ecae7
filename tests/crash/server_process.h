// A helixmatch-server child process for crash tests: started with fork and
// exec on a data folder, crashed with SIGKILL or stopped with SIGTERM.
//
// Not thread-safe: one thread starts, waits for and stops a process. The
// child is killed if that thread exits first (PR_SET_PDEATHSIG), so a
// harness that dies or is timed out leaves no server behind.
#ifndef HELIXMATCH_TESTS_CRASH_SERVER_PROCESS_H_
#define HELIXMATCH_TESTS_CRASH_SERVER_PROCESS_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace helixmatch::crash {

struct ServerCommand {
  std::string binary;        // path of helixmatch-server
  std::string data_dir;      // --db
  std::string word_vectors;  // --word-vectors
  std::string port_file;     // --port-file; removed before each start
  std::string log_file;      // the child's stdout and stderr are appended
  std::vector<std::string> extra_args;  // appended to the command line
};

class ServerProcess {
 public:
  // Starts the server listening on 127.0.0.1:0 and returns at once.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Spawn(
      const ServerCommand& command);
  // Kills the child with SIGKILL if it still runs.
  ~ServerProcess();

  // Waits until the port file names the bound port and the gRPC health
  // check answers SERVING. Returns the time since Spawn. UNAVAILABLE when
  // the child exits or `timeout` passes first; the message quotes the end
  // of the log.
  absl::StatusOr<std::chrono::steady_clock::duration> AwaitServing(
      std::chrono::milliseconds timeout);

  // The crash: SIGKILL, then reaps the child. OK if it already exited.
  absl::Status Kill();
  // A clean stop: SIGTERM, then waits up to `timeout` for exit status 0
  // (SIGKILL after the timeout, and an error).
  absl::Status Stop(std::chrono::milliseconds timeout);
  // Sends SIGTERM and returns at once (Stop or Kill reaps the child).
  void RequestStop();

  pid_t pid() const { return pid_; }
  // Valid after AwaitServing returned OK.
  int port() const { return port_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  ServerProcess() = default;
  // Reaps the child if it exited; true when it is gone.
  bool Reaped(int* wait_status);
  std::string DescribeExit(int wait_status) const;

  ServerCommand command_;
  pid_t pid_ = -1;  // -1 once reaped
  std::chrono::steady_clock::time_point spawned_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

// The last `lines` lines of a text file (empty if it cannot be read).
std::string TailOfFile(const std::string& path, int lines);

}  // namespace helixmatch::crash

#endif  // HELIXMATCH_TESTS_CRASH_SERVER_PROCESS_H_
