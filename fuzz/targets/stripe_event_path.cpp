// harness/stripe/events: `--set path=value` on a real catalogue event. Whatever the path and
// value, the event stays valid JSON, and a value that was set is found again at its path.
#include <nlohmann/json.hpp>

#include "fuzz_target.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/stripe/events/catalogue.hpp"
#include "rsolv/stripe/events/json_path.hpp"

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  using namespace rsolv;
  namespace events = stripe::events;
  fuzz::Input input(data, size);
  const auto& catalogue = events::catalogue();
  const auto& info = catalogue[input.byte() % catalogue.size()];
  const bool unset = input.byte() & 1;
  const std::string assignment(input.rest());

  Random random(11);
  auto event = events::build_event(info.type, events::flow_vars(random, 1700000000), random);
  std::pair<std::string, std::string> split;
  try {
    split = events::split_assignment(assignment);
  } catch (const UsageError&) {
    return;
  }
  const auto& [path, text] = split;
  try {
    const auto value = events::parse_value(text);
    if (unset) {
      events::unset_path(event, path);
    } else {
      events::set_path(event, path, value);
      const auto* found = events::find_path(event, path);
      FUZZ_CHECK(found != nullptr && *found == value, "set '" + path + "' is not found again");
    }
  } catch (const UsageError&) {
  }
  const auto rendered = events::render(event, false);
  FUZZ_CHECK(nlohmann::json::accept(rendered), "the event is no longer JSON after '" + assignment + "'");
}
