// webhook-sim's replay files (listen --out lines, arrays, Stripe's list object, one event): events
// or one error line naming the file; every event read is an object with a string id and type and
// an object data.object, still so after --new-ids, and renders as JSON.
#include <nlohmann/json.hpp>

#include "fuzz_target.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/webhook_sim/event_file.hpp"
#include "rsolv/webhook_sim/new_ids.hpp"

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  using namespace rsolv;
  const std::string text(reinterpret_cast<const char*>(data), size);
  webhook_sim::EventFile file;
  try {
    file = webhook_sim::parse_event_file(text, "fuzz.json");
  } catch (const UsageError& error) {
    const std::string_view message = error.what();
    FUZZ_CHECK(message.starts_with("fuzz.json"), std::string("error without the file: ") + error.what());
    FUZZ_CHECK(message.find('\n') == std::string_view::npos, std::string("error of several lines: ") + error.what());
    return;
  }
  FUZZ_CHECK(!file.events.empty() && file.events.size() <= webhook_sim::kMaxReplayEvents, "events out of bounds");
  Random random(3);
  webhook_sim::mint_new_ids(file.events, webhook_sim::parse_kept_prefixes(webhook_sim::kDefaultKeptIdPrefixes), random);
  for (const auto& event : file.events) {
    const auto shown = event.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    FUZZ_CHECK(nlohmann::json::accept(shown), "an event that is not JSON");
    FUZZ_CHECK(event.is_object() && event["id"].is_string() && event["type"].is_string() &&
                   event["data"]["object"].is_object(),
               "not an event after reading and --new-ids: " + shown.substr(0, 400));
  }
}
