#pragma once
// What every child does between fork and exec. Only async-signal-safe calls: the parent may have
// other threads (test servers, drain threads) whose locks the forked child inherits.
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <boost/process/extend.hpp>
#include <csignal>

namespace rsolv::process::detail {

inline auto child_setup() {
  const pid_t parent = ::getpid();
  return boost::process::extend::on_exec_setup([parent](auto&) {
    // Its own process group, so stop()/kill() also reach the helpers it starts.
    ::setpgid(0, 0);
    // Dies with the parent; if the parent died before this line, the signal would never come.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    // Descriptors the parent opened without O_CLOEXEC (other children's pipes, sockets) must not
    // leak: a leaked pipe end keeps another child's EOF from ever arriving. Boost's own
    // exec-error pipe is already close-on-exec, so marking everything keeps error reporting.
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      for (int fd = 3; fd < 4096; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
  });
}

}  // namespace rsolv::process::detail
