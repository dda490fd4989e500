#pragma once
// The target file's YAML helpers, shared by the parsers of its sections (target.cpp, target_flows.cpp).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/security/target.hpp"

namespace rsolv::security::target_yaml {

using config::Document;

// YAML -> JSON for request bodies, expanding ${env.X} in strings.
nlohmann::json to_json(const Document& doc, const YAML::Node& node);
// A string value with ${env.X} expanded; `fallback` when the key is absent.
std::string expanded(const Document& doc, const YAML::Node& map, const char* key, std::string fallback = {});
// An integer that may come from the environment: `requests: ${env.RSOLV_API_LIMIT:-500}`.
std::int64_t expanded_int(const Document& doc, const YAML::Node& map, const char* key);
std::vector<std::string> string_list(const Document& doc, const YAML::Node& map, const char* key);
// An HTTP method the probes may send: `method: DROP` is a typo, not a request.
std::string parse_method(const Document& doc, const YAML::Node& map);

// The sections of the bola, race and business-logic suites (target_flows.cpp).
BolaTarget parse_bola(const Document& doc, const YAML::Node& node);
RaceTarget parse_race(const Document& doc, const YAML::Node& node);
BusinessLogicTarget parse_business_logic(const Document& doc, const YAML::Node& node);

}  // namespace rsolv::security::target_yaml
