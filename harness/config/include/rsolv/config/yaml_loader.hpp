#pragma once
// YAML (and JSON, a YAML 1.2 subset) loading where every error names file:line:col, and typed
// getters that fail at the offending node. Used by loadgen scenarios, security targets and flows.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rsolv/common/error.hpp"

namespace rsolv::config {

// "FILE:LINE:COL: what is wrong (what to do)"; line and column are 1-based.
class ConfigError : public UsageError {
 public:
  using UsageError::UsageError;
};

// What one configuration file may cost. yaml-cpp 0.7 has no limits of its own: aliases share
// nodes, so a few hundred bytes of "billion laughs" expand to billions of nodes in every walk of
// the tree, and some inputs (a ',' after a top-level node) make it start empty documents forever.
// Each refusal names the limit.
struct YamlLimits {
  std::size_t max_bytes = 1024 * 1024;     // the file's size
  std::size_t max_depth = 128;             // nested mappings and lists
  std::size_t max_alias_nodes = 10'000;    // nodes materialised through aliases, summed over every alias
  std::size_t max_documents = 16;          // "---" separated documents (all but the first must be empty)
};

struct Document {
  std::string file;  // the label used in messages (the path as the user gave it)
  YAML::Node root;
};

// Both refuse, with file:line:col, what yaml-cpp would otherwise accept silently: a key repeated
// in one mapping (yaml-cpp keeps the first) and a second non-empty document after "---".
// Input beyond `limits` fails with file:line:col and the limit's value.
Document load_yaml_file(const std::string& path, const YamlLimits& limits = {});
Document load_yaml_string(std::string_view text, std::string file_label, const YamlLimits& limits = {});

// "file:line:col" of a node (the document's file alone when the node has no mark).
std::string location(const Document& doc, const YAML::Node& node);
[[noreturn]] void fail_at(const Document& doc, const YAML::Node& node, const std::string& what);

// Getters: a missing required key fails at the mapping, a wrong type fails at the value.
std::string get_string(const Document& doc, const YAML::Node& map, std::string_view key);
std::optional<std::string> get_optional_string(const Document& doc, const YAML::Node& map, std::string_view key);
std::int64_t get_int(const Document& doc, const YAML::Node& map, std::string_view key);
std::optional<std::int64_t> get_optional_int(const Document& doc, const YAML::Node& map, std::string_view key);
double get_double(const Document& doc, const YAML::Node& map, std::string_view key);
std::optional<double> get_optional_double(const Document& doc, const YAML::Node& map, std::string_view key);
bool get_bool(const Document& doc, const YAML::Node& map, std::string_view key);
std::optional<bool> get_optional_bool(const Document& doc, const YAML::Node& map, std::string_view key);

// Scalar conversions of a node already in hand.
std::string as_string(const Document& doc, const YAML::Node& node, std::string_view what);
std::int64_t as_int(const Document& doc, const YAML::Node& node, std::string_view what);
double as_double(const Document& doc, const YAML::Node& node, std::string_view what);
bool as_bool(const Document& doc, const YAML::Node& node, std::string_view what);

// Requires `node` to be a mapping whose keys are all in `allowed`; an unknown key fails at that key
// and suggests the closest allowed one ("did you mean 'duration'?").
void check_keys(const Document& doc, const YAML::Node& node, std::span<const std::string_view> allowed);
inline void check_keys(const Document& doc, const YAML::Node& node, std::initializer_list<std::string_view> allowed) {
  check_keys(doc, node, std::span<const std::string_view>(allowed.begin(), allowed.size()));
}
void require_map(const Document& doc, const YAML::Node& node, std::string_view what);
void require_sequence(const Document& doc, const YAML::Node& node, std::string_view what);

// Damerau-free Levenshtein distance, used for suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace rsolv::config
