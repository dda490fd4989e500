// `merge`: the JSON summaries of --segment runs added up, thresholds evaluated again.
#include "command_common.hpp"

namespace rsolv::loadgen::cli {

int merge_command(const MergeArgs& args) {
  output::check_report_paths(args.files);
  std::vector<output::Summary> parts;
  for (const auto& input : args.inputs) parts.push_back(output::read_summary_file(input));
  return finish(output::merge_summaries(parts, args.allow_partial), args.files, {});
}

}  // namespace rsolv::loadgen::cli
