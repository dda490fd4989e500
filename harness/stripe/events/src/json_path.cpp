#include "rsolv/stripe/events/json_path.hpp"

#include <charconv>

#include "rsolv/common/error.hpp"

namespace rsolv::stripe::events {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::size_t parse_index(std::string_view text, std::string_view path) {
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!all_digits(text) || error != std::errc() || end != text.data() + text.size()) {
    throw UsageError("bad array index '" + std::string(text) + "' in path '" + std::string(path) +
                     "'; write a number, e.g. lines.data[0].amount");
  }
  return value;
}

std::string describe(const nlohmann::json& node) {
  if (node.is_array()) return "an array";
  if (node.is_object()) return "an object";
  return "the " + std::string(node.type_name()) + " " + node.dump();
}

// Step into `node` by one segment. Numeric keys also index arrays ("data.0").
nlohmann::json* step(nlohmann::json& node, const PathSegment& segment, bool create, std::string_view path) {
  if (node.is_array()) {
    std::size_t index = segment.index;
    if (!segment.is_index) {
      if (!all_digits(segment.key)) {
        throw UsageError("'" + segment.key + "' in path '" + std::string(path) + "' is applied to an array; use an index like [0]");
      }
      index = parse_index(segment.key, path);
    }
    if (index < node.size()) return &node[index];
    if (create && index == node.size()) {
      node.push_back(nullptr);
      return &node.back();
    }
    if (!create) return nullptr;
    throw UsageError("index " + std::to_string(index) + " in path '" + std::string(path) + "' is beyond the array's " +
                     std::to_string(node.size()) + " elements");
  }
  if (segment.is_index) {
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
  std::vector<PathSegment> segments;
  if (path.empty()) throw UsageError("empty field path; write e.g. data.object.customer");
  require_utf8(path, "the field path");
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const auto dot = path.find('.', pos);
    auto part = path.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    const auto bracket = part.find('[');
    auto key = part.substr(0, bracket);
    if (key.empty() && bracket != 0) {
      throw UsageError("empty segment in field path '" + std::string(path) + "'; remove the doubled or trailing '.'");
    }
    if (!key.empty()) segments.push_back({std::string(key), 0, false});
    auto rest = bracket == std::string_view::npos ? std::string_view() : part.substr(bracket);
    if (bracket == 0 && segments.empty()) {
      throw UsageError("field path '" + std::string(path) + "' starts with an index; start with a field name");
    }
    while (!rest.empty()) {
      const auto close = rest.find(']');
      if (rest.front() != '[' || close == std::string_view::npos) {
        throw UsageError("malformed index in field path '" + std::string(path) + "'; write name[0]");
      }
      segments.push_back({"", parse_index(rest.substr(1, close - 1), path), true});
      rest = rest.substr(close + 1);
    }
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
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
  if (node && node->is_object() && !last.is_index) {
    removed = node->erase(last.key) > 0;
  } else if (node && node->is_array()) {
    const std::size_t index = last.is_index ? last.index : (all_digits(last.key) ? parse_index(last.key, path) : node->size());
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
