// rsolv-loadgen: k6's scenario model at wrk's speed. Parses arguments and calls the libraries:
// scenario (load), runner (run), output (reports). Exit codes as k6's: 0 pass, 99 thresholds failed
// (or a partial merge), 105 interrupted by a signal, 2 usage or configuration error, 1 runtime error
// (a report that could not be written included). `compare`: 0 within limits, 99 a limit exceeded,
// 3 inconclusive (too few samples to judge a limit), 2 usage, 1 a report not written.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "rsolv/cli/parse.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/common/secret.hpp"
#include "rsolv/config/bounded_file.hpp"
#include "rsolv/config/env_expand.hpp"
#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/loadgen/compare/compare.hpp"
#include "rsolv/loadgen/executors/segment.hpp"
#include "rsolv/loadgen/output/report_files.hpp"
#include "rsolv/loadgen/output/reports.hpp"
#include "rsolv/loadgen/output/summary.hpp"
#include "rsolv/loadgen/runner/metrics_server.hpp"
#include "rsolv/loadgen/runner/run.hpp"
#include "rsolv/loadgen/runner/stop_signals.hpp"
#include "rsolv/loadgen/metrics/timeline.hpp"
#include "rsolv/loadgen/scenario/shortcuts.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"
#include "rsolv/report/atomic_file.hpp"

namespace {

namespace lg = rsolv::loadgen;
namespace output = rsolv::loadgen::output;

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInconclusive = 3;  // compare: too few samples to judge (not k6's; k6 has no compare)
constexpr int kExitThresholds = 99;   // k6's ThresholdsHaveFailed
constexpr int kExitInterrupted = 105;  // k6's ExternalAbort
constexpr int kExitSetupFailed = 107;  // k6's ScriptException (what a throwing setup() exits with)

// k6's codes where they overlap. A report that could not be written wins: results were lost.
// A partial merge is never a pass (see docs/loadgen.md, "Segments and merge").
int exit_code(const output::Summary& summary, bool reports_failed) {
  if (reports_failed) return kExitRuntime;
  switch (output::outcome(summary)) {
    case output::Outcome::passed: return kExitOk;
    case output::Outcome::interrupted: return kExitInterrupted;
    case output::Outcome::thresholds_failed:
    case output::Outcome::partial: return kExitThresholds;
  }
  return kExitRuntime;
}

bool color_on(FILE* stream) { return ::isatty(::fileno(stream)) != 0 && std::getenv("NO_COLOR") == nullptr; }

// Writes every report (each on its own: one failure loses no other), prints the text summary
// whatever happened to them, then one line per report that could not be written; the exit code.
// Every report goes through redact(): a secret in a tag or URL never reaches a file.
int finish(const output::Summary& summary, const output::ReportFiles& files, const std::vector<rsolv::Secret>& secrets) {
  const auto failures = output::write_reports(summary, files, secrets);
  std::cout << rsolv::redact(output::render_text_summary(summary, color_on(stdout)), secrets);
  std::cout.flush();
  for (const auto& failure : failures) std::cerr << "rsolv-loadgen: error: " << rsolv::redact(failure, secrets) << "\n";
  return exit_code(summary, !failures.empty());
}

// `-e NAME=VALUE` wins over the process environment for ${env.NAME}.
rsolv::config::EnvLookup env_with_overrides(const std::vector<std::string>& assignments) {
  std::map<std::string, std::string, std::less<>> overrides;
  for (const auto& assignment : assignments) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw rsolv::UsageError("-e '" + assignment + "': expected NAME=VALUE");
    }
    overrides[assignment.substr(0, eq)] = assignment.substr(eq + 1);
  }
  auto process = rsolv::config::process_env();
  return [overrides = std::move(overrides), process](std::string_view name) -> std::optional<std::string> {
    if (const auto it = overrides.find(name); it != overrides.end()) return it->second;
    return process(name);
  };
}

// `-` reads the scenario from standard input (`generate | rsolv-loadgen run -`), under the same size
// limit as a file; its relative body_file paths are relative to the working directory.
lg::TestPlan load(const std::string& file, const std::vector<std::string>& env) {
  lg::LoadOptions options;
  options.env = env_with_overrides(env);
  if (file == "-") {
    const auto text = rsolv::config::read_bounded_file("/dev/stdin", rsolv::config::YamlLimits{}.max_bytes,
                                                       "a configuration file", "<stdin>");
    return lg::load_test_plan_string(text, "<stdin>", options);
  }
  return lg::load_test_plan_file(file, options);
}

int validate_command(const std::string& file, const std::vector<std::string>& env) {
  const lg::TestPlan plan = load(file, env);
  for (const auto& scenario : plan.scenarios) lg::make_executor(scenario.executor);  // options in range
  std::size_t steps = 0;
  for (const auto& scenario : plan.scenarios) steps += scenario.flow.size();
  std::cout << file << ": ok (" << plan.scenarios.size() << " scenario(s), " << steps << " step(s), "
            << plan.thresholds.size() << " threshold(s))\n";
  return kExitOk;
}

struct RunArgs {
  std::string file;
  std::string segment = "1/1";
  output::ReportFiles files;
  std::string metrics_listen;
  std::vector<std::string> env;
  int threads = 0;
  bool quiet = false;
  lg::ExecutionShortcuts shortcuts;  // --vus/--duration/--iterations/--stage
};

int run_command(const RunArgs& args) {
  lg::TestPlan plan = load(args.file, args.env);
  const std::string shortcut_flow = args.shortcuts.any() ? lg::shortcut_flow_source(plan).name : "";
  lg::apply_shortcuts(plan, args.shortcuts);
  output::check_report_paths(args.files);  // before the first request: an hour of load lost to a typo otherwise
  lg::RunOptions options;
  options.segment = lg::parse_segment(args.segment);
  options.threads = args.threads;
  // Sub-second timeline points for short tests (a 2 s run draws 20), one a second for long ones.
  lg::Micros planned{0};
  for (const auto& scenario : plan.scenarios) {
    planned = std::max(planned, scenario.executor.start_time + lg::make_executor(scenario.executor)->active_duration());
  }
  options.flush_interval = lg::timeline_interval(static_cast<double>(planned.count()) / 1e6);
  options.stop_requests = &lg::install_stop_signals();

  std::unique_ptr<lg::MetricsServer> metrics_server;
  if (!args.metrics_listen.empty()) {
    metrics_server = std::make_unique<lg::MetricsServer>(args.metrics_listen);
    if (!args.quiet) std::cerr << "metrics: http://" << metrics_server->address() << "/metrics\n";
  }
  const bool progress_line = !args.quiet && ::isatty(STDERR_FILENO) != 0;
  options.on_progress = [&](const lg::RunProgress& progress) {
    if (metrics_server) {
      const auto live = lg::evaluate(plan.thresholds, *progress.metrics, progress.elapsed_seconds);
      metrics_server->publish(rsolv::redact(output::render_prometheus(*progress.metrics, live), plan.secrets));
    }
    if (progress_line) {
      std::fprintf(stderr, "\r  running %6.1fs / %.0fs   vus %-6lld  requests %-10lld  failed %-8lld", progress.elapsed_seconds,
                   progress.planned_seconds, static_cast<long long>(progress.vus),
                   static_cast<long long>(progress.requests), static_cast<long long>(progress.failed));
      std::fflush(stderr);
    }
  };
  if (!args.quiet) {
    std::cerr << "rsolv-loadgen: " << (plan.name.empty() ? args.file : plan.name) << ", " << plan.scenarios.size()
              << " scenario(s), segment " << options.segment.str() << "\n";
    if (!shortcut_flow.empty()) {
      std::cerr << "rsolv-loadgen: command-line " << lg::to_string(plan.scenarios.front().executor.kind)
                << " runs the flow of scenario '" << shortcut_flow << "' in place of the file's scenarios\n";
    }
  }

  lg::RunResult result = lg::run_test(plan, options);
  if (progress_line) std::fputs("\n", stderr);
  if (result.setup.failed()) {
    std::cerr << "rsolv-loadgen: error: setup failed: " << rsolv::redact(result.setup.failure, plan.secrets)
              << " (no scenario ran)\n";
    return result.setup.interrupted ? kExitInterrupted : kExitSetupFailed;
  }

  output::Summary summary;
  summary.name = plan.name;
  summary.file = plan.file.empty() ? args.file : plan.file;
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
  if (metrics_server) {
    metrics_server->publish(
        rsolv::redact(output::render_prometheus(summary.metrics, summary.threshold_results), plan.secrets));
  }

  if (result.interrupted && !args.quiet) std::cerr << "rsolv-loadgen: stopped early by a signal; reports hold what ran\n";
  if (result.aborted_by_threshold) {
    std::cerr << "rsolv-loadgen: aborted: threshold " << rsolv::redact(result.aborting_threshold, plan.secrets)
              << " failed (abortOnFail)\n";
  }
  const int code = finish(summary, args.files, plan.secrets);
  if (result.teardown.failed()) {
    std::cerr << "rsolv-loadgen: error: teardown failed: " << rsolv::redact(result.teardown.failure, plan.secrets) << "\n";
    if (code == kExitOk) return kExitSetupFailed;
  }
  return code;
}

int merge_command(const std::vector<std::string>& inputs, const output::ReportFiles& files, bool allow_partial) {
  output::check_report_paths(files);
  std::vector<output::Summary> parts;
  for (const auto& input : inputs) parts.push_back(output::read_summary_file(input));
  return finish(output::merge_summaries(parts, allow_partial), files, {});
}

struct CompareArgs {
  std::string baseline;
  std::string current;
  std::vector<std::string> limits;
  std::string junit;
  std::string html;
};

int compare_command(const CompareArgs& args) {
  std::vector<lg::regression::Limit> limits;
  for (const auto& text : args.limits) limits.push_back(lg::regression::parse_limit(text));
  output::check_report_path("--junit", args.junit);
  output::check_report_path("--html", args.html);
  const auto comparison = lg::regression::compare_summaries(output::read_summary_file(args.baseline),
                                                         output::read_summary_file(args.current), limits, args.baseline,
                                                         args.current);
  std::cout << lg::regression::render_table(comparison);
  std::cout.flush();
  for (const auto& line : lg::regression::verdict_lines(comparison)) std::cerr << "rsolv-loadgen: " << line << "\n";
  bool failed = false;
  const auto write = [&](const char* flag, const std::string& path, const std::string& text) {
    if (path.empty()) return;
    try {
      rsolv::report::write_file_atomic(path, text);
    } catch (const std::exception& e) {
      std::cerr << "rsolv-loadgen: error: " << flag << ": " << e.what() << "\n";
      failed = true;
    }
  };
  write("--junit", args.junit, lg::regression::render_junit(comparison));
  write("--html", args.html, lg::regression::render_html(comparison));
  if (failed) return kExitRuntime;
  switch (comparison.outcome) {
    case lg::regression::Outcome::passed: return kExitOk;
    case lg::regression::Outcome::regressed: return kExitThresholds;
    case lg::regression::Outcome::inconclusive: return kExitInconclusive;
  }
  return kExitRuntime;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rsolv-loadgen: scenario load tests (k6's model) at wrk's speed, with coordinated-omission-corrected latency"};
  app.set_version_flag("--version", std::string("rsolv-loadgen ") + RSOLV_VERSION);
  app.require_subcommand(1);

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "run a scenario file; exit 99 when a threshold fails");
  run_cmd->add_option("scenario", run.file, "scenario YAML file (- reads standard input)")->required();
  run_cmd->add_option("--segment", run.segment, "run slice K of N (K/N) of every executor, for N machines")
      ->capture_default_str();
  run_cmd->add_option("--out", run.files.out, "write the JSON summary (what `merge` reads) to this file");
  run_cmd->add_option("--junit", run.files.junit, "write a JUnit XML report (one case per threshold and check)");
  run_cmd->add_option("--html", run.files.html, "write a self-contained HTML report");
  run_cmd->add_option("--metrics-listen", run.metrics_listen, "serve live Prometheus metrics on HOST:PORT");
  run_cmd->add_option("-e,--env", run.env, "NAME=VALUE for ${env.NAME} (wins over the environment); repeatable");
  // More threads than 4 per core only add context switches to the measurement.
  const int max_threads = 4 * std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  rsolv::cli::threads_option(*run_cmd, run.threads, "worker threads (default: one per core; at most 4 per core)",
                             max_threads);
  run_cmd->add_flag("-q,--quiet", run.quiet, "no banner or progress line, only the summary");
  // k6's execution shortcuts: any of them replaces the file's scenarios (see scenario/shortcuts.hpp).
  std::int64_t shortcut_vus = 0, shortcut_iterations = 0;
  std::string shortcut_duration;
  auto* vus_opt = run_cmd->add_option("--vus", shortcut_vus, "VUs of the command-line scenario (with --duration, --iterations or --stage)")
                      ->check(CLI::Range(std::int64_t{1}, lg::kMaxShortcutVus));
  auto* duration_opt = run_cmd->add_option("--duration", shortcut_duration,
                                           "run the flow with constant VUs this long (e.g. 30s), or cap --iterations");
  auto* iterations_opt = run_cmd->add_option("--iterations", shortcut_iterations,
                                             "run the flow exactly N times in total, shared by the VUs")
                             ->check(CLI::Range(std::int64_t{1}, lg::kMaxShortcutIterations));
  // One value per flag: `--stage 10s:5 test.yaml` must not read test.yaml as a second stage.
  run_cmd->add_option("--stage", run.shortcuts.stages, "DURATION:TARGET_VUS ramp stage (repeatable): a ramping-vus scenario")
      ->allow_extra_args(false);

  std::vector<std::string> merge_inputs;
  output::ReportFiles merge_files;
  bool allow_partial = false;
  auto* merge_cmd = app.add_subcommand("merge", "combine the JSON summaries of --segment runs and re-check thresholds");
  merge_cmd->add_option("summaries", merge_inputs, "summary.json files, one per segment")->required();
  merge_cmd->add_option("--out", merge_files.out, "write the merged JSON summary to this file");
  merge_cmd->add_option("--junit", merge_files.junit, "write a JUnit XML report");
  merge_cmd->add_option("--html", merge_files.html, "write a self-contained HTML report");
  merge_cmd->add_flag("--allow-partial", allow_partial,
                      "merge even when segments are missing; the result is marked partial and never exits 0");

  std::string validate_file;
  std::vector<std::string> validate_env;
  auto* validate_cmd = app.add_subcommand("validate", "check a scenario file without running it");
  validate_cmd->add_option("scenario", validate_file, "scenario YAML file (- reads standard input)")->required();
  validate_cmd->add_option("-e,--env", validate_env, "NAME=VALUE for ${env.NAME}; repeatable");

  CompareArgs compare;
  auto* compare_cmd = app.add_subcommand(
      "compare", "compare two JSON summaries; exit 99 when a --max-regression limit is exceeded, 3 when too few samples");
  compare_cmd->add_option("baseline", compare.baseline, "the summary to compare against (`run --out` of an earlier build)")
      ->required();
  compare_cmd->add_option("current", compare.current, "the summary of this build")->required();
  compare_cmd->add_option("--max-regression", compare.limits,
                          "\"METRIC STAT=N%\": STAT may worsen by at most N% (+N: higher is worse, -N: lower is worse); "
                          "repeatable")
      ->allow_extra_args(false);
  compare_cmd->add_option("--junit", compare.junit, "write a JUnit XML report (one case per limit)");
  compare_cmd->add_option("--html", compare.html, "write a self-contained HTML report of the comparison");

  if (const auto exit_code = rsolv::cli::parse(app, argc, argv, "rsolv-loadgen", std::cout, std::cerr)) return *exit_code;

  try {
    if (*run_cmd) {
      if (vus_opt->count() > 0) run.shortcuts.vus = shortcut_vus;
      if (duration_opt->count() > 0) run.shortcuts.duration = shortcut_duration;
      if (iterations_opt->count() > 0) run.shortcuts.iterations = shortcut_iterations;
      return run_command(run);
    }
    if (*merge_cmd) return merge_command(merge_inputs, merge_files, allow_partial);
    if (*validate_cmd) return validate_command(validate_file, validate_env);
    if (*compare_cmd) return compare_command(compare);
  } catch (const rsolv::UsageError& e) {
    std::cerr << "rsolv-loadgen: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "rsolv-loadgen: error: " << e.what() << "\n";
    return kExitRuntime;
  }
  return kExitUsage;
}
