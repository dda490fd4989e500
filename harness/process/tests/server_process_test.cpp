#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "rsolv/process/server.hpp"

namespace rsolv::process {
namespace {

using namespace std::chrono_literals;

bool process_exists(int pid) { return std::filesystem::exists("/proc/" + std::to_string(pid)); }

ServerOptions fixture(std::vector<std::string> args = {}) {
  ServerOptions options;
  options.executable = RSOLV_FIXTURE_SERVER;
  options.args = std::move(args);
  options.start_timeout = 5000ms;
  return options;
}

TEST(ServerProcess, ReadyWhenTheFirstStdoutLineNamesTheAddress) {
  auto server = ServerProcess::start(fixture());
  EXPECT_GT(server.port(), 0);
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_TRUE(server.running());
}

TEST(ServerProcess, ReadyByTcpConnectOnAFreePort) {
  const int port = find_free_port();
  auto options = fixture({"--port", std::to_string(port)});
  options.ready_by = ReadyBy::tcp_connect;
  options.port = port;
  auto server = ServerProcess::start(options);
  EXPECT_EQ(server.port(), port);
}

TEST(ServerProcess, WaitsForTheHealthPathToAnswer200) {
  auto options = fixture({"--health-after-ms", "300"});
  options.health_path = "/health";
  const auto started = std::chrono::steady_clock::now();
  auto server = ServerProcess::start(options);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);
}

TEST(ServerProcess, EarlyDeathReportsStatusAndStderr) {
  try {
    ServerProcess::start(fixture({"--crash-before-ready"}));
    FAIL() << "expected an error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("exited with status 3"), std::string::npos) << message;
    EXPECT_NE(message.find("database file is locked"), std::string::npos) << message;
  }
}

TEST(ServerProcess, StartTimeoutKillsTheChild) {
  auto options = fixture({"--never-ready"});
  options.start_timeout = 300ms;
  try {
    ServerProcess::start(options);
    FAIL() << "expected a timeout";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("did not become ready within 300 ms"), std::string::npos) << error.what();
  }
}

TEST(ServerProcess, MissingExecutableIsAClearError) {
  auto options = fixture();
  options.executable = "rsolv-no-such-binary-anywhere";
  EXPECT_THROW(ServerProcess::start(options), Error);
}

TEST(ServerProcess, StopSendsSigtermAndReturnsTheExitCode) {
  auto server = ServerProcess::start(fixture());
  const int pid = server.pid();
  EXPECT_EQ(server.stop(), 0);
  EXPECT_FALSE(process_exists(pid));
}

TEST(ServerProcess, ChildIgnoringSigtermIsKilledAfterTheGrace) {
  auto server = ServerProcess::start(fixture({"--ignore-sigterm"}));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(server.stop(200ms), 128 + SIGKILL);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 200ms);
  EXPECT_FALSE(process_exists(server.pid()));
}

TEST(ServerProcess, KillIsImmediate) {
  auto server = ServerProcess::start(fixture());
  server.kill();
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(process_exists(server.pid()));
}

TEST(ServerProcess, DestructorLeavesNoProcess) {
  int pid = 0;
  {
    auto server = ServerProcess::start(fixture({"--ignore-sigterm"}));
    pid = server.pid();
    EXPECT_TRUE(process_exists(pid));
  }
  EXPECT_FALSE(process_exists(pid));
}

TEST(ServerProcess, ChattyStdoutDoesNotBlockTheChildAndGoesToTheFile) {
  const auto log = std::filesystem::temp_directory_path() / ("rsolv_fixture_" + std::to_string(::getpid()) + ".log");
  auto options = fixture({"--stdout-lines", "5000", "--health-after-ms", "0"});
  options.stdout_file = log.string();
  options.health_path = "/health";
  auto server = ServerProcess::start(options);
  EXPECT_EQ(server.stop(), 0);
  std::ifstream in(log);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, 5000);
  std::filesystem::remove(log);
}

TEST(ServerProcess, FindFreePortGivesABindablePort) {
  const int port = find_free_port();
  EXPECT_GT(port, 1024);
  EXPECT_LT(port, 65536);
}

}  // namespace
}  // namespace rsolv::process
