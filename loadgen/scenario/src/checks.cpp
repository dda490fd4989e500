#include "rsolv/loadgen/scenario/checks.hpp"

#include <charconv>
#include <cmath>

#include "rsolv/common/error.hpp"
#include "rsolv/common/strings.hpp"

namespace rsolv::loadgen::scenario {

namespace {

bool to_number(std::string_view text, double& out) {
  text = trim(text, " ");
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string expected_text(const nlohmann::json& expected) {
  return expected.is_string() ? expected.get<std::string>() : expected.dump();
}

bool compare_numbers(Matcher::Op op, double actual, double expected) {
  switch (op) {
    case Matcher::Op::lt: return actual < expected;
    case Matcher::Op::le: return actual <= expected;
    case Matcher::Op::gt: return actual > expected;
    case Matcher::Op::ge: return actual >= expected;
    default: return false;
  }
}

}  // namespace

StatusRange parse_status_range(std::string_view text) {
  const auto bad = [&]() -> StatusRange {
    throw UsageError("invalid status '" + std::string(text) + "' (write 201, 2xx or 200-299)");
  };
  auto number = [](std::string_view s, int& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && out >= 100 && out <= 599;
  };
  if (text.size() == 3 && (text.substr(1) == "xx" || text.substr(1) == "XX") && text[0] >= '1' && text[0] <= '5') {
    const int hundred = (text[0] - '0') * 100;
    return {hundred, hundred + 99};
  }
  if (const auto dash = text.find('-'); dash != std::string_view::npos) {
    StatusRange r;
    if (!number(text.substr(0, dash), r.low) || !number(text.substr(dash + 1), r.high) || r.low > r.high) return bad();
    return r;
  }
  StatusRange r;
  if (!number(text, r.low)) return bad();
  r.high = r.low;
  return r;
}

bool status_in(const std::vector<StatusRange>& ranges, int status) {
  for (const auto& r : ranges) {
    if (r.contains(status)) return true;
  }
  return false;
}

bool Matcher::test(const std::optional<std::string_view>& text) const {
  switch (op) {
    case Op::exists: return text.has_value();
    case Op::absent: return !text.has_value();
    default: break;
  }
  if (!text) return false;
  switch (op) {
    case Op::equals: return *text == expected_text(expected);
    case Op::not_equals: return *text != expected_text(expected);
    case Op::contains: return text->find(expected_text(expected)) != std::string_view::npos;
    case Op::matches: return std::regex_search(text->begin(), text->end(), *regex);
    default: {
      double actual = 0;
      return to_number(*text, actual) && compare_numbers(op, actual, expected.get<double>());
    }
  }
}

bool Matcher::test(const nlohmann::json* value) const {
  switch (op) {
    case Op::exists: return value != nullptr;
    case Op::absent: return value == nullptr;
    default: break;
  }
  if (value == nullptr) return false;
  switch (op) {
    case Op::equals:
      if (value->is_number() && expected.is_number()) return value->get<double>() == expected.get<double>();
      return *value == expected;
    case Op::not_equals:
      if (value->is_number() && expected.is_number()) return value->get<double>() != expected.get<double>();
      return *value != expected;
    case Op::contains:
      if (value->is_string()) return value->get_ref<const std::string&>().find(expected_text(expected)) != std::string::npos;
      if (value->is_array()) {
        for (const auto& item : *value) {
          if (item == expected) return true;
        }
      }
      return false;
    case Op::matches: {
      const auto text = json_scalar_text(*value);
      return std::regex_search(text, *regex);
    }
    default:
      if (value->is_number()) return compare_numbers(op, value->get<double>(), expected.get<double>());
      if (value->is_string()) {
        double actual = 0;
        return to_number(value->get_ref<const std::string&>(), actual) && compare_numbers(op, actual, expected.get<double>());
      }
      return false;
  }
}

std::string Matcher::describe() const {
  switch (op) {
    case Op::exists: return "exists";
    case Op::absent: return "is absent";
    case Op::equals: return "equals " + expected_text(expected);
    case Op::not_equals: return "is not " + expected_text(expected);
    case Op::contains: return "contains " + expected_text(expected);
    case Op::matches: return "matches " + expected_text(expected);
    case Op::lt: return "< " + expected_text(expected);
    case Op::le: return "<= " + expected_text(expected);
    case Op::gt: return "> " + expected_text(expected);
    case Op::ge: return ">= " + expected_text(expected);
  }
  return "";
}

bool evaluate_check(const Check& check, const ResponseView& response) {
  switch (check.kind) {
    case Check::Kind::status: return response.status != 0 && status_in(check.statuses, response.status);
    case Check::Kind::latency: return response.status != 0 && response.duration < check.max_latency;
    case Check::Kind::header: {
      std::optional<std::string_view> value;
      if (response.headers != nullptr && check.header_slot >= 0 &&
          static_cast<std::size_t>(check.header_slot) < response.headers->size()) {
        const auto& captured = (*response.headers)[static_cast<std::size_t>(check.header_slot)];
        if (captured) value = *captured;
      }
      return check.matcher.test(value);
    }
    case Check::Kind::json: {
      if (response.json == nullptr) return check.matcher.op == Matcher::Op::absent && response.status != 0;
      return check.matcher.test(check.path.find(*response.json));
    }
    case Check::Kind::body:
      if (response.status == 0) return false;
      return check.matcher.test(std::optional<std::string_view>(response.body));
  }
  return false;
}

}  // namespace rsolv::loadgen::scenario
