// rsolv-loadgen: k6's scenario model at wrk's speed. Parses the arguments and calls one command of
// loadgen/cli (include/rsolv/loadgen/cli/commands.hpp: what each does, the exit codes).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <thread>

#include "rsolv/cli/parse.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/cli/commands.hpp"

namespace {

namespace lg = rsolv::loadgen;
namespace cli = rsolv::loadgen::cli;

// The scenario file and its overrides, as `run` and `validate` both take them. CLI11 fills plain
// values; `shortcuts()` keeps only the flags that were given.
struct PlanOptions {
  cli::PlanArgs args;
  std::int64_t vus = 0, iterations = 0;
  std::string duration;
  CLI::Option* vus_opt = nullptr;
  CLI::Option* duration_opt = nullptr;
  CLI::Option* iterations_opt = nullptr;

  cli::PlanArgs parsed() const {
    cli::PlanArgs out = args;
    if (vus_opt->count() > 0) out.shortcuts.vus = vus;
    if (duration_opt->count() > 0) out.shortcuts.duration = duration;
    if (iterations_opt->count() > 0) out.shortcuts.iterations = iterations;
    return out;
  }
};

void add_scenario_option(CLI::App& command, PlanOptions& plan) {
  command.add_option("scenario", plan.args.file, "scenario YAML file (- reads standard input)")->required();
}

void add_shortcut_options(CLI::App& command, PlanOptions& plan) {
  // k6's execution shortcuts: any of them replaces the file's scenarios (see scenario/shortcuts.hpp).
  plan.vus_opt =
      command
          .add_option("--vus", plan.vus, "VUs of the command-line scenario (with --duration, --iterations or --stage)")
          ->check(CLI::Range(std::int64_t{1}, lg::scenario::kMaxShortcutVus));
  plan.duration_opt = command.add_option("--duration", plan.duration,
                                         "run the flow with constant VUs this long (e.g. 30s), or cap --iterations");
  plan.iterations_opt =
      command.add_option("--iterations", plan.iterations, "run the flow exactly N times in total, shared by the VUs")
          ->check(CLI::Range(std::int64_t{1}, lg::scenario::kMaxShortcutIterations));
  // One value per flag: `--stage 10s:5 test.yaml` must not read test.yaml as a second stage.
  command.add_option("--stage", plan.args.shortcuts.stages, "DURATION:TARGET_VUS ramp stage (repeatable): a ramping-vus scenario")
      ->allow_extra_args(false);
}

CLI::App* add_run(CLI::App& app, cli::RunArgs& run, PlanOptions& plan) {
  auto* command = app.add_subcommand("run", "run a scenario file; exit 99 when a threshold fails");
  add_scenario_option(*command, plan);
  command->add_option("--segment", run.segment, "run slice K of N (K/N) of every executor, for N machines")
      ->capture_default_str();
  command->add_option("--out", run.files.out, "write the JSON summary (what `merge` reads) to this file");
  command->add_option("--junit", run.files.junit, "write a JUnit XML report (one case per threshold and check)");
  command->add_option("--html", run.files.html, "write a self-contained HTML report");
  command->add_option("--metrics-listen", run.metrics_listen, "serve live Prometheus metrics on HOST:PORT");
  command->add_option("-e,--env", plan.args.env, "NAME=VALUE for ${env.NAME} (wins over the environment); repeatable");
  // More threads than 4 per core only add context switches to the measurement.
  const int max_threads = 4 * std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  rsolv::cli::threads_option(*command, run.threads, "worker threads (default: one per core; at most 4 per core)",
                             max_threads);
  command->add_flag("-q,--quiet", run.quiet, "no banner or progress line, only the summary");
  add_shortcut_options(*command, plan);
  return command;
}

CLI::App* add_merge(CLI::App& app, cli::MergeArgs& merge) {
  auto* command = app.add_subcommand("merge", "combine the JSON summaries of --segment runs and re-check thresholds");
  command->add_option("summaries", merge.inputs, "summary.json files, one per segment")->required();
  command->add_option("--out", merge.files.out, "write the merged JSON summary to this file");
  command->add_option("--junit", merge.files.junit, "write a JUnit XML report");
  command->add_option("--html", merge.files.html, "write a self-contained HTML report");
  command->add_flag("--allow-partial", merge.allow_partial,
                    "merge even when segments are missing; the result is marked partial and never exits 0");
  return command;
}

CLI::App* add_validate(CLI::App& app, PlanOptions& plan) {
  auto* command = app.add_subcommand("validate", "check a scenario file (with run's overrides) without running it");
  add_scenario_option(*command, plan);
  command->add_option("-e,--env", plan.args.env, "NAME=VALUE for ${env.NAME}; repeatable");
  add_shortcut_options(*command, plan);
  return command;
}

CLI::App* add_compare(CLI::App& app, cli::CompareArgs& compare) {
  auto* command = app.add_subcommand(
      "compare", "compare two JSON summaries; exit 99 when a --max-regression limit is exceeded, 3 when too few samples");
  command->add_option("baseline", compare.baseline, "the summary to compare against (`run --out` of an earlier build)")
      ->required();
  command->add_option("current", compare.current, "the summary of this build")->required();
  command->add_option("--max-regression", compare.limits,
                      "\"METRIC STAT=N%\": STAT may worsen by at most N% (+N: higher is worse, -N: lower is worse); "
                      "repeatable")
      ->allow_extra_args(false);
  command->add_option("--junit", compare.junit, "write a JUnit XML report (one case per limit)");
  command->add_option("--html", compare.html, "write a self-contained HTML report of the comparison");
  return command;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rsolv-loadgen: scenario load tests (k6's model) at wrk's speed, with coordinated-omission-corrected latency"};
  app.set_version_flag("--version", std::string("rsolv-loadgen ") + RSOLV_VERSION);
  app.require_subcommand(1);
  cli::RunArgs run;
  PlanOptions run_plan, validate_plan;
  cli::MergeArgs merge;
  cli::CompareArgs compare;
  auto* run_cmd = add_run(app, run, run_plan);
  auto* merge_cmd = add_merge(app, merge);
  auto* validate_cmd = add_validate(app, validate_plan);
  auto* compare_cmd = add_compare(app, compare);
  if (const auto exit_code = rsolv::cli::parse(app, argc, argv, "rsolv-loadgen", std::cout, std::cerr)) return *exit_code;

  try {
    if (*run_cmd) {
      run.plan = run_plan.parsed();
      return cli::run_command(run);
    }
    if (*merge_cmd) return cli::merge_command(merge);
    if (*validate_cmd) return cli::validate_command(validate_plan.parsed());
    if (*compare_cmd) return cli::compare_command(compare);
  } catch (const rsolv::UsageError& e) {
    std::cerr << "rsolv-loadgen: error: " << e.what() << "\n";
    return cli::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "rsolv-loadgen: error: " << e.what() << "\n";
    return cli::kExitRuntime;
  }
  return cli::kExitUsage;
}
