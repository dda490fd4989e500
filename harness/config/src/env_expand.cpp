#include "rsolv/config/env_expand.hpp"

#include <cstdlib>

#include "rsolv/common/error.hpp"

namespace rsolv::config {

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

namespace {
bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return !std::isdigit(static_cast<unsigned char>(name.front()));
}
}  // namespace

std::string expand_env(std::string_view text, const EnvLookup& lookup) {
  static constexpr std::string_view kOpen = "${env.";
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {  // escaped: literal "${"
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, kOpen.size(), kOpen) != 0) {
      out += text[i++];
      continue;
    }
    const auto close = text.find('}', i);
    if (close == std::string_view::npos) {
      throw UsageError("unterminated '${env.' in \"" + std::string(text) + "\" (close it with '}')");
    }
    const auto inner = text.substr(i + kOpen.size(), close - i - kOpen.size());
    // The name ends at the first character a name cannot hold: ":-" (default when unset or empty,
    // as a shell does) or "-" (default only when unset).
    const auto name_end = inner.find_first_of(":-");
    const bool colon_form = name_end != std::string_view::npos && inner.compare(name_end, 2, ":-") == 0;
    const bool dash_form = name_end != std::string_view::npos && inner[name_end] == '-';
    const auto default_mark = colon_form || dash_form ? name_end : std::string_view::npos;
    const auto default_start = colon_form ? name_end + 2 : name_end + 1;
    const auto operator_text = colon_form ? std::string(":-") : std::string("-");
    const auto name = inner.substr(0, default_mark);
    if (!valid_name(name)) {
      throw UsageError("invalid environment variable name '" + std::string(name) + "' in ${env." + std::string(inner) +
                       "} (use letters, digits and '_')");
    }
    // The first '}' closes the reference, so "${env.A:-${env.B}}" would leave a stray "}" behind.
    if (default_mark != std::string_view::npos && inner.find("${", default_start) != std::string_view::npos) {
      throw UsageError("nested '${' in the default of ${env." + std::string(name) + operator_text +
                       "...} is not supported (write a literal default)");
    }
    auto value = lookup(name);
    // GitHub Actions passes an unset `vars.X` as an empty string: ":-" treats it as unset.
    const bool use_default = !value || (colon_form && value->empty());
    if (use_default) {
      if (default_mark == std::string_view::npos) {
        throw UsageError("environment variable " + std::string(name) + " is not set (export it or write ${env." +
                         std::string(name) + ":-default})");
      }
      value = std::string(inner.substr(default_start));
    }
    out += *value;
    i = close + 1;
  }
  return out;
}

}  // namespace rsolv::config
