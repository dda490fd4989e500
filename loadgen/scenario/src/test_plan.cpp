// The scenario file: top-level options, custom metrics, scenarios with their executors (k6's option
// names), thresholds. Steps are parsed in flow_parser.cpp. Every mistake is a ConfigError at the
// offending node (FILE:LINE:COL).
#include "rsolv/loadgen/scenario/test_plan.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "plan_loader.hpp"
#include "rsolv/common/strings.hpp"
#include "rsolv/config/duration.hpp"
#include "rsolv/loadgen/scenario/request_render.hpp"

namespace rsolv::loadgen::scenario {

namespace detail {

executors::Micros Loader::duration(const YAML::Node& node, std::string_view what) {
  const auto text = config::as_string(doc, node, what);
  return at(node, [&] { return config::parse_duration(config::expand_env(text, options.env)); });
}

std::int64_t Loader::integer(const YAML::Node& node, std::string_view what) {
  const auto written = config::as_string(doc, node, what);
  const auto text = at(node, [&] { return config::expand_env(written, options.env); });
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    config::fail_at(doc, node, std::string(what) + " must be a whole number, got '" + text + "'");
  }
  return value;
}

void Loader::note_reads(const YAML::Node& node, const Template& t) {
  for (const int variable : t.variables()) {
    if (first_read.count(variable) == 0) first_read[variable] = config::location(doc, node);
  }
}

Template Loader::compile(const YAML::Node& node, std::string_view text, bool json_escape) {
  auto t = at(node, [&] { return compile_template(text, plan.variables, options.env, json_escape); });
  note_reads(node, t);
  return t;
}

metrics::Tags Loader::tags(const YAML::Node& node) {
  config::require_map(doc, node, "tags");
  metrics::Tags out;
  for (const auto& entry : node) {
    const auto key = config::as_string(doc, entry.first, "a tag name");
    if (key.empty() || key.find_first_of("{}:,") != std::string::npos) {
      config::fail_at(doc, entry.first, "invalid tag name '" + key + "' (no braces, colons or commas)");
    }
    out.emplace_back(key, at(entry.second, [&] { return config::expand_env(config::as_string(doc, entry.second, "a tag value"), options.env); }));
  }
  return metrics::normalize_tags(std::move(out));
}

int Loader::origin_index(const engine::Origin& origin) {
  const auto it = std::find(plan.origins.begin(), plan.origins.end(), origin);
  if (it != plan.origins.end()) return static_cast<int>(it - plan.origins.begin());
  plan.origins.push_back(origin);
  return static_cast<int>(plan.origins.size() - 1);
}

nlohmann::json yaml_to_json(const config::Document& doc, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(doc, item));
      return out;
    }
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& entry : node) out[config::as_string(doc, entry.first, "a JSON key")] = yaml_to_json(doc, entry.second);
      return out;
    }
    case YAML::NodeType::Scalar: break;
  }
  const auto& text = node.Scalar();
  if (node.Tag() != "?") return text;  // quoted: always a string
  if (text == "null" || text == "~" || text.empty()) return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  std::int64_t integer = 0;
  if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
      ec == std::errc() && end == text.data() + text.size()) {
    return integer;
  }
  double real = 0;
  if (text.find_first_of("0123456789") != std::string::npos) {
    if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), real);
        ec == std::errc() && end == text.data() + text.size() && std::isfinite(real)) {
      return real;
    }
  }
  return text;
}

namespace {

struct ExecutorOptionSet {
  executors::ExecutorKind kind;
  std::initializer_list<std::string_view> options;
  std::initializer_list<std::string_view> required;
};

const ExecutorOptionSet kExecutorOptions[] = {
    {executors::ExecutorKind::constant_vus, {"vus", "duration"}, {"duration"}},
    {executors::ExecutorKind::ramping_vus, {"startVUs", "stages", "gracefulRampDown"}, {"stages"}},
    {executors::ExecutorKind::constant_arrival_rate,
     {"rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"},
     {"rate", "duration", "preAllocatedVUs"}},
    {executors::ExecutorKind::ramping_arrival_rate,
     {"startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs"},
     {"stages", "preAllocatedVUs"}},
    {executors::ExecutorKind::per_vu_iterations, {"vus", "iterations", "maxDuration"}, {}},
    {executors::ExecutorKind::shared_iterations, {"vus", "iterations", "maxDuration"}, {}},
};

constexpr std::string_view kAllExecutorOptions[] = {"vus", "duration", "startVUs", "stages", "gracefulRampDown", "rate",
                                                    "timeUnit", "preAllocatedVUs", "maxVUs", "startRate",
                                                    "iterations", "maxDuration"};

std::string join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (const auto item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) != 0) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

std::string closest(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& candidate : candidates) {
    const auto d = config::edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::int64_t positive_int(Loader& l, const YAML::Node& node, std::string_view what) { return l.integer(node, what); }

executors::ExecutorConfig parse_executor(Loader& l, const YAML::Node& node, const YAML::Node& executor_node) {
  const auto name = l.text(executor_node, "executor");
  const auto kind = executors::executor_kind_from_string(name);
  if (!kind) {
    std::vector<std::string> names;
    for (const auto& set : kExecutorOptions) names.emplace_back(to_string(set.kind));
    const auto meant = closest(name, names);
    config::fail_at(l.doc, executor_node,
                    "unknown executor '" + name + "'" + (meant.empty() ? "" : " (did you mean '" + meant + "'?)") +
                        "; use constant-vus, ramping-vus, constant-arrival-rate, ramping-arrival-rate, "
                        "per-vu-iterations or shared-iterations");
  }
  const auto& set = *std::find_if(std::begin(kExecutorOptions), std::end(kExecutorOptions),
                                  [&](const ExecutorOptionSet& s) { return s.kind == *kind; });
  // A k6 option of another executor gets a precise message rather than "unknown key".
  for (const auto& entry : node) {
    const auto key = entry.first.Scalar();
    const bool executor_option = std::find(std::begin(kAllExecutorOptions), std::end(kAllExecutorOptions), key) !=
                                 std::end(kAllExecutorOptions);
    const bool applies = std::find(set.options.begin(), set.options.end(), key) != set.options.end();
    if (executor_option && !applies) {
      config::fail_at(l.doc, entry.first, "'" + key + "' does not apply to the " + name + " executor (it takes " +
                                              join(set.options) + ")");
    }
  }
  for (const auto required : set.required) {
    if (!node[std::string(required)]) {
      config::fail_at(l.doc, node, "the " + name + " executor needs `" + std::string(required) + ":`");
    }
  }

  executors::ExecutorConfig c;
  c.kind = *kind;
  if (const auto v = node["startTime"]) c.start_time = l.duration(v, "startTime");
  if (const auto v = node["gracefulStop"]) c.graceful_stop = l.duration(v, "gracefulStop");
  if (const auto v = node["vus"]) c.vus = positive_int(l, v, "vus");
  if (const auto v = node["duration"]) c.duration = l.duration(v, "duration");
  if (const auto v = node["startVUs"]) c.start_vus = positive_int(l, v, "startVUs");
  if (const auto v = node["gracefulRampDown"]) c.graceful_ramp_down = l.duration(v, "gracefulRampDown");
  if (const auto v = node["startRate"]) c.start_rate = positive_int(l, v, "startRate");
  if (const auto v = node["timeUnit"]) c.time_unit = l.duration(v, "timeUnit");
  if (const auto v = node["preAllocatedVUs"]) c.pre_allocated_vus = positive_int(l, v, "preAllocatedVUs");
  if (const auto v = node["maxVUs"]) c.max_vus = positive_int(l, v, "maxVUs");
  if (const auto v = node["iterations"]) c.iterations = positive_int(l, v, "iterations");
  if (const auto v = node["maxDuration"]) c.max_duration = l.duration(v, "maxDuration");
  if (const auto v = node["rate"]) {
    const auto text = l.at(v, [&] { return config::expand_env(l.text(v, "rate"), l.options.env); });
    if (text.find('/') != std::string::npos) {
      // "1000/1m": rate and timeUnit in one.
      if (node["timeUnit"]) config::fail_at(l.doc, v, "rate: N/period already sets the time unit; remove timeUnit");
      const auto r = l.at(v, [&] { return config::parse_rate(text); });
      if (r.count != std::floor(r.count) || r.count < 1) {
        config::fail_at(l.doc, v, "rate must be a whole number of iterations per period, e.g. 1000/1m");
      }
      c.rate = static_cast<std::int64_t>(r.count);
      c.time_unit = r.period;
    } else {
      c.rate = positive_int(l, v, "rate");
    }
  }
  if (const auto stages = node["stages"]) {
    config::require_sequence(l.doc, stages, "stages");
    for (const auto& item : stages) {
      config::require_map(l.doc, item, "a stage");
      config::check_keys(l.doc, item, {"duration", "target"});
      if (!item["duration"] || !item["target"]) config::fail_at(l.doc, item, "a stage needs duration and target");
      c.stages.push_back({l.duration(item["duration"], "duration"), l.integer(item["target"], "target")});
    }
  }
  // The executor's own rules (ranges, consistency).
  l.at(executor_node, [&] {
    (void)executors::make_executor(c);
    return 0;
  });
  return c;
}

void parse_metrics(Loader& l, const YAML::Node& node) {
  config::require_map(l.doc, node, "metrics");
  for (const auto& entry : node) {
    const auto name = l.text(entry.first, "a metric name");
    if (!valid_metric_name(name)) {
      config::fail_at(l.doc, entry.first, "invalid metric name '" + name + "' (letters, digits and _)");
    }
    if (l.definitions.info(name) != nullptr) {
      config::fail_at(l.doc, entry.first, "'" + name + "' is a built-in metric or declared twice; pick another name");
    }
    metrics::MetricInfo info;
    info.name = name;
    std::string type_text;
    const YAML::Node* type_node = &entry.second;
    if (entry.second.IsMap()) {
      config::check_keys(l.doc, entry.second, {"type", "time"});
      if (!entry.second["type"]) config::fail_at(l.doc, entry.second, "a metric needs `type:` (counter, gauge, rate or trend)");
      type_text = l.text(entry.second["type"], "type");
      if (const auto time = entry.second["time"]; time && config::as_bool(l.doc, time, "time")) {
        info.contains = metrics::ValueKind::time;
      }
    } else {
      type_text = l.text(entry.second, "a metric type");
    }
    const auto type = metrics::metric_type_from_string(type_text);
    if (!type) config::fail_at(l.doc, *type_node, "unknown metric type '" + type_text + "' (counter, gauge, rate or trend)");
    info.type = *type;
    if (info.contains == metrics::ValueKind::time && info.type != metrics::MetricType::trend) {
      config::fail_at(l.doc, entry.second, "time: true applies to trends only");
    }
    l.definitions.define(info);
    l.plan.custom_metrics.push_back(info);
  }
}

void parse_thresholds(Loader& l, const YAML::Node& node) {
  config::require_map(l.doc, node, "thresholds");
  for (const auto& entry : node) {
    metrics::Threshold threshold;
    threshold.key = l.text(entry.first, "a threshold's metric");
    std::tie(threshold.metric, threshold.filter) =
        l.at(entry.first, [&] { return metrics::parse_metric_selector(threshold.key); });
    const auto* info = l.definitions.info(threshold.metric);
    if (info == nullptr) {
      std::vector<std::string> names;
      for (const auto& m : l.definitions.metrics()) names.push_back(m.name);
      const auto meant = closest(threshold.metric, names);
      config::fail_at(l.doc, entry.first, "unknown metric '" + threshold.metric + "'" +
                                              (meant.empty() ? " (declare custom metrics under metrics:)"
                                                             : " (did you mean '" + meant + "'?)"));
    }
    const auto add = [&](const YAML::Node& item) {
      metrics::ThresholdCondition condition;
      if (item.IsMap()) {
        config::check_keys(l.doc, item, {"threshold", "abortOnFail", "delayAbortEval"});
        if (!item["threshold"]) config::fail_at(l.doc, item, "needs `threshold:` (e.g. threshold: p(95)<500)");
        const auto text = l.text(item["threshold"], "threshold");
        condition = l.at(item["threshold"], [&] { return metrics::parse_condition(text); });
        if (const auto abort = item["abortOnFail"])
          condition.abort_on_fail = config::as_bool(l.doc, abort, "abortOnFail");
        if (const auto delay = item["delayAbortEval"]) condition.delay_abort_eval = l.duration(delay, "delayAbortEval");
      } else {
        const auto text = l.text(item, "a threshold");
        condition = l.at(item, [&] { return metrics::parse_condition(text); });
      }
      l.at(item, [&] {
        metrics::check_condition_applies(condition, *info);
        return 0;
      });
      threshold.conditions.push_back(std::move(condition));
    };
    if (entry.second.IsSequence()) {
      for (const auto& item : entry.second) add(item);
    } else {
      add(entry.second);
    }
    if (threshold.conditions.empty()) config::fail_at(l.doc, entry.second, "no conditions (write e.g. [\"p(95)<500\"])");
    l.plan.thresholds.push_back(std::move(threshold));
  }
}

// Tags, flow and data uses of a scenario (or of the setup or teardown); variables read but never
// extracted in it are typos.
void parse_flow(Loader& l, Scenario& scenario, const YAML::Node& key, const YAML::Node& node, DataOrder setup_fallback) {
  const auto& name = scenario.name;
  scenario.tags = l.default_tags;
  if (const auto tags = node["tags"]) {
    auto own = l.tags(tags);
    scenario.tags.insert(scenario.tags.end(), own.begin(), own.end());
    scenario.tags = metrics::normalize_tags(std::move(scenario.tags));
  }
  const auto flow = node["flow"];
  if (!flow) config::fail_at(l.doc, key, "scenario '" + name + "' needs a `flow:` list of steps");
  config::require_sequence(l.doc, flow, "flow");
  if (flow.size() == 0) config::fail_at(l.doc, flow, "the flow has no steps");
  l.extracted.assign(l.plan.variables.size(), false);
  l.first_read = l.default_reads;
  bool any_request = false;
  for (const auto& item : flow) {
    scenario.flow.push_back(detail::parse_step(l, item));
    any_request = any_request || scenario.flow.back().kind == Step::Kind::request;
  }
  if (!any_request) config::fail_at(l.doc, flow, "the flow has no request (add a step with `url:`)");
  l.extracted.resize(l.plan.variables.size(), false);
  // A variable read but never extracted in this scenario (and without a `vars:` value) is a typo.
  for (const auto& [variable, where] : l.first_read) {
    const auto index = static_cast<std::size_t>(variable);
    const bool has_initial = index < l.plan.initial_values.size() && l.plan.initial_values[index].has_value();
    if (!l.extracted[index] && !has_initial) {
      throw config::ConfigError(where + ": variable '" + l.plan.variables.names()[index] +
                                "' is never extracted in scenario '" + name +
                                "' (add `extract:` to an earlier step, give it a value under `vars:`, read a setup "
                                "value as ${setup." + l.plan.variables.names()[index] +
                                "}, or use one of vu, iter, uuid, now, timestamp, scenario, random_id, env.NAME)");
    }
  }
  scenario.data = parse_data_uses(l, node["data"], scenario.flow, setup_fallback);
}

// `setup:` / `teardown:`: a flow one VU runs `iterations` times (default 1) within `maxDuration`
// (default 10m), before or after every scenario.
Scenario parse_phase(Loader& l, const std::string& name, const YAML::Node& key, const YAML::Node& node) {
  config::require_map(l.doc, node, name.c_str());
  config::check_keys(l.doc, node, {"iterations", "maxDuration", "tags", "data", "flow"});
  Scenario phase;
  phase.name = name;
  phase.location = config::location(l.doc, key);
  phase.executor.kind = executors::ExecutorKind::per_vu_iterations;
  phase.executor.vus = 1;
  phase.executor.iterations = 1;
  phase.executor.max_duration = std::chrono::minutes(10);
  if (const auto v = node["iterations"]) phase.executor.iterations = l.integer(v, "iterations");
  if (const auto v = node["maxDuration"]) phase.executor.max_duration = l.duration(v, "maxDuration");
  l.at(node["iterations"] ? node["iterations"] : key, [&] {
    (void)executors::make_executor(phase.executor);
    return 0;
  });
  parse_flow(l, phase, key, node, DataOrder::iteration);
  phase.tags.emplace_back("phase", name);
  phase.tags = metrics::normalize_tags(std::move(phase.tags));
  return phase;
}

Scenario parse_scenario(Loader& l, const std::string& name, const YAML::Node& key, const YAML::Node& node) {
  config::require_map(l.doc, node, "a scenario");
  std::vector<std::string_view> allowed{"executor", "startTime", "gracefulStop", "tags", "flow", "data"};
  Scenario scenario;
  scenario.name = name;
  scenario.location = config::location(l.doc, key);
  const auto executor = node["executor"];
  if (!executor) config::fail_at(l.doc, key, "scenario '" + name + "' needs `executor:`");
  scenario.executor = parse_executor(l, node, executor);
  // Unknown keys (typos) after the executor's options were matched.
  for (const auto& entry : node) {
    const auto k = entry.first.Scalar();
    const bool known = std::find(allowed.begin(), allowed.end(), k) != allowed.end() ||
                       std::find(std::begin(kAllExecutorOptions), std::end(kAllExecutorOptions), k) !=
                           std::end(kAllExecutorOptions);
    if (!known) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      names.insert(names.end(), std::begin(kAllExecutorOptions), std::end(kAllExecutorOptions));
      const auto meant = closest(k, names);
      config::fail_at(l.doc, entry.first, "unknown key '" + k + "' in scenario '" + name + "'" +
                                              (meant.empty() ? "" : " (did you mean '" + meant + "'?)"));
    }
  }
  parse_flow(l, scenario, key, node, DataOrder::vu);
  return scenario;
}

}  // namespace

}  // namespace detail

namespace {

TestPlan load(const config::Document& doc, const LoadOptions& options) {
  TestPlan plan;
  plan.file = doc.file;
  plan.user_agent = "rsolv-loadgen";
  detail::Loader l(doc, options, plan, std::filesystem::path(doc.file).parent_path());
  metrics::define_builtin_metrics(l.definitions);
  const auto& root = doc.root;
  config::require_map(doc, root, "a scenario file");
  config::check_keys(doc, root, {"name", "description", "base_url", "headers", "tags", "timeout", "userAgent",
                                 "insecureSkipTLSVerify", "caFile", "maxResponseBytes", "vars", "metrics", "scenarios",
                                 "thresholds", "data", "setup", "teardown"});
  plan.name = root["name"] ? l.text(root["name"], "name") : std::filesystem::path(doc.file).stem().string();
  if (const auto d = root["description"]) plan.description = l.text(d, "description");
  if (const auto ua = root["userAgent"]) plan.user_agent = l.at(ua, [&] { return config::expand_env(l.text(ua, "userAgent"), options.env); });
  if (const auto v = root["insecureSkipTLSVerify"]) plan.insecure_skip_tls_verify = config::as_bool(doc, v, "insecureSkipTLSVerify");
  if (const auto v = root["caFile"]) plan.ca_file = l.at(v, [&] { return config::expand_env(l.text(v, "caFile"), options.env); });
  if (const auto v = root["maxResponseBytes"]) {
    plan.max_response_bytes = config::as_int(doc, v, "maxResponseBytes");
    if (plan.max_response_bytes <= 0) {
      config::fail_at(doc, v, "maxResponseBytes must be a positive number of bytes (default 67108864, 64 MiB)");
    }
  }
  if (const auto v = root["timeout"]) {
    l.default_timeout = l.duration(v, "timeout");
    if (l.default_timeout <= executors::Micros{0}) config::fail_at(doc, v, "timeout must be greater than 0");
  }
  if (const auto v = root["base_url"]) {
    const auto text = l.at(v, [&] { return config::expand_env(l.text(v, "base_url"), options.env); });
    if (text.find("${") != std::string::npos) config::fail_at(doc, v, "base_url may use ${env.X} only");
    l.base_url = l.at(v, [&] { return engine::parse_url(text); });
  }
  if (const auto v = root["tags"]) l.default_tags = l.tags(v);
  if (const auto vars = root["vars"]) {
    config::require_map(doc, vars, "vars");
    for (const auto& entry : vars) {
      const auto name = l.text(entry.first, "a variable name");
      const auto value = l.at(entry.second, [&] { return config::expand_env(l.text(entry.second, "a variable's value"), options.env); });
      const auto index = static_cast<std::size_t>(plan.variables.index_of(name));
      if (plan.initial_values.size() <= index) plan.initial_values.resize(index + 1);
      plan.initial_values[index] = value;
      const auto lower_name = to_lower(name);
      for (const auto* word : {"key", "secret", "token", "password"}) {
        if (lower_name.find(word) != std::string::npos && !value.empty()) {
          plan.secrets.emplace_back(value);
          break;
        }
      }
    }
  }
  if (const auto h = root["headers"]) {
    config::require_map(doc, h, "headers");
    for (const auto& entry : h) l.default_headers.push_back(detail::parse_header(l, entry.first, entry.second));
    l.default_reads = l.first_read;
  }
  if (const auto m = root["metrics"]) detail::parse_metrics(l, m);

  if (const auto d = root["data"]) detail::parse_data_sources(l, d);
  if (const auto s = root["setup"]) {
    plan.setup = detail::parse_phase(l, "setup", root["setup"], s);
    // Its extracted values become the rows of the source "setup": one row per setup iteration.
    std::vector<std::string> columns;
    for (const auto& step : plan.setup->flow) {
      for (const auto& x : step.extracts) {
        if (std::find(plan.setup_columns.begin(), plan.setup_columns.end(), x.variable) != plan.setup_columns.end()) continue;
        plan.setup_columns.push_back(x.variable);
        columns.push_back(plan.variables.names()[static_cast<std::size_t>(x.variable)]);
      }
    }
    if (!columns.empty()) {
      plan.setup_source = plan.variables.add_source("setup", columns);
      plan.data.emplace_back("setup", std::move(columns));
      l.data_defaults.push_back({plan.setup_source, DataOrder::vu, DataExhausted::wrap});
    }
  }
  const auto scenarios = root["scenarios"];
  if (!scenarios) config::fail_at(doc, root, "missing `scenarios:` (a mapping of scenario names to executors and flows)");
  config::require_map(doc, scenarios, "scenarios");
  if (scenarios.size() == 0) config::fail_at(doc, scenarios, "no scenarios");
  for (const auto& entry : scenarios) {
    const auto name = l.text(entry.first, "a scenario name");
    // k6's rule; it also keeps `{scenario:NAME}` threshold filters unambiguous.
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](unsigned char c) {
          return std::isalnum(c) != 0 || c == '_' || c == '-';
        })) {
      config::fail_at(doc, entry.first, "invalid scenario name '" + name + "' (letters, digits, _ and - only)");
    }
    plan.scenarios.push_back(detail::parse_scenario(l, name, entry.first, entry.second));
  }
  if (const auto t = root["teardown"]) plan.teardown = detail::parse_phase(l, "teardown", t, t);
  // Header defaults were compiled before any scenario; their reads are checked like a step's.
  if (const auto t = root["thresholds"]) detail::parse_thresholds(l, t);

  plan.initial_values.resize(plan.variables.size());
  // Constant requests are rendered once, here, and sent as they are.
  std::vector<Scenario*> all;
  for (auto& scenario : plan.scenarios) all.push_back(&scenario);
  if (plan.setup) all.push_back(&*plan.setup);
  if (plan.teardown) all.push_back(&*plan.teardown);
  for (auto* scenario : all) {
    for (auto& step : scenario->flow) {
      if (step.kind != Step::Kind::request || !request_is_constant(step.request)) continue;
      std::string prebuilt;
      RenderScratch scratch;
      render_request(prebuilt, step.request, plan, TemplateContext{}, scratch);
      step.request.prebuilt = std::move(prebuilt);
    }
  }
  return plan;
}

}  // namespace

executors::Micros TestPlan::max_duration() const {
  executors::Micros longest{0};
  for (const auto& scenario : scenarios) {
    const auto executor = executors::make_executor(scenario.executor);
    longest = std::max(longest, scenario.executor.start_time + executor->hard_stop());
  }
  return longest;
}

TestPlan load_test_plan_file(const std::string& path, const LoadOptions& options) {
  return load(config::load_yaml_file(path), options);
}

TestPlan load_test_plan_string(std::string_view text, std::string label, const LoadOptions& options) {
  return load(config::load_yaml_string(text, std::move(label)), options);
}

}  // namespace rsolv::loadgen::scenario
