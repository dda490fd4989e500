// --vus/--duration/--iterations/--stage into one scenario, as k6's execution_config_shortcuts.go.
#include "rsolv/loadgen/scenario/shortcuts.hpp"

#include <charconv>

#include "rsolv/common/error.hpp"
#include "rsolv/config/duration.hpp"

namespace rsolv::loadgen::scenario {

namespace {

constexpr executors::Micros kMaxDuration{7LL * 24 * 3600 * 1'000'000};  // the executors' own bound

executors::Micros flag_duration(std::string_view flag, std::string_view text, bool positive) {
  executors::Micros value{0};
  try {
    value = config::parse_duration(text);
  } catch (const Error& e) {
    throw UsageError(std::string(flag) + " " + std::string(text) + ": " + e.what());
  }
  if ((positive && value <= executors::Micros{0}) || value < executors::Micros{0} || value > kMaxDuration) {
    throw UsageError(std::string(flag) + " " + std::string(text) + ": must be " + (positive ? "more than 0s" : "0s or more") +
                     " and at most 168h (a duration such as 30s, 1m30s or 500ms)");
  }
  return value;
}

void check_range(std::string_view flag, std::int64_t value, std::int64_t low, std::int64_t high) {
  if (value < low || value > high) {
    throw UsageError(std::string(flag) + " " + std::to_string(value) + ": must be between " + std::to_string(low) +
                     " and " + std::to_string(high));
  }
}

executors::Stage parse_stage(std::string_view text) {
  const auto colon = text.rfind(':');
  const auto bad = [&](const std::string& why) {
    return UsageError("--stage " + std::string(text) + ": " + why + " (write DURATION:TARGET_VUS, e.g. 30s:50)");
  };
  if (colon == std::string_view::npos) throw bad("no ':'");
  executors::Stage stage;
  stage.duration = flag_duration("--stage", text.substr(0, colon), false);
  const auto target = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(target.data(), target.data() + target.size(), stage.target);
  if (target.empty() || ec != std::errc() || end != target.data() + target.size()) {
    throw bad("target '" + std::string(target) + "' is not a whole number");
  }
  if (stage.target < 0 || stage.target > kMaxShortcutVus) {
    throw bad("target VUs must be between 0 and " + std::to_string(kMaxShortcutVus));
  }
  return stage;
}

}  // namespace

executors::ExecutorConfig shortcut_executor(const ExecutionShortcuts& s) {
  if (s.vus) check_range("--vus", *s.vus, 1, kMaxShortcutVus);
  if (s.iterations) check_range("--iterations", *s.iterations, 1, kMaxShortcutIterations);
  if (s.stages.size() > kMaxShortcutStages) {
    throw UsageError("--stage given " + std::to_string(s.stages.size()) + " times: at most " +
                     std::to_string(kMaxShortcutStages));
  }
  if (!s.stages.empty() && (s.iterations || s.duration)) {
    throw UsageError(std::string("--stage and --") + (s.iterations ? "iterations" : "duration") +
                     " together: give one of them (k6's rule: one execution shortcut at a time)");
  }
  executors::ExecutorConfig c;
  c.vus = s.vus.value_or(1);
  if (s.iterations) {
    c.kind = executors::ExecutorKind::shared_iterations;
    c.iterations = *s.iterations;
    if (s.duration) c.max_duration = flag_duration("--duration", *s.duration, true);
    if (c.iterations < c.vus) {
      throw UsageError("--iterations " + std::to_string(c.iterations) + " is less than --vus " + std::to_string(c.vus) +
                       ": every VU needs at least one iteration; lower --vus");
    }
  } else if (s.duration) {
    c.kind = executors::ExecutorKind::constant_vus;
    c.duration = flag_duration("--duration", *s.duration, true);
  } else if (!s.stages.empty()) {
    c.kind = executors::ExecutorKind::ramping_vus;
    c.start_vus = s.vus.value_or(1);
    for (const auto& text : s.stages) c.stages.push_back(parse_stage(text));
    executors::Micros total{0};
    for (const auto& stage : c.stages) total += stage.duration;
    if (total <= executors::Micros{0} || total > kMaxDuration) {
      throw UsageError("--stage: the stages add up to " + config::format_duration(total) +
                       "; their total must be more than 0s and at most 168h");
    }
  } else if (s.vus) {
    throw UsageError("--vus " + std::to_string(*s.vus) +
                     " alone changes nothing: add --duration D, --iterations N or --stage D:T");
  }
  executors::make_executor(c);  // the executor's own checks, for what the flags above do not cover
  return c;
}

const Scenario& shortcut_flow_source(const TestPlan& plan) {
  if (plan.scenarios.empty()) throw UsageError("the file has no scenario whose flow --vus/--duration/--iterations/--stage could run");
  for (const auto& scenario : plan.scenarios) {
    if (scenario.name == "default") return scenario;
  }
  return plan.scenarios.front();
}

void apply_shortcuts(TestPlan& plan, const ExecutionShortcuts& shortcuts) {
  if (!shortcuts.any()) return;
  const executors::ExecutorConfig executor = shortcut_executor(shortcuts);
  Scenario scenario = shortcut_flow_source(plan);
  scenario.executor = executor;
  plan.scenarios.clear();
  plan.scenarios.push_back(std::move(scenario));
}

}  // namespace rsolv::loadgen::scenario
