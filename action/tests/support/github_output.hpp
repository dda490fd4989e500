#pragma once
// Reads $GITHUB_OUTPUT back the way the runner does (its documented rules, written independently
// of the action's writer): "name=value" lines and "name<<DELIMITER" ... "DELIMITER" heredocs.
#include <map>
#include <string>
#include <string_view>

namespace rsolv::action::testing {

struct ParsedOutputs {
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> delimiters;  // for heredoc values
  std::string error;                              // empty when the file parsed
};

ParsedOutputs parse_github_output(std::string_view text);

// The runner's unescaping of workflow-command data and properties (%25 %0D %0A %3A %2C).
std::string unescape_command_value(std::string_view text);

}  // namespace rsolv::action::testing
