// `trigger EVENT`: build one event from the catalogue, edit it, sign it and deliver it.
#include <ostream>

#include "rsolv/common/clock.hpp"
#include "rsolv/stripe/events/catalogue.hpp"
#include "send_common.hpp"

namespace rsolv::webhook_sim {

int run_trigger(const std::string& event_type, const SendArgs& args, std::ostream& out, std::ostream& err) {
  auto random = detail::make_random(args);
  auto event = stripe::events::build_event(event_type, detail::vars_from(args), random, SystemClock::instance());
  detail::apply_edits(event, args);
  return detail::emit({event}, args, "trigger " + event_type, random, out, err);
}

}  // namespace rsolv::webhook_sim
