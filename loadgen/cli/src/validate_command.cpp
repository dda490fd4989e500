// `validate`: the plan `run` would run (file, -e and the execution shortcuts), checked without a request.
#include <iostream>

#include "command_common.hpp"
#include "rsolv/loadgen/executors/executor.hpp"

namespace rsolv::loadgen::cli {

int validate_command(const PlanArgs& args) {
  scenario::TestPlan plan = load_plan(args);
  scenario::apply_shortcuts(plan, args.shortcuts);
  for (const auto& scenario : plan.scenarios) executors::make_executor(scenario.executor);  // options in range
  std::size_t steps = 0;
  for (const auto& scenario : plan.scenarios) steps += scenario.flow.size();
  std::cout << args.file << ": ok (" << plan.scenarios.size() << " scenario(s), " << steps << " step(s), "
            << plan.thresholds.size() << " threshold(s))\n";
  return kExitOk;
}

}  // namespace rsolv::loadgen::cli
