#include "rsolv/webhook_sim/flow.hpp"

#include <algorithm>

#include "embedded_flows.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/stripe/events/catalogue.hpp"
#include "rsolv/stripe/events/json_path.hpp"

namespace rsolv::webhook_sim {

namespace {

namespace cfg = rsolv::config;
namespace ev = rsolv::stripe::events;

// YAML -> JSON: quoted scalars stay strings, plain ones are read as JSON when they parse (numbers,
// true, false, null), so `attempt_count: 2` is a number and `"0002"` a string.
// Events are JSON, and JSON text is UTF-8: a key or string that is not fails here, at its line,
// instead of when the event is rendered.
std::string utf8_text(const cfg::Document& doc, const YAML::Node& node) {
  try {
    (void)nlohmann::json(node.Scalar()).dump();
  } catch (const nlohmann::json::type_error&) {
    cfg::fail_at(doc, node, "not valid UTF-8 (event fields are JSON, which must be UTF-8)");
  }
  return node.Scalar();
}

nlohmann::json to_json(const cfg::Document& doc, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& item : node) out[utf8_text(doc, item.first)] = to_json(doc, item.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(to_json(doc, item));
      return out;
    }
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") return utf8_text(doc, node);
      if (node.Scalar() == "~") return nullptr;
      return ev::parse_value(utf8_text(doc, node));
    default:
      return nullptr;
  }
}

Flow from_document(const cfg::Document& doc, const std::string& source) {
  const auto& root = doc.root;
  cfg::require_map(doc, root, "a flow");
  cfg::check_keys(doc, root, {"name", "description", "vars", "steps"});
  Flow flow;
  flow.source = source;
  flow.name = cfg::get_string(doc, root, "name");
  flow.description = cfg::get_optional_string(doc, root, "description").value_or("");
  if (root["vars"]) {
    cfg::require_map(doc, root["vars"], "vars");
    flow.vars = to_json(doc, root["vars"]);
  }
  const auto steps = root["steps"];
  if (!steps) cfg::fail_at(doc, root, "a flow needs steps (a list of events)");
  cfg::require_sequence(doc, steps, "steps");
  for (const auto& node : steps) {
    cfg::require_map(doc, node, "a step");
    cfg::check_keys(doc, node, {"event", "vars", "previous_attributes", "set", "at"});
    FlowStep step;
    step.event = cfg::get_string(doc, node, "event");
    if (!ev::find_event(step.event)) {
      cfg::fail_at(doc, node["event"], "unknown event type '" + step.event +
                                           "' (run `rsolv-webhook-sim events` for the catalogue)");
    }
    if (node["vars"]) {
      cfg::require_map(doc, node["vars"], "vars");
      step.vars = to_json(doc, node["vars"]);
    }
    if (node["previous_attributes"]) step.vars["previous_attributes"] = to_json(doc, node["previous_attributes"]);
    if (node["set"]) {
      cfg::require_map(doc, node["set"], "set");
      step.set = to_json(doc, node["set"]);
    }
    if (auto at = cfg::get_optional_int(doc, node, "at")) {
      if (*at < 0) cfg::fail_at(doc, node["at"], "at must be seconds after the flow's start (0 or more)");
      step.at = *at;
    }
    flow.steps.push_back(std::move(step));
  }
  if (flow.steps.empty()) cfg::fail_at(doc, steps, "a flow needs at least one step");
  return flow;
}

bool looks_like_path(const std::string& text) {
  return text.find('/') != std::string::npos || text.ends_with(".yaml") || text.ends_with(".yml");
}

}  // namespace

Flow parse_flow(const std::string& yaml_text, const std::string& label) {
  return from_document(cfg::load_yaml_string(yaml_text, label), label);
}

std::vector<Flow> builtin_flows() {
  std::vector<Flow> flows;
  for (const auto& [name, text] : detail::embedded_flows()) {
    auto flow = parse_flow(std::string(text), "flows/" + std::string(name) + ".yaml");
    flow.source = "built-in";
    flows.push_back(std::move(flow));
  }
  std::sort(flows.begin(), flows.end(), [](const Flow& a, const Flow& b) { return a.name < b.name; });
  return flows;
}

Flow load_flow(const std::string& name_or_path) {
  if (looks_like_path(name_or_path)) return from_document(cfg::load_yaml_file(name_or_path), name_or_path);
  std::string known;
  for (auto& flow : builtin_flows()) {
    if (flow.name == name_or_path) return flow;
    known += (known.empty() ? "" : ", ") + flow.name;
  }
  throw UsageError("unknown flow '" + name_or_path + "'; built-in flows: " + known + " (or give a path to a .yaml file)");
}

std::vector<nlohmann::json> build_flow(const Flow& flow, const nlohmann::json& vars, Random& random,
                                       std::int64_t now_unix) {
  auto shared = ev::flow_vars(random, now_unix);
  for (const auto& [name, value] : flow.vars.items()) shared[name] = value;
  std::vector<nlohmann::json> events;
  std::int64_t offset = -1;
  for (const auto& step : flow.steps) {
    offset = step.at >= 0 ? step.at : offset + 1;
    // flow ids < flow vars < the step's vars < the caller's (--customer, --amount, --var).
    auto step_vars = shared;
    for (const auto& [name, value] : step.vars.items()) step_vars[name] = value;
    if (vars.is_object()) {
      for (const auto& [name, value] : vars.items()) step_vars[name] = value;
    }
    step_vars["created"] = now_unix + offset;
    auto event = ev::build_event(step.event, step_vars, random);
    for (const auto& [path, value] : step.set.items()) ev::set_path(event, path, value);
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace rsolv::webhook_sim
