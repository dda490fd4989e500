// `events`, `flows`, `vars`: what the catalogue offers, for humans.
#include <fmt/format.h>

#include <ostream>

#include "rsolv/stripe/events/catalogue.hpp"
#include "rsolv/webhook_sim/commands.hpp"
#include "rsolv/webhook_sim/flow.hpp"

namespace rsolv::webhook_sim {

namespace ev = rsolv::stripe::events;

// One block per object (a heading line, then its events indented), so the subscription's events
// read together instead of scattered by the alphabet of their type names.
int list_events(std::ostream& out) {
  out << "Stripe API " << ev::api_version() << "\n";
  for (const auto& group : ev::catalogue_by_object()) {
    out << "\n" << group.object << "\n";
    for (const auto& info : group.events) out << fmt::format("  {:<44} {}\n", info.type, info.description);
  }
  return kExitOk;
}

int list_flows(std::ostream& out) {
  for (const auto& flow : builtin_flows()) {
    out << fmt::format("{:<22} {}\n", flow.name, flow.description);
    std::string steps;
    for (const auto& step : flow.steps) steps += (steps.empty() ? "" : ", ") + step.event;
    out << fmt::format("{:<22} {}\n", "", steps);
  }
  return kExitOk;
}

int list_vars(std::ostream& out) {
  for (const auto& name : ev::variable_names()) out << name << "\n";
  return kExitOk;
}

}  // namespace rsolv::webhook_sim
