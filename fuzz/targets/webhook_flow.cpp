// webhook-sim's flow files: a flow or an error naming the file; a flow builds events that are
// valid JSON, each with an id and a type from the catalogue.
#include <nlohmann/json.hpp>

#include "fuzz_target.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/webhook_sim/flow.hpp"

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  using namespace rsolv;
  const std::string text(reinterpret_cast<const char*>(data), size);
  webhook_sim::Flow flow;
  try {
    flow = webhook_sim::parse_flow(text, "fuzz.yaml");
  } catch (const UsageError& error) {
    FUZZ_CHECK(std::string_view(error.what()).starts_with("fuzz.yaml"), std::string("error without the file: ") + error.what());
    return;
  }
  Random random(7);
  std::vector<nlohmann::json> events;
  try {
    events = webhook_sim::build_flow(flow, nlohmann::json::object(), random, 1700000000);
  } catch (const UsageError&) {
    return;  // e.g. a variable the flow needs and nobody set
  }
  for (const auto& event : events) {
    const auto text_out = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    FUZZ_CHECK(nlohmann::json::accept(text_out), "an event that is not JSON");
    FUZZ_CHECK(event.is_object() && event.contains("id") && event.contains("type"), "event without id or type: " + text_out);
  }
}
