#pragma once
// Flows are data: webhook-sim/flows/*.yaml (compiled in, so `flow pro-signup` works anywhere), or
// any file of the same shape given by path:
//   name: pro-signup
//   description: one line
//   vars: {billing_reason: subscription_cycle}       # optional, for every step
//   steps:
//     - event: customer.subscription.created
//       vars: {subscription_status: incomplete}       # catalogue variables for this step
//       previous_attributes: {status: incomplete}     # optional; null drops the event type's own
//       set: {data.object.metadata.plan: pro}         # optional field edits after building
//       at: 259200                                    # optional: seconds after the flow's start
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/random.hpp"

namespace rsolv::webhook_sim {

struct FlowStep {
  std::string event;
  nlohmann::json vars = nlohmann::json::object();
  nlohmann::json set = nlohmann::json::object();  // path -> value
  std::int64_t at = -1;                            // -1: one second after the previous step
};

struct Flow {
  std::string name;
  std::string description;
  std::string source;  // "built-in" or the file path
  nlohmann::json vars = nlohmann::json::object();
  std::vector<FlowStep> steps;
};

// The built-in flows, sorted by name.
std::vector<Flow> builtin_flows();

// A built-in name, or a path to a YAML file (anything containing '/' or ending in .yaml/.yml).
// Throws rsolv::UsageError (unknown name, listing the known ones) or rsolv::config::ConfigError
// (file:line:col) for a bad file; every event name is checked against the catalogue.
Flow load_flow(const std::string& name_or_path);
Flow parse_flow(const std::string& yaml_text, const std::string& label);

// Builds the flow's events in order, all sharing one set of ids. `vars` (customer, price, amount,
// subscription, ...) win over the flow's own; the flow starts at `now_unix`.
std::vector<nlohmann::json> build_flow(const Flow& flow, const nlohmann::json& vars, Random& random,
                                       std::int64_t now_unix);

}  // namespace rsolv::webhook_sim
