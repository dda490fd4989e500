#pragma once
// "{{name}}" variables inside template values: whole-string references keep the variable's JSON
// type, references inside a longer string are interpolated as text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rsolv::stripe::events::detail {

// "{{name}}" exactly (the whole string): the name, else nullopt.
std::optional<std::string> whole_reference(std::string_view text);

// Replaces references in every string of `node` with values from `vars`, resolving references inside
// those values as they are used. Throws rsolv::UsageError for an unknown name or a cycle, naming it.
nlohmann::json substitute(const nlohmann::json& node, const nlohmann::json& vars, const std::string& where);

// Adds to `names` every variable referenced anywhere in `node`.
void collect_references(const nlohmann::json& node, std::vector<std::string>& names);

}  // namespace rsolv::stripe::events::detail
