#pragma once
// Checks (k6's check()): assertions on a response that count into the `checks` rate without
// failing the request. Kinds: status, header, JSON path, latency, body. Header and JSON checks
// take one matcher: equals, not_equals, contains, matches (regex), lt/lte/gt/gte (numbers) or
// exists (true by default, false asserts absence).
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/loadgen/scenario/json_path.hpp"

namespace rsolv::loadgen::scenario {

// One status (200), a class (2xx) or a range.
struct StatusRange {
  int low = 0;
  int high = 0;
  bool contains(int status) const { return status >= low && status <= high; }
};
// "201", "2xx", "200-299"; throws rsolv::UsageError.
StatusRange parse_status_range(std::string_view text);
bool status_in(const std::vector<StatusRange>& ranges, int status);

struct Matcher {
  enum class Op { exists, absent, equals, not_equals, contains, matches, lt, le, gt, ge };
  Op op = Op::exists;
  nlohmann::json expected;                  // equals/not_equals/contains; numbers for lt..ge
  std::shared_ptr<const std::regex> regex;  // matches

  bool test(const std::optional<std::string_view>& text) const;  // header values, body
  bool test(const nlohmann::json* value) const;                  // JSON path results
  std::string describe() const;                                  // "equals 500", for check names
};

struct Check {
  enum class Kind { status, header, json, latency, body };
  std::string name;
  Kind kind = Kind::status;
  std::vector<StatusRange> statuses;  // status
  std::string header;                 // header, lowercase
  int header_slot = -1;               // index among the step's captured headers
  JsonPath path;                      // json
  Matcher matcher;                    // header, json, body
  std::chrono::microseconds max_latency{0};  // latency: duration must be below this
};

// What a check looks at. A failed request has status 0 and no headers or body.
struct ResponseView {
  int status = 0;
  std::chrono::microseconds duration{0};
  const std::vector<std::optional<std::string>>* headers = nullptr;  // by slot
  std::string_view body;
  const nlohmann::json* json = nullptr;  // the parsed body, nullptr when it is not JSON
};

bool evaluate_check(const Check& check, const ResponseView& response);

}  // namespace rsolv::loadgen::scenario
