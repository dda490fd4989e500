#include "target_yaml.hpp"

#include "rsolv/common/error.hpp"
#include "rsolv/config/env_expand.hpp"

namespace rsolv::security::target_yaml {

// YAML -> JSON for request bodies, expanding ${env.X} in strings.
nlohmann::json to_json(const Document& doc, const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& entry : node) out[entry.first.Scalar()] = to_json(doc, entry.second);
    return out;
  }
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(to_json(doc, item));
    return out;
  }
  if (node.IsNull() || !node.IsDefined()) return nullptr;
  const auto text = node.Scalar();
  // A malformed ${env...} is the file's mistake: say where it is.
  const auto expand = [&](const std::string& value) {
    try {
      return config::expand_env(value, config::process_env());
    } catch (const UsageError& error) {
      config::fail_at(doc, node, error.what());
    }
  };
  if (node.Tag() == "!") return expand(text);  // quoted: a string
  if (text == "true" || text == "false") return text == "true";
  try {
    std::size_t used = 0;
    const auto integer = std::stoll(text, &used);
    if (used == text.size()) return integer;
  } catch (...) {
  }
  return expand(text);
}

std::string expanded(const Document& doc, const YAML::Node& map, const char* key, std::string fallback) {
  const auto value = config::get_optional_string(doc, map, key);
  if (!value) return fallback;
  try {
    return config::expand_env(*value, config::process_env());
  } catch (const UsageError& error) {
    config::fail_at(doc, map[key], error.what());
  }
}

// An integer that may come from the environment: `requests: ${env.RSOLV_API_LIMIT:-500}`.
std::int64_t expanded_int(const Document& doc, const YAML::Node& map, const char* key) {
  const auto text = expanded(doc, map, key);
  if (text.empty()) config::fail_at(doc, map, std::string("missing required key '") + key + "'");
  std::size_t used = 0;
  std::int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || used == 0) {
    config::fail_at(doc, map[key], std::string(key) + " must be an integer, got '" + text + "'");
  }
  return value;
}

std::vector<std::string> string_list(const Document& doc, const YAML::Node& map, const char* key) {
  std::vector<std::string> out;
  const auto node = map[key];
  if (!node) return out;
  config::require_sequence(doc, node, key);
  for (const auto& item : node) out.push_back(config::as_string(doc, item, key));
  return out;
}

// An HTTP method the probes may send: `method: DROP` is a typo, not a request.
std::string parse_method(const Document& doc, const YAML::Node& map) {
  const auto method = config::get_optional_string(doc, map, "method").value_or("GET");
  for (const auto* known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == known) return method;
  }
  config::fail_at(doc, map["method"], "method '" + method + "' is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS");
}

}  // namespace rsolv::security::target_yaml
