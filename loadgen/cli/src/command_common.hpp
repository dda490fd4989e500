#pragma once
// What `run` and `validate` share: reading the plan the arguments describe, and the end of a run
// or merge (reports, text summary, exit code).
#include <vector>

#include "rsolv/common/secret.hpp"
#include "rsolv/loadgen/cli/commands.hpp"
#include "rsolv/loadgen/output/summary.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"

namespace rsolv::loadgen::cli {

// The file (or standard input) loaded with the -e overrides; the shortcuts are not applied yet.
scenario::TestPlan load_plan(const PlanArgs& args);

// Writes every report (each on its own: one failure loses no other), prints the text summary
// whatever happened to them, then one line per report that could not be written; the exit code.
// Every report goes through redact(): a secret in a tag or URL never reaches a file.
int finish(const output::Summary& summary, const output::ReportFiles& files, const std::vector<Secret>& secrets);

}  // namespace rsolv::loadgen::cli
