#include "rsolv/loadgen/scenario/json_path.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>

#include "rsolv/common/error.hpp"

namespace rsolv::loadgen::scenario {

JsonPath JsonPath::parse(std::string_view text) {
  JsonPath path;
  path.text_ = std::string(text);
  const auto fail = [&](const std::string& why) -> JsonPath {
    throw UsageError("invalid JSON path '" + std::string(text) + "': " + why + " (write e.g. $.customer.id or $.items[0])");
  };
  std::size_t i = 0;
  if (text.starts_with("$")) i = 1;
  if (i == 1 && i < text.size() && text[i] != '.' && text[i] != '[') return fail("expected '.' or '[' after '$'");
  bool expect_name = i == 0;  // "a.b" without "$" starts with a name
  while (i < text.size()) {
    if (expect_name || text[i] == '.') {
      if (!expect_name) ++i;
      expect_name = false;
      const auto start = i;
      while (i < text.size() && text[i] != '.' && text[i] != '[') ++i;
      if (i == start) return fail("empty name");
      path.steps_.emplace_back(std::string(text.substr(start, i - start)));
      continue;
    }
    if (text[i] != '[') return fail("unexpected '" + std::string(1, text[i]) + "'");
    ++i;
    if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
      const char quote = text[i];
      const auto end = text.find(quote, i + 1);
      if (end == std::string_view::npos || end + 1 >= text.size() || text[end + 1] != ']') return fail("unterminated ['name']");
      path.steps_.emplace_back(std::string(text.substr(i + 1, end - i - 1)));
      i = end + 2;
      continue;
    }
    const auto end = text.find(']', i);
    if (end == std::string_view::npos) return fail("missing ']'");
    std::int64_t index = 0;
    const auto digits = text.substr(i, end - i);
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || index < 0) return fail("an index must be a number >= 0");
    path.steps_.emplace_back(index);
    i = end + 1;
  }
  if (path.steps_.empty() && text != "$") return fail("empty path");
  return path;
}

const nlohmann::json* JsonPath::find(const nlohmann::json& document) const {
  const nlohmann::json* current = &document;
  for (const auto& step : steps_) {
    if (const auto* name = std::get_if<std::string>(&step)) {
      if (!current->is_object()) return nullptr;
      const auto it = current->find(*name);
      if (it == current->end()) return nullptr;
      current = &*it;
    } else {
      const auto index = static_cast<std::size_t>(std::get<std::int64_t>(step));
      if (!current->is_array() || index >= current->size()) return nullptr;
      current = &(*current)[index];
    }
  }
  return current;
}

std::string json_scalar_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace rsolv::loadgen::scenario
