#pragma once
// waitpid helpers shared by ServerProcess and run().
#include <sys/types.h>

#include <chrono>
#include <optional>

namespace rsolv::process::detail {

// Exit code of a reaped status: the code itself, or 128 + signal when killed.
int exit_code_of(int status);
// Reaps the child if it has exited and returns its exit code. Before reaping, SIGKILLs whatever
// the child left running in its process group (a backgrounded helper holding our pipes open).
std::optional<int> try_reap(pid_t pid);
// Polls until the child exits or the timeout passes.
std::optional<int> reap_within(pid_t pid, std::chrono::milliseconds timeout);
// Signals the child's whole process group (every child is a group leader, see child_setup.hpp).
void signal_group(pid_t pid, int signo);

}  // namespace rsolv::process::detail
