#pragma once
// rsolv-loadgen's sub-commands, one file each (src/): main.cpp parses the arguments into these
// structs and calls one function; each returns the process's exit code. Exit codes as k6's: 0 pass,
// 99 thresholds failed (or a partial merge), 105 interrupted by a signal, 107 setup (or teardown)
// failed, 2 usage or configuration error, 1 runtime error (a report that could not be written
// included). `compare`: 0 within limits, 99 a limit exceeded, 3 inconclusive (too few samples to
// judge a limit), 2 usage, 1 a report not written. Errors are thrown (rsolv::UsageError: exit 2).
#include <string>
#include <vector>

#include "rsolv/loadgen/output/report_files.hpp"
#include "rsolv/loadgen/scenario/shortcuts.hpp"

namespace rsolv::loadgen::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInconclusive = 3;  // compare: too few samples to judge (not k6's; k6 has no compare)
inline constexpr int kExitThresholds = 99;   // k6's ThresholdsHaveFailed
inline constexpr int kExitInterrupted = 105;  // k6's ExternalAbort
inline constexpr int kExitSetupFailed = 107;  // k6's ScriptException (what a throwing setup() exits with)

// The scenario file and what changes it: `-e NAME=VALUE` and the execution shortcuts
// (--vus/--duration/--iterations/--stage). `run` and `validate` read the same plan from these.
struct PlanArgs {
  std::string file;  // "-": standard input
  std::vector<std::string> env;
  scenario::ExecutionShortcuts shortcuts;
};

struct RunArgs {
  PlanArgs plan;
  std::string segment = "1/1";
  output::ReportFiles files;
  std::string metrics_listen;
  int threads = 0;
  bool quiet = false;
};

struct MergeArgs {
  std::vector<std::string> inputs;
  output::ReportFiles files;
  bool allow_partial = false;
};

struct CompareArgs {
  std::string baseline;
  std::string current;
  std::vector<std::string> limits;
  std::string junit;
  std::string html;
};

int run_command(const RunArgs& args);
int merge_command(const MergeArgs& args);
// Loads the plan as `run` would (overrides applied) and checks every executor's options, without
// sending a request; prints one "FILE: ok (...)" line.
int validate_command(const PlanArgs& args);
int compare_command(const CompareArgs& args);

}  // namespace rsolv::loadgen::cli
