// `events`, `flows`, `vars`: what the catalogue offers, for humans.
#include <fmt/format.h>

#include <ostream>

#include "rsolv/stripe/events/catalogue.hpp"
#include "rsolv/webhook_sim/commands.hpp"
#include "rsolv/webhook_sim/flow.hpp"

namespace rsolv::webhook_sim {

namespace ev = rsolv::stripe::events;

int list_events(std::ostream& out) {
  out << "Stripe API " << ev::api_version() << "\n";
  for (const auto& info : ev::catalogue()) out << fmt::format("{:<38} {:<17} {}\n", info.type, info.object, info.description);
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
