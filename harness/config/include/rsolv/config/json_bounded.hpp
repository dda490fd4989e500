#pragma once
// JSON from the network with a nesting limit. nlohmann's parser is iterative, but a document
// nested 100,000 levels deep still costs memory to build and overflows the stack later, when it
// is dumped, compared or destroyed recursively. Every JSON body a server accepts goes through here.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rsolv::config {

// Objects and arrays nested deeper than this are refused. Stripe events nest 6 levels; the
// platform's requests 3.
inline constexpr std::size_t kMaxJsonDepth = 64;

struct BoundedJson {
  enum class Failure { none, syntax, too_deep };
  nlohmann::json value;           // discarded unless ok()
  Failure failure = Failure::none;
  std::string message;            // one line: what is wrong and where (byte offset), or the limit hit
  std::size_t byte = 0;           // syntax: the byte (1-based) where the parser stopped, for line:col
  bool ok() const { return failure == Failure::none; }
};

// Parses `text` as one JSON value, stopping at the first object or array deeper than max_depth
// (the top level is depth 1). Never throws for bad input.
BoundedJson parse_json_bounded(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace rsolv::config
