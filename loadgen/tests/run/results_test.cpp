// Results are never lost and never misread, as a CI pipeline relies on: report paths are
// checked before the first request; a report that fails at the end loses no other; a signal-stopped
// run exits 105 (k6's code) with every report marked interrupted; merge refuses missing segments
// unless --allow-partial; --threads is bounded. The real binary against a loopback test server.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "delay_server.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;
using namespace std::chrono_literals;

std::string scenario(const std::string& url, const std::string& executor) {
  return "name: results\nscenarios:\n  main:\n" + executor + "    flow:\n      - name: root\n        url: " + url +
         "/\n        checks:\n          - status: 200\n"
         "thresholds:\n  http_req_failed: [\"rate<0.5\"]\n";  // passes: only interruption can fail the run
}

const std::string kQuick = "    executor: shared-iterations\n    vus: 2\n    iterations: 20\n";

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Polls (at most `limit`) until `done`; whether it became true.
template <typename Done>
bool wait_for(Done done, std::chrono::milliseconds limit) {
  for (auto waited = 0ms; waited < limit; waited += 20ms) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

TEST(Results, ABadReportPathFailsBeforeAnyRequestNamingTheFlagAndThePath) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("ok.yaml", scenario(server.base_url(), kQuick));
  const auto not_a_dir = dir.write("plain-file", "x");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"--out", dir.file("no/such/dir/s.json")},
      {"--junit", dir.file("missing/j.xml")},
      {"--html", not_a_dir + "/r.html"},  // under a regular file
      {"--out", dir.path().string()},     // a directory, not a file
  };
  for (const auto& [flag, path] : bad) {
    // The good reports beside the bad one must not be written either: nothing ran.
    const std::string good = flag == "--junit" ? "--html" : "--junit";
    const auto result = loadgen({"run", file, good, dir.file("good-report"), flag, path, "--quiet"});
    EXPECT_EQ(result.exit_code, 2) << flag << " " << path << ": " << result.err;
    EXPECT_EQ(lines(result.err), 1u) << result.err;
    EXPECT_TRUE(contains(result.err, flag + " " + path)) << result.err;
  }
  EXPECT_EQ(server.requests(), 0u) << "the target saw a request before the report paths were checked";
  EXPECT_FALSE(std::filesystem::exists(dir.file("good-report")));
  // Nothing stays behind from the probes.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 2u);  // ok.yaml and plain-file
}

TEST(Results, AReportThatFailsAtTheEndLosesNoOtherAndTheSummaryStillPrints) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("long.yaml", scenario(server.base_url(), "    executor: constant-vus\n    vus: 1\n    duration: 2s\n"));
  const auto doomed = dir.path() / "doomed";
  std::filesystem::create_directories(doomed);
  // The directory of --out disappears once the load is flowing, after the check passed.
  std::thread remover([&] {
    if (wait_for([&] { return server.requests() > 0; }, 20s)) std::filesystem::remove_all(doomed);
  });
  const auto result = loadgen({"run", file, "--out", (doomed / "s.json").string(), "--junit", dir.file("j.xml"),
                               "--html", dir.file("r.html"), "--quiet"});
  remover.join();
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(contains(result.err, "--out")) << result.err;
  EXPECT_TRUE(contains(result.err, (doomed / "s.json").string())) << result.err;
  EXPECT_TRUE(contains(result.out, "http_reqs")) << "the text summary prints whatever happened to the files";
  EXPECT_GT(std::filesystem::file_size(dir.file("j.xml")), 0u);
  EXPECT_TRUE(contains(rsolv::testing::read_file(dir.file("r.html")), "http_req_duration"));
}

TEST(Results, ASignalMidRunExits105WithEveryReportWrittenAndMarkedInterrupted) {
  for (const int signo : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signo == SIGINT ? "SIGINT" : "SIGTERM");
    DelayServer server({});
    TempDir dir;
    const auto file = dir.write("long.yaml", scenario(server.base_url(), "    executor: constant-vus\n    vus: 2\n    duration: 60s\n"));
    const int metrics_port = process::find_free_port();
    process::ServerOptions options;
    options.executable = kLoadgen;
    options.args = {"run", file, "--out", dir.file("s.json"), "--junit", dir.file("j.xml"), "--html", dir.file("r.html"),
                    "--quiet", "--metrics-listen", "127.0.0.1:" + std::to_string(metrics_port)};
    options.env = {{"NO_COLOR", "1"}};
    options.ready_by = process::ReadyBy::tcp_connect;
    options.port = metrics_port;
    options.stdout_file = dir.file("stdout.txt");
    options.stderr_file = dir.file("stderr.txt");
    auto child = process::ServerProcess::start(options);
    ASSERT_TRUE(wait_for([&] { return server.requests() > 0; }, 20s)) << "the run never sent a request";
    child.signal(signo);
    EXPECT_TRUE(wait_for([&] { return !child.running(); }, 10s)) << "a graceful stop of fast requests takes well under 10 s";
    EXPECT_EQ(child.stop(), 105) << rsolv::testing::read_file(dir.file("stderr.txt"));

    const auto summary = read_json(dir.file("s.json"));
    EXPECT_TRUE(summary.at("interrupted").get<bool>());
    EXPECT_EQ(summary.at("outcome"), "interrupted");
    EXPECT_TRUE(summary.at("thresholds_ok").get<bool>());  // they held: the exit code still says interrupted
    EXPECT_GT(metric(summary, "http_reqs", "count"), 0);
    const auto junit = rsolv::testing::read_file(dir.file("j.xml"));
    EXPECT_TRUE(contains(junit, "<failure") && contains(junit, "interrupted")) << junit;
    EXPECT_TRUE(contains(rsolv::testing::read_file(dir.file("r.html")), "interrupted"));
    const auto text = rsolv::testing::read_file(dir.file("stdout.txt"));
    EXPECT_TRUE(contains(text, "INTERRUPTED")) << text;
    EXPECT_FALSE(contains(text, "all thresholds passed")) << text;
  }
}

TEST(Results, MergeRefusesMissingSegmentsUnlessAllowPartialWhichNeverPasses) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("quick.yaml", scenario(server.base_url(), kQuick));
  const auto part1 = dir.file("summary-1.json");
  const auto part2 = dir.file("summary-2.json");
  ASSERT_EQ(loadgen({"run", file, "--segment", "1/2", "--out", part1, "--quiet"}).exit_code, 0);
  ASSERT_EQ(loadgen({"run", file, "--segment", "2/2", "--out", part2, "--quiet"}).exit_code, 0);

  for (const auto& inputs : {std::vector<std::string>{part1}, std::vector<std::string>{part1, part1}}) {
    std::vector<std::string> args{"merge"};
    args.insert(args.end(), inputs.begin(), inputs.end());
    args.insert(args.end(), {"--out", dir.file("merged.json")});
    const auto refused = loadgen(args);
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_EQ(lines(refused.err), 1u) << refused.err;
    EXPECT_TRUE(contains(refused.err, "2/2")) << "names the missing segment: " << refused.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("merged.json")));
  }

  // The command docs/loadgen.md shows.
  const auto partial = loadgen({"merge", part1, "--allow-partial", "--out", dir.file("summary.json"), "--html",
                                dir.file("report.html")});
  EXPECT_EQ(partial.exit_code, 99) << "a partial merge never passes, even with every threshold held: " << partial.err;
  const auto summary = read_json(dir.file("summary.json"));
  EXPECT_TRUE(summary.at("partial").get<bool>());
  EXPECT_EQ(summary.at("missing_segments"), nlohmann::json::array({"2/2"}));
  EXPECT_EQ(summary.at("outcome"), "partial");
  EXPECT_TRUE(contains(partial.out, "PARTIAL")) << partial.out;
  EXPECT_FALSE(contains(partial.out, "all thresholds passed")) << partial.out;
  EXPECT_TRUE(contains(rsolv::testing::read_file(dir.file("report.html")), "partial"));

  // Complete again with the missing part, even merged onto the partial result.
  const auto whole = loadgen({"merge", dir.file("summary.json"), part2, "--out", dir.file("whole.json")});
  EXPECT_EQ(whole.exit_code, 0) << whole.err;
  const auto merged = read_json(dir.file("whole.json"));
  EXPECT_FALSE(merged.at("partial").get<bool>());
  EXPECT_EQ(merged.at("outcome"), "passed");
  EXPECT_EQ(metric(merged, "http_reqs", "count"), 20);
}

TEST(Results, ThreadsOutsideOneToFourPerCoreAreRefusedNamingTheRange) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("quick.yaml", scenario(server.base_url(), kQuick));
  const int max = 4 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto range = "1 to " + std::to_string(max);
  for (const auto& threads : {std::string("0"), std::string("-3"), std::to_string(max + 1), std::string("100000")}) {
    const auto result = loadgen({"run", file, "--threads", threads, "--quiet"});
    EXPECT_EQ(result.exit_code, 2) << threads;
    EXPECT_EQ(lines(result.err), 1u) << result.err;
    EXPECT_TRUE(contains(result.err, "--threads") && contains(result.err, range)) << result.err;
  }
  EXPECT_EQ(server.requests(), 0u);
  const auto ok = loadgen({"run", file, "--threads", std::to_string(max), "--quiet"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(server.requests(), 20u);
}

}  // namespace
}  // namespace rsolv::loadgen
