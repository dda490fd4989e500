#include "child_status.hpp"

#include <sys/wait.h>

#include <csignal>
#include <thread>

namespace rsolv::process::detail {

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::optional<int> try_reap(pid_t pid) {
  siginfo_t info{};
  // WNOWAIT leaves the child a zombie, so its pid (= its group id) cannot be reused while the
  // group is swept below.
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != pid) {
    return std::nullopt;
  }
  signal_group(pid, SIGKILL);
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return std::nullopt;
  return exit_code_of(status);
}

std::optional<int> reap_within(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto code = try_reap(pid)) return code;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void signal_group(pid_t pid, int signo) {
  if (pid > 0) ::kill(-pid, signo);
}

}  // namespace rsolv::process::detail
