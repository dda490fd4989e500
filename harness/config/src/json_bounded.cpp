#include "rsolv/config/json_bounded.hpp"

namespace rsolv::config {

namespace {
// Thrown from the parser callback: it ends the parse at once instead of skipping the rest.
struct TooDeep {};
}  // namespace

BoundedJson parse_json_bounded(std::string_view text, std::size_t max_depth) {
  BoundedJson result;
  const auto callback = [max_depth](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    // `depth` counts the enclosing containers; the container starting here is one deeper.
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        static_cast<std::size_t>(depth) + 1 > max_depth) {
      throw TooDeep{};
    }
    return true;
  };
  try {
    result.value = nlohmann::json::parse(text.begin(), text.end(), callback);
  } catch (const TooDeep&) {
    result.value = nlohmann::json(nlohmann::json::value_t::discarded);
    result.failure = BoundedJson::Failure::too_deep;
    result.message = "JSON nested deeper than " + std::to_string(max_depth) + " levels (limit max_json_depth)";
  } catch (const nlohmann::json::parse_error& error) {
    result.value = nlohmann::json(nlohmann::json::value_t::discarded);
    result.failure = BoundedJson::Failure::syntax;
    result.message = "not valid JSON (at byte " + std::to_string(error.byte) + ")";
    result.byte = error.byte;
  } catch (const nlohmann::json::exception&) {  // a number too large for a double
    result.value = nlohmann::json(nlohmann::json::value_t::discarded);
    result.failure = BoundedJson::Failure::syntax;
    result.message = "not valid JSON (a number out of range)";
  }
  return result;
}

}  // namespace rsolv::config
