// The configuration front door (harness/config): YAML/JSON loading within its limits, then every
// scalar through env expansion, durations and rates, as the tools use them.
#include <functional>
#include <map>

#include "fuzz_target.hpp"
#include "rsolv/config/duration.hpp"
#include "rsolv/config/env_expand.hpp"
#include "rsolv/config/yaml_loader.hpp"

namespace {

using namespace rsolv;

const config::EnvLookup kEnv = [](std::string_view name) -> std::optional<std::string> {
  static const std::map<std::string, std::string, std::less<>> values = {{"SET", "30s"}, {"EMPTY", ""}, {"RATE", "5/s"}};
  const auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
};

void check_scalar(const std::string& text) {
  std::string expanded = text;
  try {
    expanded = config::expand_env(text, kEnv);
    if (text.find('$') == std::string::npos) FUZZ_CHECK(expanded == text, "expansion changed text without '$': " + text);
  } catch (const UsageError&) {
  }
  try {
    const auto duration = config::parse_duration(expanded);
    FUZZ_CHECK(duration.count() >= 0, "negative duration from '" + expanded + "'");
    const auto formatted = config::format_duration(duration);
    FUZZ_CHECK(config::parse_duration(formatted) == duration,
               "duration round trip: '" + expanded + "' -> '" + formatted + "'");
  } catch (const UsageError&) {
  }
  try {
    const auto rate = config::parse_rate(expanded);
    FUZZ_CHECK(rate.count >= 0 && rate.period.count() > 0, "rate '" + expanded + "'");
  } catch (const UsageError&) {
  }
}

void walk(const config::Document& doc, const YAML::Node& node, int depth) {
  FUZZ_CHECK(depth <= static_cast<int>(config::YamlLimits{}.max_depth) + 1, "tree deeper than the depth limit");
  if (node.IsScalar()) return check_scalar(node.Scalar());
  if (node.IsSequence()) {
    for (const auto& item : node) walk(doc, item, depth + 1);
  } else if (node.IsMap()) {
    for (const auto& entry : node) {
      walk(doc, entry.first, depth + 1);
      walk(doc, entry.second, depth + 1);
    }
  }
}

}  // namespace

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  config::Document doc;
  try {
    doc = config::load_yaml_string(text, "fuzz.yaml");
  } catch (const config::ConfigError& error) {
    FUZZ_CHECK(std::string_view(error.what()).starts_with("fuzz.yaml"), std::string("error without the file: ") + error.what());
    return;
  }
  // The alias limit bounds this walk: at most max_alias_nodes more than the text itself holds.
  walk(doc, doc.root, 0);
}
