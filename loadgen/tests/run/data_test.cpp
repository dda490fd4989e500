// `data:` sources driven through the real binary: the test server records the row value each
// request carried, so the test sees which rows the VUs really took (unique over 4 segment
// processes, wrap, stop, vu, iteration, random), and bad data files fail before any request.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "delay_server.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;

DelayServer::Options recording() {
  DelayServer::Options options;
  options.max_samples = 10'000;
  return options;
}

// The path of each request the server received, in arrival order.
std::vector<std::string> targets(const DelayServer& server) {
  std::vector<std::string> out;
  for (const auto& request : server.sample_requests()) {
    const auto first = request.find(' ');
    out.push_back(request.substr(first + 1, request.find(' ', first + 1) - first - 1));
  }
  return out;
}

// "id,name\r\n1,user-1\r\n..." with `rows` rows; row 2's name holds a quoted comma.
std::string users_csv(int rows) {
  std::string csv = "id,name\r\n";
  for (int i = 1; i <= rows; ++i) csv += std::to_string(i) + (i == 2 ? ",\"Doe,Jane\"\r\n" : ",user-" + std::to_string(i) + "\r\n");
  return csv;
}

std::string scenario(const DelayServer& server, const std::string& executor, const std::string& data_use,
                     const std::string& path = "/u/${data.users.id}") {
  return "data:\n  users: users.csv\nscenarios:\n  s:\n" + executor + "    data: " + data_use +
         "\n    flow:\n      - url: " + server.base_url() + path + "\n";
}

TEST(DataRun, UniqueOverFourSegmentProcessesUsesEachRowExactlyOnce) {
  DelayServer server(recording());
  TempDir dir;
  dir.write("users.csv", users_csv(40));
  // More iterations than rows: each segment stops when its share of the rows is used.
  const auto file = dir.write("unique.yaml", scenario(server, "    executor: constant-vus\n    vus: 4\n    duration: 30s\n",
                                                      "{users: {each: unique, exhausted: stop}}"));
  // Four processes side by side, as four machines would run them, against the one server.
  std::vector<std::future<process::CommandResult>> runs;
  for (int k = 1; k <= 4; ++k) {
    runs.push_back(std::async(std::launch::async, [&, k] {
      return loadgen({"run", file, "--segment", std::to_string(k) + "/4", "--out", dir.file("s" + std::to_string(k) + ".json"),
                      "--quiet"});
    }));
  }
  std::vector<process::CommandResult> results;
  for (auto& run : runs) results.push_back(run.get());
  for (int k = 1; k <= 4; ++k) {
    const auto segment = std::to_string(k) + "/4";
    const auto out = dir.file("s" + std::to_string(k) + ".json");
    const auto& result = results[static_cast<std::size_t>(k - 1)];
    ASSERT_EQ(result.exit_code, 0) << segment << ": " << result.err;
    const auto summary = read_json(out);
    EXPECT_EQ(metric(summary, "http_reqs", "count"), 10) << segment;
    // Out of rows, the scenario stopped: not the 30 s its duration asks for.
    EXPECT_LT(summary.at("duration_seconds").get<double>(), 10) << segment;
  }
  auto seen = targets(server);
  std::sort(seen.begin(), seen.end());
  std::vector<std::string> expected;
  for (int i = 1; i <= 40; ++i) expected.push_back("/u/" + std::to_string(i));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
}

TEST(DataRun, UniqueWithWrapStartsOverWhenEveryRowIsUsed) {
  DelayServer server(recording());
  TempDir dir;
  dir.write("users.csv", users_csv(5));
  const auto file = dir.write("wrap.yaml", scenario(server, "    executor: per-vu-iterations\n    vus: 1\n    iterations: 12\n",
                                                    "{users: {each: unique, exhausted: wrap}}"));
  const auto result = loadgen({"run", file, "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto seen = targets(server);
  ASSERT_EQ(seen.size(), 12u);
  // Every row once before any row twice.
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.begin() + 5).size(), 5u);
  std::map<std::string, int> uses;
  for (const auto& t : seen) ++uses[t];
  EXPECT_EQ(uses.size(), 5u);
  for (const auto& [target, count] : uses) EXPECT_TRUE(count == 2 || count == 3) << target << " " << count;
}

TEST(DataRun, UniqueWithStopEndsASharedIterationsScenarioEarly) {
  DelayServer server(recording());
  TempDir dir;
  dir.write("users.csv", users_csv(6));
  const auto file = dir.write("stop.yaml", scenario(server, "    executor: shared-iterations\n    vus: 3\n    iterations: 50\n",
                                                    "{users: unique}"));
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(server.requests(), 6u);
  const auto seen = targets(server);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 6u) << "no row twice";
}

TEST(DataRun, UniqueWithStopEndsAnArrivalRateScenarioWithoutCountingDroppedIterations) {
  DelayServer server(recording());
  TempDir dir;
  dir.write("users.csv", users_csv(10));
  const auto file = dir.write("rate.yaml", scenario(server, "    executor: constant-arrival-rate\n    rate: 50\n    timeUnit: 1s\n"
                                                            "    duration: 20s\n    preAllocatedVUs: 3\n",
                                                    "{users: unique}"));
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto summary = read_json(dir.file("s.json"));
  EXPECT_EQ(server.requests(), 10u);
  EXPECT_LT(summary.at("duration_seconds").get<double>(), 10);
  EXPECT_LE(metric(summary, "dropped_iterations", "count"), 0) << "out of rows is not out of VUs";
}

TEST(DataRun, EachVuKeepsTheRowOfItsVuNumber) {
  DelayServer server(recording());
  TempDir dir;
  dir.write("users.csv", users_csv(5));
  const auto file = dir.write("vu.yaml", scenario(server, "    executor: per-vu-iterations\n    vus: 3\n    iterations: 4\n",
                                                  "{users: vu}", "/vu/${vu}/${data.users.id}"));
  const auto result = loadgen({"run", file, "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto seen = targets(server);
  ASSERT_EQ(seen.size(), 12u);
  for (const auto& t : seen) {
    const auto vu = t.substr(4, t.find('/', 4) - 4);
    EXPECT_EQ(t, "/vu/" + vu + "/" + vu) << "VU n reads row n";
  }
}

TEST(DataRun, EachIterationTakesRowsInOrderAndWraps) {
  DelayServer server(recording());
  TempDir dir;
  dir.write("users.csv", users_csv(3));
  // The default row choice of a source read without a scenario `data:` entry: iteration.
  const auto file = dir.write("iter.yaml", "data:\n  users: {file: users.csv}\nscenarios:\n  s:\n    executor: per-vu-iterations\n"
                                           "    vus: 1\n    iterations: 7\n    flow:\n      - url: " +
                                               server.base_url() + "/u/${data.users.id}/${data.users.name}\n");
  const auto result = loadgen({"run", file, "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(targets(server), (std::vector<std::string>{"/u/1/user-1", "/u/2/Doe,Jane", "/u/3/user-3", "/u/1/user-1",
                                                        "/u/2/Doe,Jane", "/u/3/user-3", "/u/1/user-1"}))
      << "rows in file order, quoted fields unquoted";
}

TEST(DataRun, EachRandomReadsJsonRowsAtRandom) {
  DelayServer server(recording());
  TempDir dir;
  dir.write("cards.json", R"([{"number": "4242", "cvc": 123}, {"number": "4000", "cvc": 456, "note": "say \"hi\""},
                              {"number": "5555", "cvc": null}])");
  const auto file = dir.write("random.yaml", "data:\n  cards: {file: cards.json, each: random}\nscenarios:\n  s:\n"
                                             "    executor: per-vu-iterations\n    vus: 1\n    iterations: 60\n    flow:\n"
                                             "      - url: " + server.base_url() + "/c/${data.cards.number}/${data.cards.cvc}\n"
                                             "        method: POST\n        json: {note: \"${data.cards.note}\"}\n");
  const auto result = loadgen({"run", file, "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, int> uses;
  for (const auto& t : targets(server)) ++uses[t];
  EXPECT_EQ(server.requests(), 60u);
  for (const auto& [target, count] : uses) {
    EXPECT_TRUE(target == "/c/4242/123" || target == "/c/4000/456" || target == "/c/5555/") << target;
  }
  EXPECT_GE(uses.size(), 2u) << "60 random picks of 3 rows hit more than one";
  // A JSON body gets the cell JSON-escaped.
  bool escaped = false;
  for (const auto& request : server.sample_requests()) escaped = escaped || request.find(R"({"note":"say \"hi\""})") != std::string::npos;
  EXPECT_TRUE(escaped || uses.count("/c/4000/456") == 0);
}

struct BadFile {
  std::string name;
  std::string content;
  std::string expected;  // in the one-line error
};

TEST(DataRun, BadDataFilesFailWithFileAndLineBeforeAnyRequest) {
  DelayServer server({});
  const std::vector<BadFile> cases = {
      {"users.csv", "id,name\n1,a\n2,b,extra\n", "users.csv:3: 3 field(s), but the header row has 2"},
      {"users.csv", "id,name\n1,a\n2,\"open\n3,c\n", "users.csv:3: a quoted field is never closed"},
      {"users.csv", "id,id\n1,2\n", "users.csv:1: column 'id' appears twice"},
      {"users.csv", "id,name\n", "users.csv:2: no rows after the header row"},
      {"users.json", "[{\"id\": 1},\n {\"id\": 2,}\n]", "users.json:2:"},
      {"users.json", "{\"id\": 1}", "users.json:1:1: expected a JSON array of objects"},
      {"users.json", "[{\"id\": 1}, 7]", "users.json: [1] is a number, expected an object"},
      {"users.txt", "id\n1\n", "unknown data file type"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    dir.write(c.name, c.content);
    const auto file = dir.write("bad.yaml", "data:\n  users: " + c.name + "\nscenarios:\n  s:\n    executor: per-vu-iterations\n"
                                            "    flow:\n      - url: " + server.base_url() + "/u/${data.users.id}\n");
    const auto result = loadgen({"run", file, "--quiet"});
    EXPECT_EQ(result.exit_code, 2) << c.name << ": " << result.err;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("bad.yaml:2:"), std::string::npos) << "and where the scenario names it: " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  // Past the size limit (a file that never ends), the limit is named.
  TempDir dir;
  std::filesystem::create_symlink("/dev/zero", dir.file("big.csv"));
  const auto file = dir.write("big.yaml", "data:\n  users: big.csv\nscenarios:\n  s:\n    executor: per-vu-iterations\n"
                                          "    flow:\n      - url: " + server.base_url() + "/\n");
  const auto big = loadgen({"run", file, "--quiet"});
  EXPECT_EQ(big.exit_code, 2) << big.err;
  EXPECT_NE(big.err.find("bytes for a data file"), std::string::npos) << big.err;
  // A column or source that does not exist is named with its place in the scenario.
  TempDir typo;
  typo.write("users.csv", users_csv(2));
  const auto typo_file = typo.write("typo.yaml", "data:\n  users: users.csv\nscenarios:\n  s:\n    executor: per-vu-iterations\n"
                                                 "    flow:\n      - url: " + server.base_url() + "/u/${data.users.emial}\n");
  const auto typo_result = loadgen({"validate", typo_file});
  EXPECT_EQ(typo_result.exit_code, 2);
  EXPECT_NE(typo_result.err.find("typo.yaml:7:"), std::string::npos) << typo_result.err;
  EXPECT_NE(typo_result.err.find("no column 'emial' (its columns: id, name)"), std::string::npos) << typo_result.err;
  EXPECT_EQ(server.requests(), 0u);
}

}  // namespace
}  // namespace rsolv::loadgen
