#pragma once
// Start a server process on a free loopback port, wait until it answers, stop it. Used by the
// integration tests, the demo and the benchmarks. Children die with their parent (PR_SET_PDEATHSIG)
// and the destructor stops them, so a failing test leaves no orphans.
//
// Every child (of ServerProcess and of run()) starts in its own process group: stop() and kill()
// signal the whole group, and once the child has exited whatever it left in its group is SIGKILLed.
// Descriptors of this process never leak into children (all >= 3 are close-on-exec in the child).
// Caveat: Linux sends the parent-death signal when the THREAD that started the child exits, so
// start servers from a thread that outlives them (the test's main thread, not a short-lived worker).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rsolv/common/error.hpp"

namespace rsolv::process {

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
// For servers that cannot report their own port; prefer ReadyBy::first_stdout_line.
int find_free_port();

enum class ReadyBy {
  // The server prints its bound address ("127.0.0.1:PORT" or "http://127.0.0.1:PORT", possibly
  // inside a longer line) as its first stdout line, as every rsolv tool does with --listen ...:0.
  first_stdout_line,
  // The caller passed the port; readiness is a TCP connect that succeeds.
  tcp_connect,
};

struct ServerOptions {
  std::string executable;             // absolute path or a name found on PATH
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited environment
  ReadyBy ready_by = ReadyBy::first_stdout_line;
  int port = 0;                        // for tcp_connect
  std::optional<std::string> health_path;  // when set, also wait for HTTP 200 on this GET path
  std::chrono::milliseconds start_timeout{15000};
  // When set, the child's stdout (after the first line) is appended to stdout_file and its stderr
  // written to stderr_file. Unset, stdout after the first line is read and discarded (so the child
  // never blocks on a full pipe) and stderr goes to a temporary file, removed with the process,
  // whose tail appears in the start errors.
  std::string stdout_file;
  std::string stderr_file;
};

class ServerProcess {
 public:
  // Starts the process and blocks until it is ready; throws rsolv::Error with the child's exit
  // status and the tail of its stderr when it dies or does not become ready in time.
  static ServerProcess start(const ServerOptions& options);

  ServerProcess(ServerProcess&&) noexcept;
  ServerProcess& operator=(ServerProcess&&) noexcept;
  ~ServerProcess();  // stop()

  const std::string& host() const;
  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  int pid() const;
  bool running();

  // SIGTERM to the group, wait up to `grace`, then SIGKILL. Returns the exit code (128+signal when
  // killed); later calls return the same code.
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  // SIGKILL at once (crash tests).
  void kill();
  // Sends an arbitrary signal to the server process only (not its group).
  void signal(int signo);

 private:
  struct Impl;
  explicit ServerProcess(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Runs a command to completion (bounded by timeout), capturing stdout and stderr and feeding
// stdin_data on its stdin (then EOF; a child that never reads it is fine). clear_env starts from an
// empty environment plus `env`; otherwise `env` is added to this process's. On timeout the command
// and its process group are SIGKILLed. Throws rsolv::Error when the executable cannot be started.
struct CommandResult {
  int exit_code = -1;  // 128+signal when killed, -1 when it timed out
  std::string out;
  std::string err;
  bool timed_out = false;
};
CommandResult run(const std::string& executable, const std::vector<std::string>& args,
                  const std::vector<std::pair<std::string, std::string>>& env = {},
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(60000),
                  const std::string& stdin_data = {}, bool clear_env = false);

}  // namespace rsolv::process
