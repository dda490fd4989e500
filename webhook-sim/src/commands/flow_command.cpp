// `flow NAME`: a whole lifecycle (flows/*.yaml) with shared ids, delivered in Stripe's order
// unless --shuffle says otherwise.
#include <ostream>

#include "rsolv/common/clock.hpp"
#include "rsolv/webhook_sim/flow.hpp"
#include "send_common.hpp"

namespace rsolv::webhook_sim {

int run_flow(const std::string& name, const SendArgs& args, std::ostream& out, std::ostream& err) {
  const auto flow = load_flow(name);
  auto random = detail::make_random(args);
  auto events = build_flow(flow, detail::vars_from(args), random,
                           detail::flow_start(args, SystemClock::instance().unix_seconds()));
  for (auto& event : events) detail::apply_edits(event, args);
  return detail::emit(events, args, "flow " + flow.name, random, out, err);
}

}  // namespace rsolv::webhook_sim
