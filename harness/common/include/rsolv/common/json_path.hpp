#pragma once
// One JSON path syntax for every tool (loadgen checks and extraction, webhook-sim's --set/--unset
// and --expect): `$.data.object.id`, with the leading `$.` optional (`data.object.id`), `[N]` for
// an array element, `['key']` or `["key"]` for a key holding dots, spaces or brackets. A dotted
// all-digit segment (`lines.data.0.amount`) is an index where the value is an array and a key
// where it is an object. Parsing only: each tool walks its documents itself.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rsolv {

struct JsonPathSegment {
  enum class Kind { name, quoted_key, index };
  Kind kind = Kind::name;
  std::string key;        // name and quoted_key (also the digits of an index, as written)
  std::size_t index = 0;  // index, and a name made of digits only
  bool numeric = false;   // a name made of digits only: an index on an array

  bool is_index() const { return kind == Kind::index; }
  // Whether this segment can select an array element, and which.
  bool selects_element() const { return kind == Kind::index || numeric; }
};

// "$" alone is the whole document (no segments). Throws rsolv::UsageError
// "invalid JSON path 'P': WHY (write e.g. ...)" for an empty path, an empty name, a bad index, an
// unterminated bracket or quote, and text that is not UTF-8.
std::vector<JsonPathSegment> parse_json_path(std::string_view text);

}  // namespace rsolv
