#include "command_common.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>

#include "rsolv/common/error.hpp"
#include "rsolv/config/bounded_file.hpp"
#include "rsolv/config/env_expand.hpp"
#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/loadgen/output/reports.hpp"

namespace rsolv::loadgen::cli {

namespace {

// `-e NAME=VALUE` wins over the process environment for ${env.NAME}.
config::EnvLookup env_with_overrides(const std::vector<std::string>& assignments) {
  std::map<std::string, std::string, std::less<>> overrides;
  for (const auto& assignment : assignments) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("-e '" + assignment + "': expected NAME=VALUE");
    overrides[assignment.substr(0, eq)] = assignment.substr(eq + 1);
  }
  auto process = config::process_env();
  return [overrides = std::move(overrides), process](std::string_view name) -> std::optional<std::string> {
    if (const auto it = overrides.find(name); it != overrides.end()) return it->second;
    return process(name);
  };
}

bool color_on(FILE* stream) { return ::isatty(::fileno(stream)) != 0 && std::getenv("NO_COLOR") == nullptr; }

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

}  // namespace

// `-` reads the scenario from standard input (`generate | rsolv-loadgen run -`), under the same size
// limit as a file; its relative body_file paths are relative to the working directory.
scenario::TestPlan load_plan(const PlanArgs& args) {
  scenario::LoadOptions options;
  options.env = env_with_overrides(args.env);
  if (args.file == "-") {
    const auto text =
        config::read_bounded_file("/dev/stdin", config::YamlLimits{}.max_bytes, "a configuration file", "<stdin>");
    return scenario::load_test_plan_string(text, "<stdin>", options);
  }
  return scenario::load_test_plan_file(args.file, options);
}

int finish(const output::Summary& summary, const output::ReportFiles& files, const std::vector<Secret>& secrets) {
  const auto failures = output::write_reports(summary, files, secrets);
  std::cout << redact(output::render_text_summary(summary, color_on(stdout)), secrets);
  std::cout.flush();
  for (const auto& failure : failures) std::cerr << "rsolv-loadgen: error: " << redact(failure, secrets) << "\n";
  return exit_code(summary, !failures.empty());
}

}  // namespace rsolv::loadgen::cli
