#pragma once
// Edit any field of an event: paths in the one syntax every tool takes (rsolv/common/json_path.hpp),
// as `--set path=value` takes them:
//   data.object.lines.data[0].pricing.price_details.price     (also: lines.data.0.pricing..., $.data...)
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/common/json_path.hpp"

namespace rsolv::stripe::events {

using PathSegment = rsolv::JsonPathSegment;

// Throws rsolv::UsageError for what parse_json_path refuses, a path naming no field ("$") and text
// that is not UTF-8.
std::vector<PathSegment> parse_path(std::string_view path);

// Sets the value at path, creating missing objects on the way; an index may name an existing
// element or the one just past the end (appends). Throws rsolv::UsageError naming the path when a
// segment runs into a scalar, or an index into a non-array / beyond the end.
void set_path(nlohmann::json& document, std::string_view path, nlohmann::json value);

// Removes the member or array element at path. Throws rsolv::UsageError when it does not exist.
void unset_path(nlohmann::json& document, std::string_view path);

// Returns a pointer to the value at path, or nullptr.
const nlohmann::json* find_path(const nlohmann::json& document, std::string_view path);

// A `--set` value: JSON when it parses as JSON (numbers, true, false, null, "quoted", {...}, [...]),
// otherwise the text as a string. So `amount=1500` is a number and `status=past_due` a string;
// write `'"1500"'` for the string "1500". Throws rsolv::UsageError for text that is not UTF-8
// (as for a path: parse_path refuses it too).
nlohmann::json parse_value(std::string_view text);

// Splits "path=value" at the first '='. Throws rsolv::UsageError when there is none.
std::pair<std::string, std::string> split_assignment(std::string_view text);

}  // namespace rsolv::stripe::events
