#pragma once
// JSON paths for checks and extraction, in the syntax every tool takes (rsolv/common/json_path.hpp):
// $.a.b[0].c, a.b.0.c, $['key with spaces'], $[2]. Parsed once at load time; evaluation walks the
// parsed document without copying.
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "rsolv/common/json_path.hpp"

namespace rsolv::loadgen::scenario {

class JsonPath {
 public:
  JsonPath() = default;
  // Throws rsolv::UsageError naming the path and the problem.
  static JsonPath parse(std::string_view text);

  // The value at the path, or nullptr when any step is missing.
  const nlohmann::json* find(const nlohmann::json& document) const;
  const std::string& str() const { return text_; }
  bool empty() const { return steps_.empty(); }

 private:
  std::string text_;
  std::vector<JsonPathSegment> steps_;
};

// A JSON value as text for variables and headers: strings without quotes, others dumped.
std::string json_scalar_text(const nlohmann::json& value);

}  // namespace rsolv::loadgen::scenario
