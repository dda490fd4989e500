#include "rsolv/loadgen/scenario/json_path.hpp"

#include <nlohmann/json.hpp>

namespace rsolv::loadgen::scenario {

JsonPath JsonPath::parse(std::string_view text) {
  JsonPath path;
  path.text_ = std::string(text);
  path.steps_ = parse_json_path(text);
  return path;
}

const nlohmann::json* JsonPath::find(const nlohmann::json& document) const {
  const nlohmann::json* current = &document;
  for (const auto& step : steps_) {
    if (current->is_array()) {
      if (!step.selects_element() || step.index >= current->size()) return nullptr;
      current = &(*current)[step.index];
    } else {
      if (!current->is_object() || step.is_index()) return nullptr;
      const auto it = current->find(step.key);
      if (it == current->end()) return nullptr;
      current = &*it;
    }
  }
  return current;
}

std::string json_scalar_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace rsolv::loadgen::scenario
