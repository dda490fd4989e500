#include "variables.hpp"

#include <optional>
#include <string_view>

#include "rsolv/common/error.hpp"

namespace rsolv::stripe::events::detail {

namespace {

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";
constexpr int kMaxDepth = 16;

std::string as_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

class Resolver {
 public:
  explicit Resolver(const nlohmann::json& vars) : vars_(vars) {}

  nlohmann::json value_of(const std::string& name, const std::string& where, int depth) {
    if (depth > kMaxDepth) {
      throw UsageError("template variable '" + name + "' refers to itself (through " + where +
                       "); give it a plain value");
    }
    const auto it = vars_.find(name);
    if (it == vars_.end()) {
      throw UsageError("unknown template variable '" + name + "' used by " + where +
                       "; set it or fix the name (see the catalogue's variable list)");
    }
    return resolve(*it, name, depth + 1);
  }

  nlohmann::json resolve(const nlohmann::json& node, const std::string& where, int depth) {
    if (node.is_string()) {
      const auto& text = node.get_ref<const std::string&>();
      if (auto name = whole_reference(text)) return value_of(*name, where, depth);
      if (text.find(kOpen) == std::string::npos) return node;
      std::string out;
      std::size_t pos = 0;
      while (pos < text.size()) {
        const auto open = text.find(kOpen, pos);
        const auto close = open == std::string::npos ? std::string::npos : text.find(kClose, open + 2);
        if (open == std::string::npos || close == std::string::npos) {
          out.append(text, pos, std::string::npos);
          break;
        }
        out.append(text, pos, open - pos);
        out += as_text(value_of(text.substr(open + 2, close - open - 2), where, depth));
        pos = close + 2;
      }
      return out;
    }
    if (node.is_object()) {
      auto out = nlohmann::json::object();
      for (const auto& [key, value] : node.items()) out[key] = resolve(value, where, depth);
      return out;
    }
    if (node.is_array()) {
      auto out = nlohmann::json::array();
      for (const auto& value : node) out.push_back(resolve(value, where, depth));
      return out;
    }
    return node;
  }

 private:
  const nlohmann::json& vars_;
};

}  // namespace

std::optional<std::string> whole_reference(std::string_view text) {
  if (text.size() < 5 || !text.starts_with(kOpen) || !text.ends_with(kClose)) return std::nullopt;
  auto name = text.substr(2, text.size() - 4);
  if (name.find(kOpen) != std::string_view::npos || name.find(kClose) != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

nlohmann::json substitute(const nlohmann::json& node, const nlohmann::json& vars, const std::string& where) {
  Resolver resolver(vars);
  return resolver.resolve(node, where, 0);
}

void collect_references(const nlohmann::json& node, std::vector<std::string>& names) {
  if (node.is_string()) {
    const auto& text = node.get_ref<const std::string&>();
    std::size_t pos = 0;
    while ((pos = text.find(kOpen, pos)) != std::string::npos) {
      const auto close = text.find(kClose, pos + 2);
      if (close == std::string::npos) break;
      names.push_back(text.substr(pos + 2, close - pos - 2));
      pos = close + 2;
    }
  } else if (node.is_structured()) {
    for (const auto& value : node) collect_references(value, names);
  }
}

}  // namespace rsolv::stripe::events::detail
