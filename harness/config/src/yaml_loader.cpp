#include "rsolv/config/yaml_loader.hpp"

#include "rsolv/config/bounded_file.hpp"
#include "yaml_guard.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace rsolv::config {

namespace {

using detail::at;

// yaml-cpp keeps the first of two equal keys and drops the second without a word; a user who
// writes `vus: 10` twice would never learn which one counts. Walk every mapping once (aliases
// share their anchor's mark, so visiting each mark once also bounds alias fan-out) and refuse.
void reject_duplicate_keys(const std::string& file, const YAML::Node& root) {
  std::set<std::pair<int, int>> visited;
  std::vector<YAML::Node> pending{root};
  while (!pending.empty()) {
    const YAML::Node node = pending.back();
    pending.pop_back();
    if (!node.IsMap() && !node.IsSequence()) continue;
    if (!visited.insert({node.Mark().line, node.Mark().column}).second) continue;
    if (node.IsSequence()) {
      for (const auto& item : node) pending.push_back(item);
      continue;
    }
    std::map<std::string, YAML::Mark, std::less<>> seen;
    for (const auto& entry : node) {
      if (entry.first.IsScalar()) {
        const auto [first, inserted] = seen.emplace(entry.first.Scalar(), entry.first.Mark());
        if (!inserted) {
          throw ConfigError(at(file, entry.first.Mark()) + ": duplicate key '" + entry.first.Scalar() +
                            "' (first set at line " + std::to_string(first->second.line + 1) + "; keep one)");
        }
      }
      pending.push_back(entry.second);
    }
  }
}

Document parse(std::string_view text, std::string file_label, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw ConfigError(file_label + ": larger than " + std::to_string(limits.max_bytes) + " bytes (limit " +
                      std::to_string(limits.max_bytes) + " bytes for a configuration file)");
  }
  // The guard runs yaml-cpp's parser once without building nodes, so the tree is only built from
  // text that is known to terminate within the limits; then only the first document is built.
  detail::check_yaml_limits(text, file_label, limits);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    throw detail::syntax_error(file_label, error);
  }
  Document doc{std::move(file_label), root};
  reject_duplicate_keys(doc.file, doc.root);
  return doc;
}

YAML::Node child(const Document& doc, const YAML::Node& map, std::string_view key) {
  require_map(doc, map, "this section");
  return map[std::string(key)];
}

YAML::Node required_child(const Document& doc, const YAML::Node& map, std::string_view key) {
  auto node = child(doc, map, key);
  if (!node || node.IsNull()) fail_at(doc, map, "missing required key '" + std::string(key) + "'");
  return node;
}

const char* kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null: return "empty";
    default: return "a scalar";
  }
}

}  // namespace

Document load_yaml_file(const std::string& path, const YamlLimits& limits) {
  return parse(read_bounded_file(path, limits.max_bytes, "a configuration file"), path, limits);
}

Document load_yaml_string(std::string_view text, std::string file_label, const YamlLimits& limits) {
  return parse(text, std::move(file_label), limits);
}

std::string location(const Document& doc, const YAML::Node& node) {
  if (!node.IsDefined()) return doc.file;
  return at(doc.file, node.Mark());
}

void fail_at(const Document& doc, const YAML::Node& node, const std::string& what) {
  throw ConfigError(location(doc, node) + ": " + what);
}

void require_map(const Document& doc, const YAML::Node& node, std::string_view what) {
  if (!node.IsMap()) fail_at(doc, node, std::string(what) + " must be a mapping (key: value), not " + kind(node));
}

void require_sequence(const Document& doc, const YAML::Node& node, std::string_view what) {
  if (!node.IsSequence()) fail_at(doc, node, std::string(what) + " must be a list, not " + kind(node));
}

std::string as_string(const Document& doc, const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) fail_at(doc, node, std::string(what) + " must be a string, not " + kind(node));
  return node.Scalar();
}

std::int64_t as_int(const Document& doc, const YAML::Node& node, std::string_view what) {
  const auto text = as_string(doc, node, what);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) fail_at(doc, node, std::string(what) + " is out of range: " + text);
  if (ec != std::errc() || end != text.data() + text.size()) {
    fail_at(doc, node, std::string(what) + " must be an integer, got '" + text + "'");
  }
  return value;
}

double as_double(const Document& doc, const YAML::Node& node, std::string_view what) {
  const auto text = as_string(doc, node, what);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    fail_at(doc, node, std::string(what) + " must be a number, got '" + text + "'");
  }
  return value;
}

bool as_bool(const Document& doc, const YAML::Node& node, std::string_view what) {
  const auto text = as_string(doc, node, what);
  if (text == "true") return true;
  if (text == "false") return false;
  fail_at(doc, node, std::string(what) + " must be true or false, got '" + text + "'");
}

std::string get_string(const Document& doc, const YAML::Node& map, std::string_view key) {
  return as_string(doc, required_child(doc, map, key), key);
}
std::optional<std::string> get_optional_string(const Document& doc, const YAML::Node& map, std::string_view key) {
  auto node = child(doc, map, key);
  if (!node || node.IsNull()) return std::nullopt;
  return as_string(doc, node, key);
}
std::int64_t get_int(const Document& doc, const YAML::Node& map, std::string_view key) {
  return as_int(doc, required_child(doc, map, key), key);
}
std::optional<std::int64_t> get_optional_int(const Document& doc, const YAML::Node& map, std::string_view key) {
  auto node = child(doc, map, key);
  if (!node || node.IsNull()) return std::nullopt;
  return as_int(doc, node, key);
}
double get_double(const Document& doc, const YAML::Node& map, std::string_view key) {
  return as_double(doc, required_child(doc, map, key), key);
}
std::optional<double> get_optional_double(const Document& doc, const YAML::Node& map, std::string_view key) {
  auto node = child(doc, map, key);
  if (!node || node.IsNull()) return std::nullopt;
  return as_double(doc, node, key);
}
bool get_bool(const Document& doc, const YAML::Node& map, std::string_view key) {
  return as_bool(doc, required_child(doc, map, key), key);
}
std::optional<bool> get_optional_bool(const Document& doc, const YAML::Node& map, std::string_view key) {
  auto node = child(doc, map, key);
  if (!node || node.IsNull()) return std::nullopt;
  return as_bool(doc, node, key);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const auto above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

void check_keys(const Document& doc, const YAML::Node& node, std::span<const std::string_view> allowed) {
  require_map(doc, node, "this section");
  for (const auto& entry : node) {
    const auto key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string_view best;
    std::size_t best_distance = 3;  // suggest only near misses
    for (auto candidate : allowed) {
      const auto distance = edit_distance(key, candidate);
      if (distance < best_distance) {
        best_distance = distance;
        best = candidate;
      }
    }
    std::string message = "unknown key '" + key + "'";
    if (!best.empty()) {
      message += " (did you mean '" + std::string(best) + "'?)";
    } else {
      message += " (allowed:";
      for (auto candidate : allowed) message += " " + std::string(candidate);
      message += ")";
    }
    fail_at(doc, entry.first, message);
  }
}

}  // namespace rsolv::config
