// `data:`, `setup:` and `teardown:` in the scenario model: the CSV and JSON readers, templates that
// read a row's column, and the loader's messages for mistakes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/loadgen/output/reports.hpp"
#include "rsolv/loadgen/output/summary.hpp"
#include "rsolv/loadgen/scenario/request_render.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"

namespace rsolv::loadgen {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const config::ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(DataFiles, CsvQuotingCrlfAndByteOrderMark) {
  const auto table = scenario::parse_csv_data(
      "users", "\xEF\xBB\xBFid,name,note\r\n1,\"Doe, Jane\",\"said \"\"hi\"\"\"\r\n\r\n2,b,\"two\nlines\"\n", "u.csv");
  ASSERT_EQ(table.columns(), (std::vector<std::string>{"id", "name", "note"}));
  ASSERT_EQ(table.rows(), 2u);
  EXPECT_EQ(table.cell(0, 1), "Doe, Jane");
  EXPECT_EQ(table.cell(0, 2), "said \"hi\"");
  EXPECT_EQ(table.cell(1, 2), "two\nlines");
  // A line break inside quotes counts for the lines of later errors.
  EXPECT_EQ(error_of([] { (void)scenario::parse_csv_data("u", "a,b\n1,\"x\ny\"\n2\n", "u.csv"); }),
            "u.csv:4: 1 field(s), but the header row has 2 (quote fields that contain commas)");
  EXPECT_EQ(error_of([] { (void)scenario::parse_csv_data("u", "a,\n1,2\n", "u.csv"); }),
            "u.csv:1: column 2 of the header row has no name");
  EXPECT_EQ(error_of([] { (void)scenario::parse_csv_data("u", "a\n\"x\"y\n", "u.csv"); }),
            "u.csv:2: text after a closing quote (write \"\" for a quote inside a quoted field)");
}

TEST(DataFiles, JsonObjectsBecomeRowsWithTheUnionOfKeys) {
  const auto table =
      scenario::parse_json_data("c", R"([{"a": "x", "n": 5}, {"b": true, "a": null, "o": {"k": [1]}}])", "c.json");
  ASSERT_EQ(table.columns(), (std::vector<std::string>{"a", "n", "b", "o"}));
  EXPECT_EQ(table.cell(0, 0), "x");
  EXPECT_EQ(table.cell(0, 1), "5");
  EXPECT_EQ(table.cell(0, 2), "");
  EXPECT_EQ(table.cell(1, 0), "");
  EXPECT_EQ(table.cell(1, 2), "true");
  EXPECT_EQ(table.cell(1, 3), R"({"k":[1]})");
  const auto message = error_of([] { (void)scenario::parse_json_data("c", "[\n  {\"a\": 1,,}\n]", "c.json"); });
  EXPECT_TRUE(message.starts_with("c.json:2:")) << message;
  EXPECT_EQ(error_of([] { (void)scenario::parse_json_data("c", "[]", "c.json"); }),
            "c.json:1:1: the array is empty (a data file needs at least one row)");
}

class DataPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lg-data-model-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "users.csv") << "email,plan\na@x.test,pro\nb@x.test,free\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  scenario::TestPlan load(const std::string& yaml) {
    return scenario::load_test_plan_string(yaml, (dir_ / "plan.yaml").string());
  }
  std::string error(const std::string& yaml) {
    return error_of([&] { (void)load(yaml); });
  }
  fs::path dir_;
};

constexpr const char* kScenario = "scenarios:\n  s:\n    executor: per-vu-iterations\n";

TEST_F(DataPlan, AStepReadsTheColumnOfItsRowJsonEscapedInJson) {
  const auto plan = load(std::string("data:\n  users: {file: users.csv, each: random}\n") + kScenario +
                         "    flow:\n      - url: http://127.0.0.1:9/u/${data.users.plan}\n        method: POST\n"
                         "        json: {email: \"${data.users.email}\"}\n");
  ASSERT_EQ(plan.data.size(), 1u);
  ASSERT_EQ(plan.scenarios[0].data.size(), 1u);
  EXPECT_EQ(plan.scenarios[0].data[0].each, scenario::DataOrder::random);
  const scenario::DataTable* tables[] = {&plan.data[0]};
  const std::uint32_t rows[] = {1};
  scenario::TemplateContext context;
  context.tables = tables;
  context.rows = rows;
  std::string out;
  scenario::RenderScratch scratch;
  scenario::render_request(out, plan.scenarios[0].flow[0].request, plan, context, scratch);
  EXPECT_TRUE(out.starts_with("POST /u/free HTTP/1.1\r\n")) << out;
  EXPECT_TRUE(out.ends_with(R"({"email":"b@x.test"})")) << out;
}

TEST_F(DataPlan, MistakesAreNamedWhereTheyAre) {
  const std::string data = "data:\n  users: users.csv\n";
  const std::string flow = "    flow:\n      - url: http://127.0.0.1:9/${data.users.email}\n";
  EXPECT_TRUE(error(data + kScenario + "    data: {users: {each: sometimes}}\n" + flow).find(
                  "plan.yaml:6:26: each: must be vu, iteration, unique or random, not 'sometimes'") != std::string::npos);
  EXPECT_NE(error(data + kScenario + "    data: {users: {each: vu, exhausted: wrap}}\n" + flow)
                .find("exhausted: applies to each: unique only"),
            std::string::npos);
  EXPECT_NE(error(data + kScenario + "    data: {people: unique}\n" + flow).find("unknown data source 'people'"),
            std::string::npos);
  EXPECT_NE(error(std::string(kScenario) + "    flow:\n      - url: http://127.0.0.1:9/${data.users.email}\n")
                .find("unknown data source 'users' in '${data.users.email}' (declare it under the top-level `data:`)"),
            std::string::npos);
  EXPECT_NE(error("data:\n  setup: users.csv\n" + std::string(kScenario) + flow).find("invalid data source name 'setup'"),
            std::string::npos);
  EXPECT_NE(error("data:\n  users: missing.csv\n" + std::string(kScenario) + flow).find("missing.csv: cannot open file"),
            std::string::npos);
}

TEST_F(DataPlan, SetupValuesAreASourceAndItsRequestsAreTaggedApart) {
  const auto plan = load(
      "setup:\n  iterations: 3\n  flow:\n    - url: http://127.0.0.1:9/signup\n      extract: {api_key: $.key, id: $.id}\n" +
      std::string(kScenario) + "    flow:\n      - url: http://127.0.0.1:9/${setup.id}\n        headers: {x-api-key: \"${setup.api_key}\"}\n"
                               "teardown:\n  flow:\n    - url: http://127.0.0.1:9/bye/${setup.id}\n");
  ASSERT_TRUE(plan.setup && plan.teardown);
  EXPECT_EQ(plan.setup->executor.iterations, 3);
  EXPECT_EQ(plan.setup->executor.vus, 1);
  ASSERT_GE(plan.setup_source, 0);
  EXPECT_EQ(plan.data[static_cast<std::size_t>(plan.setup_source)].columns(), (std::vector<std::string>{"api_key", "id"}));
  EXPECT_EQ(plan.scenarios[0].data.at(0).each, scenario::DataOrder::vu);
  EXPECT_EQ(plan.teardown->data.at(0).each, scenario::DataOrder::iteration);
  EXPECT_NE(std::find(plan.setup->tags.begin(), plan.setup->tags.end(), std::pair<std::string, std::string>{"phase", "setup"}),
            plan.setup->tags.end());
  // Read as a plain variable, the message says how to read a setup value.
  const auto message = error("setup:\n  flow:\n    - url: http://127.0.0.1:9/s\n      extract: {api_key: $.key}\n" +
                             std::string(kScenario) + "    flow:\n      - url: http://127.0.0.1:9/${api_key}\n");
  EXPECT_NE(message.find("read a setup value as ${setup.api_key}"), std::string::npos) << message;
  EXPECT_NE(error("setup:\n  flow:\n    - url: http://127.0.0.1:9/${setup.x}\n" + std::string(kScenario) +
                  "    flow:\n      - url: http://127.0.0.1:9/\n")
                .find("setup cannot read its own values"),
            std::string::npos);
  EXPECT_NE(error("setup:\n  flow:\n    - url: http://127.0.0.1:9/s\n      extract: {api_key: $.key}\n" +
                  std::string(kScenario) + "    flow:\n      - url: http://127.0.0.1:9/${setup.apikey}\n")
                .find("the setup extracts no value 'apikey' (it extracts: api_key)"),
            std::string::npos);
  EXPECT_NE(error("setup:\n  executor: constant-vus\n  flow: []\n" + std::string(kScenario) + "    flow:\n      - url: http://127.0.0.1:9/\n")
                .find("unknown key 'executor'"),
            std::string::npos);
}

// Each segment runs its own setup: merged, the phases add up (and one failure is kept), apart from
// the scenarios' metrics.
TEST(Phases, RoundTripThroughSummaryJsonAndAddUpInAMerge) {
  const auto part = [](const std::string& segment, int requests, const std::string& failure) {
    output::Summary s;
    s.name = "t";
    s.segments = {segment};
    metrics::define_builtin_metrics(s.metrics);
    output::PhaseSummary setup{"setup", {}, 0.5, failure};
    metrics::define_builtin_metrics(setup.metrics);
    const metrics::Tags tags = metrics::normalize_tags({{"scenario", "setup"}, {"phase", "setup"}});
    setup.metrics.at(setup.metrics.series_index("http_reqs", tags)).value.add_counter(requests);
    setup.metrics.at(setup.metrics.series_index("http_req_duration", tags)).value.add_trend(12.0);
    s.phases.push_back(std::move(setup));
    return output::summary_from_json(output::summary_to_json(s), segment);
  };
  const auto merged = output::merge_summaries({part("1/2", 3, ""), part("2/2", 4, "check 'x' failed 1 time(s)")});
  const auto json = output::summary_to_json(merged);
  ASSERT_EQ(json.at("phases").size(), 1u);
  const auto& setup = json.at("phases")[0];
  EXPECT_EQ(setup.at("requests"), 7);
  EXPECT_FALSE(setup.at("ok").get<bool>());
  EXPECT_EQ(setup.at("failure"), "check 'x' failed 1 time(s)");
  EXPECT_FALSE(json.at("metrics").contains("http_reqs")) << "not in the scenarios' metrics";
  const auto text = output::render_text_summary(merged);
  EXPECT_NE(text.find("setup: FAILED: check 'x' failed 1 time(s); 0 iteration(s), 7 request(s), 0 failed"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace rsolv::loadgen
