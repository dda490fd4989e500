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
  const Step* step = nullptr;
  std::string name;  // the `name` tag
  engine::Endpoint endpoint;
  bool head = false;
  // The whole request when nothing in it varies (the loader's RequestSpec::prebuilt).
  const std::string* prebuilt = nullptr;
  std::vector<StatusRange> expected;  // http_req_failed is false for these statuses
  bool wants_sink = false;        // checks, extraction or records read the response
  Tags tags;                      // scenario, name, method and the user's tags (normalized)
};

struct PreparedScenario {
  const Scenario* scenario = nullptr;
  std::unique_ptr<Executor> executor;
  std::vector<PreparedStep> steps;
  Tags tags;  // scenario:<name> and the scenario's tags (normalized)
  std::atomic<std::int64_t> shared_claimed{0};  // shared-iterations: iterations claimed so far
};

struct PreparedPlan {
  const TestPlan* plan = nullptr;
  std::vector<engine::Address> addresses;  // by origin
  std::unique_ptr<engine::TlsContext> tls;
  std::vector<std::unique_ptr<PreparedScenario>> scenarios;
  Micros longest{0};  // max over scenarios of startTime + hard stop
};

// Resolves, builds executors for the segment and pre-serialises constant requests.
// Throws rsolv::UsageError (unresolvable host, bad executor options, bad CA file).
std::unique_ptr<PreparedPlan> prepare_plan(const TestPlan& plan, Segment segment);

}  // namespace rsolv::loadgen::runner
