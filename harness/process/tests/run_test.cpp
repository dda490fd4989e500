#include <gtest/gtest.h>

#include <chrono>

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

TEST(Run, ReportsDeathBySignal) {
  const auto result = run("sh", {"-c", "kill -9 $$"});
  EXPECT_EQ(result.exit_code, 128 + 9);
}

}  // namespace
}  // namespace rsolv::process
