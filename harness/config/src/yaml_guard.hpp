#pragma once
// Internal to the loader: an event-level pass over the text that enforces YamlLimits before
// yaml-cpp builds the tree the callers walk.
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "rsolv/config/yaml_loader.hpp"

namespace rsolv::config::detail {

// "file:line:col" (1-based) of a mark, or the file alone for a null mark.
std::string at(const std::string& file, const YAML::Mark& mark);

// The ConfigError for a yaml-cpp syntax error.
ConfigError syntax_error(const std::string& file, const YAML::Exception& error);

// Throws ConfigError at the offending place when the text exceeds a limit, when yaml-cpp would
// loop (it restarts an empty document at a stray ',' forever), or when a document after the
// first has content.
void check_yaml_limits(std::string_view text, const std::string& file, const YamlLimits& limits);

}  // namespace rsolv::config::detail
