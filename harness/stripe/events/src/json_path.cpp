#include "rsolv/stripe/events/json_path.hpp"

#include "rsolv/common/error.hpp"

namespace rsolv::stripe::events {

namespace {

std::string describe(const nlohmann::json& node) {
  if (node.is_array()) return "an array";
  if (node.is_object()) return "an object";
  return "the " + std::string(node.type_name()) + " " + node.dump();
}

// Step into `node` by one segment. Numeric names also index arrays ("data.0").
nlohmann::json* step(nlohmann::json& node, const PathSegment& segment, bool create, std::string_view path) {
  if (node.is_array()) {
    if (!segment.selects_element()) {
      throw UsageError("'" + segment.key + "' in path '" + std::string(path) + "' is applied to an array; use an index like [0]");
    }
    const std::size_t index = segment.index;
    if (index < node.size()) return &node[index];
    if (create && index == node.size()) {
      node.push_back(nullptr);
      return &node.back();
    }
    if (!create) return nullptr;
    throw UsageError("index " + std::to_string(index) + " in path '" + std::string(path) + "' is beyond the array's " +
                     std::to_string(node.size()) + " elements");
  }
  if (segment.is_index()) {
    if (!create) return nullptr;
    throw UsageError("index [" + std::to_string(segment.index) + "] in path '" + std::string(path) + "' is applied to " +
                     describe(node) + ", not an array");
  }
  if (node.is_null() && create) node = nlohmann::json::object();
  if (!node.is_object()) {
    if (!create) return nullptr;
    throw UsageError("'" + segment.key + "' in path '" + std::string(path) + "' is applied to " + describe(node) +
                     "; only objects have fields");
  }
  const auto it = node.find(segment.key);
  if (it != node.end()) return &*it;
  if (!create) return nullptr;
  return &node[segment.key];
}

// An event is JSON, and JSON text is UTF-8: a key or string that is not would make every later
// dump() of the event throw. Refused where it comes in, with what to do.
void require_utf8(std::string_view text, const char* what) {
  try {
    (void)nlohmann::json(std::string(text)).dump();
  } catch (const nlohmann::json::type_error&) {
    throw UsageError(std::string(what) + " is not valid UTF-8 (JSON text must be UTF-8; check the terminal's encoding)");
  }
}

}  // namespace

std::vector<PathSegment> parse_path(std::string_view path) {
  if (path.empty()) throw UsageError("empty field path; write e.g. data.object.customer");
  require_utf8(path, "the field path");
  auto segments = parse_json_path(path);
  if (segments.empty()) throw UsageError("field path '" + std::string(path) + "' names no field; write e.g. data.object.customer");
  return segments;
}

void set_path(nlohmann::json& document, std::string_view path, nlohmann::json value) {
  const auto segments = parse_path(path);
  nlohmann::json* node = &document;
  for (const auto& segment : segments) node = step(*node, segment, true, path);
  *node = std::move(value);
}

void unset_path(nlohmann::json& document, std::string_view path) {
  auto segments = parse_path(path);
  const auto last = segments.back();
  segments.pop_back();
  nlohmann::json* node = &document;
  for (const auto& segment : segments) {
    node = step(*node, segment, false, path);
    if (!node) break;
  }
  bool removed = false;
  if (node && node->is_object() && !last.is_index()) {
    removed = node->erase(last.key) > 0;
  } else if (node && node->is_array()) {
    const std::size_t index = last.selects_element() ? last.index : node->size();
    if (index < node->size()) {
      node->erase(index);
      removed = true;
    }
  }
  if (!removed) throw UsageError("cannot unset '" + std::string(path) + "': no such field in the event");
}

const nlohmann::json* find_path(const nlohmann::json& document, std::string_view path) {
  const auto segments = parse_path(path);
  // step() needs a mutable node but never mutates when create is false.
  auto* node = const_cast<nlohmann::json*>(&document);
  for (const auto& segment : segments) {
    node = step(*node, segment, false, path);
    if (!node) return nullptr;
  }
  return node;
}

nlohmann::json parse_value(std::string_view text) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) return parsed;
  require_utf8(text, "the value");
  return std::string(text);
}

std::pair<std::string, std::string> split_assignment(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw UsageError("'" + std::string(text) + "' is not path=value; write e.g. data.object.status=past_due");
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

}  // namespace rsolv::stripe::events
