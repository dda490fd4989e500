#pragma once
// What every worker thread of a run shares, read-only once built: the plan's scenarios with their
// executors, resolved addresses, the TLS context, each step's request pre-serialised when nothing
// in it varies, and the tags of its metrics.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "rsolv/loadgen/engine/connection.hpp"
#include "rsolv/loadgen/engine/tls.hpp"
#include "rsolv/loadgen/executors/executor.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"

namespace rsolv::loadgen::runner {

struct PreparedStep {
  const scenario::Step* step = nullptr;
  std::string name;  // the `name` tag
  engine::Endpoint endpoint;
  bool head = false;
  // The whole request when nothing in it varies (the loader's RequestSpec::prebuilt).
  const std::string* prebuilt = nullptr;
  std::vector<scenario::StatusRange> expected;  // http_req_failed is false for these statuses
  bool wants_sink = false;        // checks, extraction or records read the response
  metrics::Tags tags;             // scenario, name, method and the user's tags (normalized)
};

struct PreparedScenario {
  const scenario::Scenario* scenario = nullptr;
  std::unique_ptr<executors::Executor> executor;
  std::vector<PreparedStep> steps;
  metrics::Tags tags;                           // scenario:<name> and the scenario's tags (normalized)
  std::atomic<std::int64_t> shared_claimed{0};  // shared-iterations: iterations claimed so far
  // Its data sources and, per source, the rows taken so far (shared by every worker thread).
  std::vector<scenario::DataUse> data;
  std::unique_ptr<std::atomic<std::int64_t>[]> data_taken;
  // The setup phase: each finished iteration's extracted values become a row of this table.
  scenario::DataTable* collect = nullptr;
  std::vector<int> collect_variables;
};

struct PreparedPlan {
  const scenario::TestPlan* plan = nullptr;
  std::vector<engine::Address> addresses;  // by origin
  std::unique_ptr<engine::TlsContext> tls;
  std::vector<std::unique_ptr<PreparedScenario>> scenarios;
  executors::Micros longest{0};                    // max over scenarios of startTime + hard stop
  std::vector<const scenario::DataTable*> tables;  // by data source: the plan's, the setup's rows for "setup"
};

// Resolves, builds executors for the segment and pre-serialises constant requests, for
// `scenarios` (the plan's, or its setup or teardown). `setup_rows` stands for the source "setup".
// Throws rsolv::UsageError (unresolvable host, bad executor options, bad CA file).
std::unique_ptr<PreparedPlan> prepare_plan(const scenario::TestPlan& plan, executors::Segment segment,
                                           const std::vector<const scenario::Scenario*>& scenarios,
                                           const scenario::DataTable* setup_rows = nullptr);

}  // namespace rsolv::loadgen::runner
