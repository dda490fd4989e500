#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <csignal>
#include <ctime>

#include "child_setup.hpp"
#include "child_status.hpp"
#include "rsolv/process/server.hpp"

namespace bp = boost::process;

namespace rsolv::process {

namespace {

// Writing stdin to a child that exited without reading it raises SIGPIPE, whose default action
// would kill this whole process. Block it on this thread for the call and swallow what was raised:
// the write then just fails with EPIPE. (A process-wide SIG_IGN would be global state.)
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    if (sigismember(&old_, SIGPIPE)) return;
    const timespec zero{0, 0};
    while (::sigtimedwait(&pipe_, nullptr, &zero) > 0) {
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_{}, old_{};
};

int dup_cloexec(int fd) { return ::fcntl(fd, F_DUPFD_CLOEXEC, 0); }

}  // namespace

CommandResult run(const std::string& executable, const std::vector<std::string>& args,
                  const std::vector<std::pair<std::string, std::string>>& env, std::chrono::milliseconds timeout,
                  const std::string& stdin_data, bool clear_env) {
  std::string path = executable;
  if (path.find('/') == std::string::npos) {
    const auto found = bp::search_path(executable);
    if (found.empty()) throw Error("cannot run '" + executable + "': not found on PATH");
    path = found.string();
  }
  bp::environment environment;
  if (!clear_env) environment = bp::environment(boost::this_process::environment());
  // set(), not operator[]: Boost 1.74's environment::find reads past shorter entries (ASan).
  for (const auto& [name, value] : env) environment.set(name, value);
  bp::pipe out, err, in;
  std::error_code spawn_error;
  bp::child child(path, bp::args(args), bp::std_out > out, bp::std_err > err, bp::std_in < in, environment,
                  detail::child_setup(), spawn_error);
  if (spawn_error) throw Error("cannot run " + path + ": " + spawn_error.message());
  const pid_t pid = child.id();
  child.detach();

  CommandResult result;
  int out_fd = dup_cloexec(out.native_source()), err_fd = dup_cloexec(err.native_source()),
      in_fd = dup_cloexec(in.native_sink());
  out.close();
  err.close();
  in.close();
  ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
  std::size_t stdin_written = 0;
  if (stdin_data.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  const SigpipeBlock no_sigpipe;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[8192];
  while (out_fd >= 0 || err_fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    if (::poll(fds, 3, static_cast<int>(std::min<std::int64_t>(left.count(), 100))) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? out_fd : err_fd;
      if (fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const auto n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else {
        ::close(fd);
        fd = -1;
      }
    }
    if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const auto n = ::write(in_fd, stdin_data.data() + stdin_written, stdin_data.size() - stdin_written);
      if (n > 0) stdin_written += static_cast<std::size_t>(n);
      if (n < 0 || stdin_written == stdin_data.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  for (int fd : {out_fd, err_fd, in_fd}) {
    if (fd >= 0) ::close(fd);
  }
  if (result.timed_out) {
    detail::signal_group(pid, SIGKILL);
    detail::reap_within(pid, std::chrono::milliseconds(5000));
    result.exit_code = -1;
    return result;
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  auto code = detail::reap_within(pid, std::max(left, std::chrono::milliseconds(100)));
  if (!code) {
    detail::signal_group(pid, SIGKILL);
    detail::reap_within(pid, std::chrono::milliseconds(5000));
    result.timed_out = true;
    result.exit_code = -1;
    return result;
  }
  result.exit_code = *code;
  return result;
}

}  // namespace rsolv::process
