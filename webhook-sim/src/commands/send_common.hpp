#pragma once
// Turning SendArgs into built events and SendOptions, and running/reporting a delivery.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/common/random.hpp"
#include "rsolv/webhook_sim/commands.hpp"
#include "rsolv/webhook_sim/sender.hpp"

namespace rsolv::webhook_sim::detail {

Random make_random(const SendArgs& args);
// --customer/--price/--amount/--subscription and --var, as catalogue variables.
nlohmann::json vars_from(const SendArgs& args);
// --start as unix seconds (now when empty).
std::int64_t flow_start(const SendArgs& args, std::int64_t now_unix);
// --set / --unset on one built event.
void apply_edits(nlohmann::json& event, const SendArgs& args);
SendOptions send_options_from(const SendArgs& args);
// Prints (with --print) or delivers, prints per-attempt lines, writes --report; returns the exit code.
int emit(const std::vector<nlohmann::json>& events, const SendArgs& args, const std::string& command, Random& random,
         std::ostream& out, std::ostream& err);

}  // namespace rsolv::webhook_sim::detail
