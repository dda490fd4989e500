// k6's execution shortcuts on the command line: --iterations, --vus, --duration and
// --stage replace the file's scenarios by one scenario running the file's `default` flow (else its
// first); bad values exit 2 with one line naming the flag and the range, before any request.
// The real binary against a loopback test server that counts what it receives. The commands and
// error lines docs/loadgen.md shows ("Command-line overrides") are among these.
#include <gtest/gtest.h>

#include <algorithm>

#include "delay_server.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;
using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

// Two scenarios of their own paths; the file alone would run 3 s of `first` and 40 of `default`.
std::string two_scenarios(const std::string& url, const std::string& second_name = "default") {
  return "name: overrides\nbase_url: " + url + R"(
scenarios:
  first:
    executor: constant-vus
    vus: 3
    duration: 3s
    flow: [{name: first, url: /first}]
  )" + second_name + R"(:
    executor: shared-iterations
    vus: 2
    iterations: 40
    flow: [{name: second, url: /second}]
)";
}

// The request lines the server saw, without duplicates.
std::vector<std::string> paths(const DelayServer& server) {
  std::vector<std::string> out;
  for (const auto& request : server.sample_requests()) {
    const auto line = request.substr(0, request.find('\r'));
    if (std::find(out.begin(), out.end(), line) == out.end()) out.push_back(line);
  }
  return out;
}

// A server answering every request after `delay`.
DelayServer::Options answering_after(std::chrono::milliseconds delay) {
  DelayServer::Options options;
  options.delay = [delay](std::uint64_t) { return std::chrono::microseconds(delay); };
  return options;
}

// `run FILE FLAGS --out ... --quiet`, expected to pass; its summary (null when it did not).
nlohmann::json run_quietly(const TempDir& dir, const std::string& file, std::vector<std::string> flags) {
  const auto out = dir.file("summary.json");
  std::vector<std::string> args{"run", file, "--out", out, "--quiet"};
  args.insert(args.end(), flags.begin(), flags.end());
  const auto result = loadgen(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.exit_code == 0 ? read_json(out) : nlohmann::json();
}

TEST(Overrides, IterationsRunExactlyThatManyRequestsOfTheDefaultFlow) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("two.yaml", two_scenarios(server.base_url()));
  const auto result = loadgen({"run", file, "--iterations", "7", "--out", dir.file("s.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(server.requests(), 7u);
  EXPECT_EQ(paths(server), std::vector<std::string>{"GET /second HTTP/1.1"}) << "the scenario named default";
  const auto summary = read_json(dir.file("s.json"));
  EXPECT_EQ(metric(summary, "http_reqs", "count"), 7);
  EXPECT_EQ(metric(summary, "vus_max", "value"), 1) << "k6's default: one VU";
  EXPECT_TRUE(contains(result.err, "shared-iterations runs the flow of scenario 'default'")) << result.err;
}

TEST(Overrides, WithoutADefaultScenarioTheFirstFlowRuns) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("two.yaml", two_scenarios(server.base_url(), "second"));
  const auto result = loadgen({"run", file, "--iterations", "6", "--vus", "3", "--out", dir.file("s.json"), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(server.requests(), 6u);
  EXPECT_EQ(paths(server), std::vector<std::string>{"GET /first HTTP/1.1"});
  EXPECT_EQ(metric(read_json(dir.file("s.json")), "vus_max", "value"), 3);

  // A repeatable flag takes one value each time: the file after it is still the file.
  const auto before = loadgen({"run", "--stage", "200ms:1", "--stage", "100ms:1", file, "--quiet"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
}

TEST(Overrides, VusAndDurationRunConstantVusForThatLong) {
  DelayServer server(answering_after(20ms));
  TempDir dir;
  const auto file = dir.write("two.yaml", two_scenarios(server.base_url()));
  const auto summary = run_quietly(dir, file, {"--vus", "4", "--duration", "1s"});
  ASSERT_FALSE(summary.is_null());
  EXPECT_EQ(metric(summary, "vus_max", "value"), 4);
  const double seconds = summary.at("duration_seconds").get<double>();
  EXPECT_GE(seconds, 0.95);
  EXPECT_LT(seconds, 2.5) << "1 s of load, not the file's 3 s";
  // 4 VUs back to back on 20 ms answers make about 200 requests in 1 s; one VU could make 50.
  EXPECT_GT(server.requests(), 60u);
  EXPECT_EQ(paths(server), std::vector<std::string>{"GET /second HTTP/1.1"});
}

TEST(Overrides, StagesRampVusAndDurationCapsIterations) {
  DelayServer server(answering_after(50ms));
  TempDir dir;
  const auto file = dir.write("two.yaml", two_scenarios(server.base_url()));
  const auto ramped = run_quietly(dir, file, {"--stage", "600ms:5", "--stage", "400ms:5"});
  ASSERT_FALSE(ramped.is_null());
  EXPECT_EQ(metric(ramped, "vus_max", "value"), 5);
  EXPECT_LT(ramped.at("duration_seconds").get<double>(), 2.5);

  // --iterations with --duration: shared-iterations whose maxDuration is the duration (k6's rule).
  const auto before = server.requests();
  ASSERT_FALSE(run_quietly(dir, file, {"--iterations", "1000", "--duration", "1s"}).is_null());
  const auto made = server.requests() - before;
  EXPECT_GT(made, 5u);
  EXPECT_LT(made, 40u) << "one VU on 50 ms answers for 1 s, not 1000 iterations";
}

// `head` then `flags`: a command line.
std::vector<std::string> with_flags(std::vector<std::string> head, const std::vector<std::string>& flags) {
  head.insert(head.end(), flags.begin(), flags.end());
  return head;
}

// Override flags `run` refuses, and what its one error line names.
std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> bad_overrides() {
  return {
      {{"--vus", "0", "--duration", "1s"}, {"--vus", "1 to 1000000"}},
      {{"--vus", "2000000", "--duration", "1s"}, {"--vus", "1 to 1000000"}},
      {{"--iterations", "0"}, {"--iterations", "1 to 1000000000000"}},
      {{"--duration", "0s"}, {"--duration 0s", "168h"}},
      {{"--duration", "10"}, {"--duration 10"}},
      {{"--duration", "200h"}, {"--duration 200h", "168h"}},
      {{"--stage", "5s"}, {"--stage 5s", "DURATION:TARGET_VUS"}},
      {{"--stage", "5s:-1"}, {"--stage 5s:-1", "0 and 1000000"}},
      {{"--stage", "1s:2", "--iterations", "5"}, {"--stage", "--iterations"}},
      {{"--stage", "1s:2", "--duration", "5s"}, {"--stage", "--duration"}},
      {{"--iterations", "2", "--vus", "3"}, {"--iterations 2", "--vus 3"}},
      {{"--vus", "3"}, {"--vus 3", "--duration"}},
  };
}

// `validate` takes the same flags and refuses the same values with the same line.
TEST(Overrides, BadValuesExitTwoWithOneLineNamingFlagAndRangeBeforeAnyRequest) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("two.yaml", two_scenarios(server.base_url()));
  for (const auto& [flags, expected] : bad_overrides()) {
    const auto result = loadgen(with_flags({"run", file, "--quiet"}, flags));
    EXPECT_EQ(result.exit_code, 2) << flags.front() << ": " << result.err;
    EXPECT_EQ(lines(result.err), 1u) << result.err;
    for (const auto& part : expected) EXPECT_TRUE(contains(result.err, part)) << part << " in: " << result.err;
    const auto validate = loadgen(with_flags({"validate", file}, flags));
    EXPECT_EQ(validate.exit_code, 2) << flags.front() << ": " << validate.out << validate.err;
    EXPECT_EQ(validate.err, result.err) << "validate " << flags.front();
  }
  EXPECT_EQ(server.requests(), 0u);
}

// `validate` with run's override flags checks the plan they make: the one command-line scenario.
TEST(Overrides, ValidateChecksTheOverriddenPlan) {
  TempDir dir;
  const auto file = dir.write("two.yaml", two_scenarios("http://127.0.0.1:9"));
  const auto as_written = loadgen({"validate", file});
  EXPECT_EQ(as_written.exit_code, 0) << as_written.err;
  EXPECT_TRUE(contains(as_written.out, "(2 scenario(s), 2 step(s)")) << as_written.out;
  // The command docs/loadgen.md shows.
  const auto overridden = loadgen({"validate", file, "--vus", "4", "--duration", "1s"});
  EXPECT_EQ(overridden.exit_code, 0) << overridden.err;
  EXPECT_TRUE(contains(overridden.out, "(1 scenario(s), 1 step(s)")) << overridden.out;
}

}  // namespace
}  // namespace rsolv::loadgen
