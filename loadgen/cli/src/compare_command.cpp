// `compare`: two summaries, limits on how far a statistic may worsen; a table, verdict lines, reports.
#include <iostream>

#include "rsolv/loadgen/cli/commands.hpp"
#include "rsolv/loadgen/compare/compare.hpp"
#include "rsolv/loadgen/output/summary.hpp"
#include "rsolv/report/atomic_file.hpp"

namespace rsolv::loadgen::cli {

namespace {

// Writes one report when asked for; false (and a line on stderr) when it could not be written.
bool write_report(const char* flag, const std::string& path, const std::string& text) {
  if (path.empty()) return true;
  try {
    report::write_file_atomic(path, text);
  } catch (const std::exception& e) {
    std::cerr << "rsolv-loadgen: error: " << flag << ": " << e.what() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int compare_command(const CompareArgs& args) {
  std::vector<compare::Limit> limits;
  for (const auto& text : args.limits) limits.push_back(compare::parse_limit(text));
  output::check_report_path("--junit", args.junit);
  output::check_report_path("--html", args.html);
  const auto comparison =
      compare::compare_summaries(output::read_summary_file(args.baseline), output::read_summary_file(args.current),
                                 limits, args.baseline, args.current);
  std::cout << compare::render_table(comparison);
  std::cout.flush();
  for (const auto& line : compare::verdict_lines(comparison)) std::cerr << "rsolv-loadgen: " << line << "\n";
  const bool junit_written = write_report("--junit", args.junit, compare::render_junit(comparison));
  const bool html_written = write_report("--html", args.html, compare::render_html(comparison));
  if (!junit_written || !html_written) return kExitRuntime;
  switch (comparison.outcome) {
    case compare::Outcome::passed: return kExitOk;
    case compare::Outcome::regressed: return kExitThresholds;
    case compare::Outcome::inconclusive: return kExitInconclusive;
  }
  return kExitRuntime;
}

}  // namespace rsolv::loadgen::cli
