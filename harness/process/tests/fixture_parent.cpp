// Starts the fixture server through ServerProcess, prints the server's pid and dies at once
// without running destructors, as a crashed test would. The test checks the server died with it.
//   process_fixture_parent FIXTURE_SERVER STDERR_FILE
#include <unistd.h>

#include <cstdio>

#include "rsolv/process/server.hpp"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  rsolv::process::ServerOptions options;
  options.executable = argv[1];
  options.stderr_file = argv[2];  // the caller's file: this process will not live to remove a temp one
  auto server = rsolv::process::ServerProcess::start(options);
  std::printf("%d\n", server.pid());
  std::fflush(stdout);
  ::_exit(0);
}
