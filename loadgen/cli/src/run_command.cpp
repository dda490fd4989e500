// `run`: the plan (with its command-line overrides), run to its end, then the summary and reports.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>

#include "command_common.hpp"
#include "rsolv/loadgen/executors/segment.hpp"
#include "rsolv/loadgen/metrics/timeline.hpp"
#include "rsolv/loadgen/output/reports.hpp"
#include "rsolv/loadgen/runner/metrics_server.hpp"
#include "rsolv/loadgen/runner/run.hpp"
#include "rsolv/loadgen/runner/stop_signals.hpp"

namespace rsolv::loadgen::cli {

namespace {

// Sub-second timeline points for short tests (a 2 s run draws 20), one a second for long ones.
std::chrono::milliseconds flush_interval(const scenario::TestPlan& plan) {
  executors::Micros planned{0};
  for (const auto& scenario : plan.scenarios) {
    planned = std::max(planned,
                       scenario.executor.start_time + executors::make_executor(scenario.executor)->active_duration());
  }
  return metrics::timeline_interval(static_cast<double>(planned.count()) / 1e6);
}

// Live metrics for --metrics-listen and the progress line on a terminal, after every interval.
std::function<void(const runner::RunProgress&)> progress_reporter(const scenario::TestPlan& plan,
                                                                  runner::MetricsServer* metrics_server,
                                                                  bool progress_line) {
  return [&plan, metrics_server, progress_line](const runner::RunProgress& progress) {
    if (metrics_server != nullptr) {
      const auto live = metrics::evaluate(plan.thresholds, *progress.metrics, progress.elapsed_seconds);
      metrics_server->publish(redact(output::render_prometheus(*progress.metrics, live), plan.secrets));
    }
    if (progress_line) {
      std::fprintf(stderr, "\r  running %6.1fs / %.0fs   vus %-6lld  requests %-10lld  failed %-8lld", progress.elapsed_seconds,
                   progress.planned_seconds, static_cast<long long>(progress.vus),
                   static_cast<long long>(progress.requests), static_cast<long long>(progress.failed));
      std::fflush(stderr);
    }
  };
}

void print_banner(const RunArgs& args, const scenario::TestPlan& plan, const runner::RunOptions& options,
                  const std::string& shortcut_flow) {
  std::cerr << "rsolv-loadgen: " << (plan.name.empty() ? args.plan.file : plan.name) << ", " << plan.scenarios.size()
            << " scenario(s), segment " << options.segment.str() << "\n";
  if (!shortcut_flow.empty()) {
    std::cerr << "rsolv-loadgen: command-line " << to_string(plan.scenarios.front().executor.kind)
              << " runs the flow of scenario '" << shortcut_flow << "' in place of the file's scenarios\n";
  }
}

output::Summary make_summary(const RunArgs& args, const scenario::TestPlan& plan, runner::RunResult& result) {
  output::Summary summary;
  summary.name = plan.name;
  summary.file = plan.file.empty() ? args.plan.file : plan.file;
  summary.tool_version = RSOLV_VERSION;
  summary.segments = {result.segment};
  summary.started_unix_ms = result.started_unix_ms;
  summary.duration_seconds = result.duration_seconds;
  summary.interrupted = result.interrupted;
  summary.aborted_by_threshold = result.aborted_by_threshold;
  summary.aborting_threshold = result.aborting_threshold;
  summary.metrics = std::move(result.metrics);
  summary.thresholds = plan.thresholds;
  summary.timeline = std::move(result.timeline);
  for (auto* phase : {&result.setup, &result.teardown}) {
    if (phase->ran) {
      summary.phases.push_back({phase == &result.setup ? "setup" : "teardown", std::move(phase->metrics),
                                phase->duration_seconds, phase->failure});
    }
  }
  output::evaluate_thresholds(summary);
  return summary;
}

}  // namespace

int run_command(const RunArgs& args) {
  scenario::TestPlan plan = load_plan(args.plan);
  const std::string shortcut_flow = args.plan.shortcuts.any() ? scenario::shortcut_flow_source(plan).name : "";
  scenario::apply_shortcuts(plan, args.plan.shortcuts);
  output::check_report_paths(args.files);  // before the first request: an hour of load lost to a typo otherwise
  runner::RunOptions options;
  options.segment = executors::parse_segment(args.segment);
  options.threads = args.threads;
  options.flush_interval = flush_interval(plan);
  options.stop_requests = &runner::install_stop_signals();

  std::unique_ptr<runner::MetricsServer> metrics_server;
  if (!args.metrics_listen.empty()) {
    metrics_server = std::make_unique<runner::MetricsServer>(args.metrics_listen);
    if (!args.quiet) std::cerr << "metrics: http://" << metrics_server->address() << "/metrics\n";
  }
  const bool progress_line = !args.quiet && ::isatty(STDERR_FILENO) != 0;
  options.on_progress = progress_reporter(plan, metrics_server.get(), progress_line);
  if (!args.quiet) print_banner(args, plan, options, shortcut_flow);

  runner::RunResult result = runner::run_test(plan, options);
  if (progress_line) std::fputs("\n", stderr);
  if (result.setup.failed()) {
    std::cerr << "rsolv-loadgen: error: setup failed: " << redact(result.setup.failure, plan.secrets)
              << " (no scenario ran)\n";
    return result.setup.interrupted ? kExitInterrupted : kExitSetupFailed;
  }
  const output::Summary summary = make_summary(args, plan, result);
  if (metrics_server) {
    metrics_server->publish(redact(output::render_prometheus(summary.metrics, summary.threshold_results), plan.secrets));
  }
  if (result.interrupted && !args.quiet) std::cerr << "rsolv-loadgen: stopped early by a signal; reports hold what ran\n";
  if (result.aborted_by_threshold) {
    std::cerr << "rsolv-loadgen: aborted: threshold " << redact(result.aborting_threshold, plan.secrets)
              << " failed (abortOnFail)\n";
  }
  const int code = finish(summary, args.files, plan.secrets);
  if (result.teardown.failed()) {
    std::cerr << "rsolv-loadgen: error: teardown failed: " << redact(result.teardown.failure, plan.secrets) << "\n";
    if (code == kExitOk) return kExitSetupFailed;
  }
  return code;
}

}  // namespace rsolv::loadgen::cli
