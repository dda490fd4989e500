#pragma once
// k6's execution shortcuts on the command line (`--vus`, `--duration`, `--iterations`, `--stage`):
// when one is given, the file's scenarios are replaced by ONE scenario built as k6's
// DeriveScenariosFromShortcuts builds its default scenario:
//   --iterations N [--vus V] [--duration D]   shared-iterations (V VUs, default 1; maxDuration D)
//   --duration D [--vus V]                    constant-vus (V VUs, default 1)
//   --stage D:T ... [--vus V]                 ramping-vus (startVUs V, default 1)
// --stage with --iterations or --duration is refused (k6 refuses them too); --vus alone is refused
// (k6 ignores it with a warning: a flag that changes nothing is a mistake worth an error).
// The flow is the file's scenario named `default` (k6 runs the default function), else the first
// scenario of the file; it keeps its name, tags and flow (so `{scenario:NAME}` thresholds still
// apply), and only its executor changes (startTime 0, k6's defaults for the rest).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/loadgen/scenario/test_plan.hpp"

namespace rsolv::loadgen::scenario {

struct ExecutionShortcuts {
  std::optional<std::int64_t> vus;
  std::optional<std::string> duration;  // as written, e.g. "30s"
  std::optional<std::int64_t> iterations;
  std::vector<std::string> stages;  // "D:T" each, e.g. "10s:50"
  bool any() const { return vus || duration || iterations || !stages.empty(); }
};

// Bounds of the shortcut values, named in errors.
inline constexpr std::int64_t kMaxShortcutVus = 1'000'000;
inline constexpr std::int64_t kMaxShortcutIterations = 1'000'000'000'000;
inline constexpr std::size_t kMaxShortcutStages = 100;

// The executor the shortcuts describe, validated (throws rsolv::UsageError, one line naming the
// flag, the value and the accepted range).
executors::ExecutorConfig shortcut_executor(const ExecutionShortcuts& shortcuts);

// The scenario whose flow the shortcuts run: `default` when the file has one, else the first.
const Scenario& shortcut_flow_source(const TestPlan& plan);

// Replaces plan.scenarios by the one scenario (nothing changes when no shortcut is given).
void apply_shortcuts(TestPlan& plan, const ExecutionShortcuts& shortcuts);

}  // namespace rsolv::loadgen::scenario
