#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "rsolv/process/server.hpp"

namespace rsolv::process {
namespace {

using namespace std::chrono_literals;

bool process_exists(int pid) { return std::filesystem::exists("/proc/" + std::to_string(pid)); }

// A zombie still has a /proc entry until its (possibly reparented) parent reaps it.
bool process_alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string content;
  if (!std::getline(stat, content)) return false;
  const auto state = content.find(") ");
  return state != std::string::npos && content[state + 2] != 'Z' && content[state + 2] != 'X';
}

bool gone_within(int pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (process_alive(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

int read_pid(const std::filesystem::path& file) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(file);
    int pid = 0;
    if (in >> pid && pid > 0) return pid;
    std::this_thread::sleep_for(10ms);
  }
  return 0;
}

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("rsolv_process_" + std::to_string(::getpid()) + "_" + name);
}

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

TEST(ServerProcess, HealthPathThatNeverAnswers200TimesOut) {
  auto options = fixture({"--health-after-ms", "600000"});
  options.health_path = "/health";
  options.start_timeout = 400ms;
  const auto started = std::chrono::steady_clock::now();
  try {
    ServerProcess::start(options);
    FAIL() << "expected a timeout";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("GET /health did not answer 200"), std::string::npos) << error.what();
  }
  // 400 ms plus a start and a kill; 10x that on a loaded machine, against the 600 s a probe that
  // ignored the start timeout would wait.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4000ms) << "the probe respects the start timeout";
}

TEST(ServerProcess, FirstLineWithoutAnAddressIsAnErrorQuotingIt) {
  ServerOptions options;
  options.executable = "sh";
  options.args = {"-c", "echo starting up...; sleep 5"};
  options.start_timeout = 3000ms;
  try {
    ServerProcess::start(options);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("printed no loopback address"), std::string::npos) << message;
    EXPECT_NE(message.find("starting up..."), std::string::npos) << message;
  }
}

TEST(ServerProcess, EnvironmentReachesTheChildAndAnyLoopbackAddressFormParses) {
  ServerOptions options;
  options.executable = "sh";
  // The child prints a bare "host:port" built from the variable the harness passed.
  options.args = {"-c", "echo \"ready at 0.0.0.0:$RSOLV_FAKE_PORT (pid $$)\"; exec sleep 30"};
  options.env = {{"RSOLV_FAKE_PORT", "4567"}};
  auto server = ServerProcess::start(options);
  EXPECT_EQ(server.port(), 4567);
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:4567");
  EXPECT_EQ(server.stop(200ms), 128 + SIGTERM);
}

TEST(ServerProcess, StderrFileKeepsWhatTheChildWrote) {
  const auto log = temp_file("stderr.log");
  auto options = fixture({"--crash-before-ready"});
  options.stderr_file = log.string();
  EXPECT_THROW(ServerProcess::start(options), Error);
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "fixture: database file is locked");
  std::filesystem::remove(log);
}

TEST(ServerProcess, MovedServerKeepsRunningAndTheNewOwnerStopsIt) {
  auto first = ServerProcess::start(fixture());
  const int pid = first.pid();
  ServerProcess second = std::move(first);
  EXPECT_TRUE(second.running());
  EXPECT_EQ(second.pid(), pid);
  EXPECT_EQ(second.stop(), 0);
  EXPECT_FALSE(process_exists(pid));
}

TEST(ServerProcess, ServerDiesWhenItsParentDiesWithoutCleaningUp) {
  // The parent starts a server and _exit()s; PR_SET_PDEATHSIG must take the server down too.
  const auto stderr_file = temp_file("orphan.stderr");
  const auto result = run(RSOLV_FIXTURE_PARENT, {RSOLV_FIXTURE_SERVER, stderr_file.string()}, {}, 10000ms);
  std::filesystem::remove(stderr_file);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const int server_pid = std::stoi(result.out);
  ASSERT_GT(server_pid, 0);
  EXPECT_TRUE(gone_within(server_pid, 3000ms)) << "orphaned server " << server_pid << " still running";
}

TEST(ServerProcess, StopAlsoEndsHelpersTheServerLeftInItsGroup) {
  const auto pid_file = temp_file("helper.pid");
  ServerOptions options;
  options.executable = "sh";
  // A helper that ignores SIGTERM and holds the server's stdout open, then the real server.
  options.args = {"-c", std::string("trap '' TERM; sleep 30 & echo $! > ") + pid_file.string() + "; exec " +
                            RSOLV_FIXTURE_SERVER};
  options.start_timeout = 5000ms;
  auto server = ServerProcess::start(options);
  const int helper = read_pid(pid_file);
  ASSERT_GT(helper, 0);
  EXPECT_TRUE(process_alive(helper));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(server.stop(), 0) << "the server itself handles SIGTERM";
  EXPECT_TRUE(gone_within(helper, 2000ms)) << "helper " << helper << " outlived the server";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3000ms);
  std::filesystem::remove(pid_file);
}

TEST(ServerProcess, DestructorDoesNotHangOnADescendantThatLeftTheGroupHoldingStdout) {
  const auto pid_file = temp_file("escaped.pid");
  int escaped = 0;
  {
    ServerOptions options;
    options.executable = "sh";
    // setsid puts the sleeper beyond the group sweep; it keeps the stdout pipe open.
    options.args = {"-c", std::string("setsid sleep 20 & echo $! > ") + pid_file.string() + "; exec " +
                              RSOLV_FIXTURE_SERVER};
    options.start_timeout = 5000ms;
    auto server = ServerProcess::start(options);
    escaped = read_pid(pid_file);
    ASSERT_GT(escaped, 0);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(server.stop(), 0);
    server = ServerProcess::start(fixture());  // the old Impl is destroyed here
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2000ms);
  }
  ::kill(escaped, SIGKILL);
  std::filesystem::remove(pid_file);
}

TEST(ServerProcess, FindFreePortGivesABindablePort) {
  const int port = find_free_port();
  EXPECT_GT(port, 1024);
  EXPECT_LT(port, 65536);
}

}  // namespace
}  // namespace rsolv::process
