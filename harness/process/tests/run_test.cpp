#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "rsolv/process/server.hpp"

namespace rsolv::process {
namespace {

using namespace std::chrono_literals;

TEST(Run, CapturesStdoutStderrAndExitCode) {
  const auto result = run("sh", {"-c", "echo out; echo err >&2; exit 7"});
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
  EXPECT_FALSE(result.timed_out);
}

TEST(Run, FeedsStdin) {
  const auto result = run("cat", {}, {}, 5000ms, "line one\nline two\n");
  EXPECT_EQ(result.out, "line one\nline two\n");
  EXPECT_EQ(result.exit_code, 0);
}

TEST(Run, LargeOutputOnBothStreamsDoesNotDeadlock) {
  const auto result = run("sh", {"-c", "yes o | head -c 300000; yes e | head -c 300000 >&2"});
  EXPECT_EQ(result.out.size(), 300000u);
  EXPECT_EQ(result.err.size(), 300000u);
}

TEST(Run, TimeoutKillsTheCommand) {
  const auto started = std::chrono::steady_clock::now();
  const auto result = run("sleep", {"30"}, {}, 300ms);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(Run, AddsEnvironmentVariables) {
  const auto result = run("sh", {"-c", "printf %s \"$RSOLV_RUN_TEST\""}, {{"RSOLV_RUN_TEST", "value 1"}});
  EXPECT_EQ(result.out, "value 1");
}

TEST(Run, ClearEnvStartsEmpty) {
  ::setenv("RSOLV_SHOULD_NOT_LEAK", "leaked", 1);
  const auto result = run("/usr/bin/env", {}, {{"ONLY", "this"}}, 5000ms, "", true);
  EXPECT_EQ(result.out, "ONLY=this\n");
  ::unsetenv("RSOLV_SHOULD_NOT_LEAK");
}

TEST(Run, StdinForAChildThatNeverReadsItDoesNotKillTheCaller) {
  // 1 MiB cannot fit the pipe; `true` exits unread, so the write hits a closed pipe (SIGPIPE).
  const auto result = run("true", {}, {}, 5000ms, std::string(1 << 20, 'x'));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_FALSE(result.timed_out);
}

TEST(Run, MissingExecutableIsAClearError) {
  try {
    run("rsolv-no-such-command-anywhere", {});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("rsolv-no-such-command-anywhere"), std::string::npos) << error.what();
  }
  EXPECT_THROW(run("/nonexistent/dir/tool", {}), Error);
}

TEST(Run, DescriptorsOfTheCallerDoNotLeakIntoTheChild) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);  // deliberately without O_CLOEXEC
  const auto probe = "test -e /proc/self/fd/" + std::to_string(fds[0]) + " && echo leaked || echo clean";
  const auto result = run("sh", {"-c", probe});
  EXPECT_EQ(result.out, "clean\n");
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(Run, TimeoutAlsoKillsWhatTheCommandStarted) {
  const auto pid_file = std::filesystem::temp_directory_path() / ("rsolv_run_" + std::to_string(::getpid()) + ".pid");
  const auto result = run("sh", {"-c", "sleep 30 & echo $! > " + pid_file.string() + "; wait"}, {}, 500ms);
  EXPECT_TRUE(result.timed_out);
  std::ifstream in(pid_file);
  int sleeper = 0;
  ASSERT_TRUE(in >> sleeper);
  // Reparented to init once sh died; give init a moment to reap it.
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (std::filesystem::exists("/proc/" + std::to_string(sleeper)) && std::chrono::steady_clock::now() < deadline) {
    std::ifstream stat("/proc/" + std::to_string(sleeper) + "/stat");
    std::string content;
    std::getline(stat, content);
    if (content.find(") Z") != std::string::npos) break;  // killed, awaiting its reaper
    std::this_thread::sleep_for(10ms);
  }
  std::ifstream stat("/proc/" + std::to_string(sleeper) + "/stat");
  std::string content;
  std::getline(stat, content);
  EXPECT_TRUE(content.empty() || content.find(") Z") != std::string::npos) << "still running: " << content;
  std::filesystem::remove(pid_file);
}

TEST(Run, ReportsDeathBySignal) {
  const auto result = run("sh", {"-c", "kill -9 $$"});
  EXPECT_EQ(result.exit_code, 128 + 9);
}

}  // namespace
}  // namespace rsolv::process
