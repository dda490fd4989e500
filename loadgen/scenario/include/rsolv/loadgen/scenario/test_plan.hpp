#pragma once
// A scenario file, loaded: scenarios (executor + flow of steps), thresholds and custom metrics,
// everything validated and compiled, so that a run only renders templates and compares values.
#include <chrono>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/common/secret.hpp"
#include "rsolv/config/env_expand.hpp"
#include "rsolv/loadgen/engine/url.hpp"
#include "rsolv/loadgen/executors/executor.hpp"
#include "rsolv/loadgen/metrics/metric_set.hpp"
#include "rsolv/loadgen/metrics/thresholds.hpp"
#include "rsolv/loadgen/scenario/checks.hpp"
#include "rsolv/loadgen/scenario/data_source.hpp"
#include "rsolv/loadgen/scenario/json_path.hpp"
#include "rsolv/loadgen/scenario/template.hpp"

namespace rsolv::loadgen::scenario {

// Think time: a uniform random pause in [min, max].
struct SleepRange {
  executors::Micros min{0};
  executors::Micros max{0};
  bool set() const { return max > executors::Micros{0}; }
};

struct RequestSpec {
  std::string method = "GET";
  int endpoint = -1;  // index into TestPlan::origins; connections are reused per endpoint
  Template target;    // path and query
  std::vector<std::pair<std::string, Template>> headers;
  bool has_body = false;
  Template body;
  bool sign_stripe = false;  // Stripe-Signature over the exact body bytes sent
  Secret stripe_secret;
  executors::Micros timeout{60'000'000};
  bool user_agent_set = false;  // the step sets its own User-Agent header
  std::vector<StatusRange> expected_statuses;  // http_req_failed is false for these (default 200-399)
  // The whole request, when nothing in it varies: sent as is, never rendered.
  std::string prebuilt;
};

struct Extraction {
  enum class Source { json, header, regex };
  int variable = -1;
  Source source = Source::json;
  JsonPath path;
  int header_slot = -1;
  std::shared_ptr<const std::regex> regex;  // first capture group (or the whole match)
};

struct Recording {
  enum class Source { constant, checks, ok, duration, status, json, variable };
  std::string metric;
  metrics::MetricType type = metrics::MetricType::counter;
  Source source = Source::constant;
  double constant = 0;
  JsonPath path;
  int variable = -1;
};

struct Step {
  enum class Kind { request, sleep };
  Kind kind = Kind::request;
  std::string name;      // the `name` tag of its metrics
  std::string location;  // file:line:col, for messages
  RequestSpec request;
  std::vector<Check> checks;
  std::vector<Extraction> extracts;
  std::vector<Recording> records;
  SleepRange sleep;  // after the request, or the whole step when kind == sleep
  bool once = false;  // only in each VU's first iteration (log in, sign up)
  metrics::Tags tags;                         // the step's own tags (merged over the scenario's)
  std::vector<std::string> captured_headers;  // lowercase names checks and extraction read
  bool needs_body = false;
  bool needs_json = false;
};

struct Scenario {
  std::string name;
  std::string location;
  executors::ExecutorConfig executor;
  std::vector<Step> flow;
  metrics::Tags tags;
  // The data sources its flow reads (or its `data:` names), each with its row choice.
  std::vector<DataUse> data;
};

struct TestPlan {
  std::string file;
  std::string name;
  std::vector<Scenario> scenarios;
  std::vector<metrics::Threshold> thresholds;
  std::vector<metrics::MetricInfo> custom_metrics;
  VariableTable variables;
  std::vector<engine::Origin> origins;
  bool insecure_skip_tls_verify = false;
  std::string ca_file;
  std::string user_agent;
  // The most bytes a response body may take (`maxResponseBytes`); a larger one fails its request
  // (status 0) instead of being read to the timeout.
  std::int64_t max_response_bytes = 64 * 1024 * 1024;
  std::vector<Secret> secrets;  // every secret the file holds, for redaction
  std::string description;
  // Variables some step reads before any step of its scenario extracted them start with these
  // values (`vars:`); the others start empty. Indexed like `variables` (same size).
  std::vector<std::optional<std::string>> initial_values;
  // `data:` sources, by source index (VariableTable::sources). The source "setup" (index
  // setup_source, -1 when no setup extracts anything) is an empty table here: its rows are
  // the setup's iterations' extracted values, known only at run time.
  std::vector<DataTable> data;
  int setup_source = -1;
  std::vector<int> setup_columns;  // the variables the setup extracts, one column each
  // `setup:` / `teardown:` flows: one VU, `iterations` times (per-vu-iterations), before and
  // after the scenarios. Their scenario name is "setup" / "teardown", tagged phase:setup|teardown.
  std::optional<Scenario> setup;
  std::optional<Scenario> teardown;

  // The longest the test can take (max over scenarios of startTime + duration + gracefulStop).
  executors::Micros max_duration() const;
};

struct LoadOptions {
  config::EnvLookup env = config::process_env();
};

// Throw config::ConfigError ("FILE:LINE:COL: what is wrong (what to do)") for any mistake.
TestPlan load_test_plan_file(const std::string& path, const LoadOptions& options = {});
TestPlan load_test_plan_string(std::string_view text, std::string label, const LoadOptions& options = {});

}  // namespace rsolv::loadgen::scenario
