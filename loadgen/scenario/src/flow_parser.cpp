// The steps of a scenario's `flow`: requests (URL, headers, body, Stripe signing), checks,
// extraction into variables, custom metric recordings, think time.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>

#include "plan_loader.hpp"
#include "rsolv/common/strings.hpp"
#include "rsolv/config/bounded_file.hpp"
#include "rsolv/config/duration.hpp"
#include "rsolv/config/env_expand.hpp"
#include "rsolv/stripe/events/catalogue.hpp"

namespace rsolv::loadgen::scenario::detail {

namespace {

// A body_file is read once and held for the whole run.
constexpr std::size_t kMaxBodyFileBytes = 16 * 1024 * 1024;

bool header_token(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0 && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}


int header_slot(Step& step, const std::string& lowercase_name) {
  const auto it = std::find(step.captured_headers.begin(), step.captured_headers.end(), lowercase_name);
  if (it != step.captured_headers.end()) return static_cast<int>(it - step.captured_headers.begin());
  step.captured_headers.push_back(lowercase_name);
  return static_cast<int>(step.captured_headers.size() - 1);
}

// A JSON path into the step's response (check, extraction, recording): the step keeps its body
// and parses it as JSON.
JsonPath response_json_path(Loader& l, Step& step, const YAML::Node& node, const std::string& written) {
  step.needs_body = step.needs_json = true;
  return l.at(node, [&] { return JsonPath::parse(written); });
}

constexpr std::array<std::string_view, 9> kMatcherKeys = {"equals", "not_equals", "contains", "matches", "lt",
                                                          "lte",    "gt",         "gte",      "exists"};

// The keys of a header or json check: its name, its kind, a matcher.
constexpr auto matcher_check_keys(std::string_view kind) {
  std::array<std::string_view, 2 + kMatcherKeys.size()> keys{"name", kind};
  std::copy(kMatcherKeys.begin(), kMatcherKeys.end(), keys.begin() + 2);
  return keys;
}
constexpr auto kHeaderCheckKeys = matcher_check_keys("header");
constexpr auto kJsonCheckKeys = matcher_check_keys("json");

// The matcher of a header/json/body check: at most one of kMatcherKeys; exists when none.
Matcher parse_matcher(Loader& l, const YAML::Node& node, bool required) {
  Matcher m;
  int found = 0;
  for (const auto key : kMatcherKeys) {
    const auto value = node[std::string(key)];
    if (!value) continue;
    if (++found > 1) config::fail_at(l.doc, value, "a check takes one matcher; split it into two checks");
    if (key == "exists") {
      m.op = config::as_bool(l.doc, value, "exists") ? Matcher::Op::exists : Matcher::Op::absent;
    } else if (key == "matches") {
      m.op = Matcher::Op::matches;
      const auto pattern = l.at(value, [&] { return config::expand_env(l.text(value, "matches"), l.options.env); });
      m.expected = pattern;
      try {
        m.regex = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& error) {
        config::fail_at(l.doc, value, "invalid regular expression '" + pattern + "': " + error.what());
      }
    } else if (key == "lt" || key == "lte" || key == "gt" || key == "gte") {
      m.op = key == "lt" ? Matcher::Op::lt : key == "lte" ? Matcher::Op::le : key == "gt" ? Matcher::Op::gt : Matcher::Op::ge;
      const double number = config::as_double(l.doc, value, std::string(key));
      // Whole numbers stay integers so check names read "gte 0", not "gte 0.0".
      if (number == std::floor(number) && std::fabs(number) < 9e15) {
        m.expected = static_cast<std::int64_t>(number);
      } else {
        m.expected = number;
      }
    } else {
      m.op = key == "equals" ? Matcher::Op::equals : key == "not_equals" ? Matcher::Op::not_equals : Matcher::Op::contains;
      if (!value.IsScalar() && !value.IsSequence() && !value.IsMap()) {
        config::fail_at(l.doc, value, std::string(key) + " needs a value");
      }
      m.expected = yaml_to_json(l.doc, value);
      if (m.expected.is_string()) {
        m.expected = l.at(value, [&] { return config::expand_env(m.expected.get<std::string>(), l.options.env); });
      }
    }
  }
  if (found == 0 && required) {
    config::fail_at(l.doc, node, "this check needs a matcher: equals, not_equals, contains, matches, lt, lte, gt or gte");
  }
  return m;
}

// A check's default name shows an expected value from the environment as written ("equals
// ${env.PLAN_LIMIT}"), never the value itself: it may be a credential, and names reach reports.
std::string describe_as_written(const Matcher& matcher, const YAML::Node& node) {
  for (const auto key : kMatcherKeys) {
    const auto value = node[std::string(key)];
    if (value && value.IsScalar() && value.Scalar().find("${") != std::string::npos) {
      Matcher shown = matcher;
      shown.expected = value.Scalar();
      return shown.describe();
    }
  }
  return matcher.describe();
}

// A status check's statuses (one or a list); as written, joined by " or ", for its default name.
std::string parse_check_statuses(Loader& l, Check& check, const YAML::Node& status) {
  std::string written;
  const auto add = [&](const YAML::Node& item) {
    const auto text = l.text(item, "status");
    check.statuses.push_back(l.at(item, [&] { return parse_status_range(text); }));
    written += written.empty() ? text : " or " + text;
  };
  if (status.IsSequence()) {
    for (const auto& item : status) add(item);
    if (check.statuses.empty()) config::fail_at(l.doc, status, "status lists no status");
  } else {
    add(status);
  }
  return written;
}

Check parse_check(Loader& l, Step& step, const YAML::Node& node) {
  config::require_map(l.doc, node, "a check");
  Check check;
  std::string default_name;
  int kinds = 0;
  for (const auto key : {"status", "header", "json", "latency", "body"}) {
    if (node[key]) ++kinds;
  }
  if (kinds != 1) {
    config::fail_at(l.doc, node, "a check needs exactly one of status, header, json, latency or body");
  }
  if (const auto status = node["status"]) {
    config::check_keys(l.doc, node, {"name", "status"});
    check.kind = Check::Kind::status;
    default_name = "status is " + parse_check_statuses(l, check, status);
  } else if (const auto header = node["header"]) {
    config::check_keys(l.doc, node, kHeaderCheckKeys);
    check.kind = Check::Kind::header;
    const auto name = l.text(header, "header");
    if (!header_token(name)) config::fail_at(l.doc, header, "invalid header name '" + name + "'");
    check.header = to_lower(name);
    check.header_slot = header_slot(step, check.header);
    check.matcher = parse_matcher(l, node, false);
    default_name = "header " + name + " " + describe_as_written(check.matcher, node);
  } else if (const auto json = node["json"]) {
    config::check_keys(l.doc, node, kJsonCheckKeys);
    check.kind = Check::Kind::json;
    const auto path = l.text(json, "json");
    check.path = response_json_path(l, step, json, path);
    check.matcher = parse_matcher(l, node, false);
    default_name = path + " " + describe_as_written(check.matcher, node);
  } else if (const auto latency = node["latency"]) {
    config::check_keys(l.doc, node, {"name", "latency"});
    check.kind = Check::Kind::latency;
    check.max_latency = l.duration(latency, "latency");
    if (check.max_latency <= executors::Micros{0}) config::fail_at(l.doc, latency, "latency must be greater than 0");
    default_name = "latency < " + config::format_duration(check.max_latency);
  } else {
    const auto body = node["body"];
    config::check_keys(l.doc, node, {"name", "body"});
    config::require_map(l.doc, body, "body (of a check)");
    config::check_keys(l.doc, body, kMatcherKeys);
    check.kind = Check::Kind::body;
    check.matcher = parse_matcher(l, body, true);
    step.needs_body = true;
    default_name = "body " + describe_as_written(check.matcher, body);
  }
  check.name = node["name"] ? l.text(node["name"], "name") : default_name;
  if (check.name.empty()) config::fail_at(l.doc, node["name"], "a check's name must not be empty");
  return check;
}

void parse_extract(Loader& l, Step& step, const YAML::Node& node) {
  config::require_map(l.doc, node, "extract");
  for (const auto& entry : node) {
    const auto name = l.text(entry.first, "a variable name");
    const auto& spec = entry.second;
    const bool valid = !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])) == 0 &&
                       std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
    static constexpr std::string_view kReserved[] = {"vu", "iter", "uuid", "now", "timestamp", "scenario", "random_id", "env"};
    if (!valid || std::find(std::begin(kReserved), std::end(kReserved), name) != std::end(kReserved)) {
      config::fail_at(l.doc, entry.first,
                      "'" + name + "' cannot be a variable name (letters, digits and _; not a built-in like vu or uuid)");
    }
    Extraction x;
    x.variable = l.plan.variables.index_of(name);
    if (spec.IsScalar()) {
      // Shorthand: `id: $.customer.id`.
      x.source = Extraction::Source::json;
      x.path = response_json_path(l, step, spec, l.text(spec, "extract"));
    } else {
      config::require_map(l.doc, spec, "an extraction");
      config::check_keys(l.doc, spec, {"json", "header", "regex"});
      if (spec.size() != 1) config::fail_at(l.doc, spec, "an extraction needs exactly one of json, header or regex");
      if (const auto json = spec["json"]) {
        x.source = Extraction::Source::json;
        x.path = response_json_path(l, step, json, l.text(json, "json"));
      } else if (const auto header = spec["header"]) {
        x.source = Extraction::Source::header;
        const auto header_name = l.text(header, "header");
        if (!header_token(header_name)) config::fail_at(l.doc, header, "invalid header name '" + header_name + "'");
        x.header_slot = header_slot(step, to_lower(header_name));
      } else {
        const auto regex_node = spec["regex"];
        x.source = Extraction::Source::regex;
        const auto pattern = l.text(regex_node, "regex");
        try {
          x.regex = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
        } catch (const std::regex_error& error) {
          config::fail_at(l.doc, regex_node, "invalid regular expression '" + pattern + "': " + error.what());
        }
        step.needs_body = true;
      }
    }
    if (l.extracted.size() < l.plan.variables.size()) l.extracted.resize(l.plan.variables.size(), false);
    l.extracted[static_cast<std::size_t>(x.variable)] = true;
    step.extracts.push_back(std::move(x));
  }
}

// `from:` checks, ok, duration or status, each for the metric type that can hold it.
Recording::Source parse_record_from(Loader& l, const Recording& r, const YAML::Node& from) {
  const auto what = l.text(from, "from");
  Recording::Source source = Recording::Source::constant;
  if (what == "checks") {
    source = Recording::Source::checks;
  } else if (what == "ok") {
    source = Recording::Source::ok;
  } else if (what == "duration") {
    source = Recording::Source::duration;
  } else if (what == "status") {
    source = Recording::Source::status;
  } else {
    config::fail_at(l.doc, from, "from: must be checks, ok, duration or status, not '" + what + "'");
  }
  if ((source == Recording::Source::checks || source == Recording::Source::ok) && r.type != metrics::MetricType::rate) {
    config::fail_at(l.doc, from, "from: " + what + " records true/false: declare '" + r.metric + "' as a rate");
  }
  if (source == Recording::Source::duration && r.type != metrics::MetricType::trend) {
    config::fail_at(l.doc, from, "from: duration records a time: declare '" + r.metric + "' as a trend with time: true");
  }
  return source;
}

Recording parse_record(Loader& l, Step& step, const YAML::Node& item) {
  config::require_map(l.doc, item, "a recording");
  config::check_keys(l.doc, item, {"metric", "value", "from", "json", "variable"});
  Recording r;
  const auto metric_node = item["metric"];
  if (!metric_node) config::fail_at(l.doc, item, "a recording needs `metric:` (a metric declared under metrics:)");
  r.metric = l.text(metric_node, "metric");
  const auto* info = l.definitions.info(r.metric);
  const bool custom = std::any_of(l.plan.custom_metrics.begin(), l.plan.custom_metrics.end(),
                                  [&](const metrics::MetricInfo& m) { return m.name == r.metric; });
  if (info == nullptr || !custom) {
    config::fail_at(l.doc, metric_node, "metric '" + r.metric +
                                            "' is not declared under `metrics:` (declare it with its type: counter, "
                                            "gauge, rate or trend)");
  }
  r.type = info->type;
  int sources = 0;
  for (const auto key : {"value", "from", "json", "variable"}) sources += item[key] ? 1 : 0;
  if (sources > 1) config::fail_at(l.doc, item, "a recording takes one of value, from, json or variable");
  if (const auto value = item["value"]) {
    r.source = Recording::Source::constant;
    r.constant = config::as_double(l.doc, value, "value");
  } else if (const auto from = item["from"]) {
    r.source = parse_record_from(l, r, from);
  } else if (const auto json = item["json"]) {
    r.source = Recording::Source::json;
    r.path = response_json_path(l, step, json, l.text(json, "json"));
  } else if (const auto variable = item["variable"]) {
    r.source = Recording::Source::variable;
    const auto name = l.text(variable, "variable");
    r.variable = l.plan.variables.index_of(name);
    if (l.first_read.count(r.variable) == 0) l.first_read[r.variable] = config::location(l.doc, variable);
  } else {
    // Counting the step: a counter adds 1, a rate records whether the request succeeded.
    r.source = r.type == metrics::MetricType::rate ? Recording::Source::ok : Recording::Source::constant;
    r.constant = 1;
  }
  return r;
}

void parse_records(Loader& l, Step& step, const YAML::Node& node) {
  if (node.IsSequence()) {
    for (const auto& item : node) step.records.push_back(parse_record(l, step, item));
  } else {
    step.records.push_back(parse_record(l, step, node));
  }
}

SleepRange parse_sleep(Loader& l, const YAML::Node& node) {
  SleepRange range;
  if (node.IsSequence()) {
    if (node.size() != 2) config::fail_at(l.doc, node, "sleep as a list is [min, max], e.g. [1s, 3s]");
    range.min = l.duration(node[0], "sleep");
    range.max = l.duration(node[1], "sleep");
  } else if (node.IsMap()) {
    config::check_keys(l.doc, node, {"min", "max"});
    if (!node["min"] || !node["max"]) config::fail_at(l.doc, node, "sleep needs both min and max");
    range.min = l.duration(node["min"], "sleep min");
    range.max = l.duration(node["max"], "sleep max");
  } else {
    const auto text = l.text(node, "sleep");
    // "1s-3s": a range; a single duration is a fixed pause.
    const auto dash = text.find('-', 1);
    if (dash != std::string::npos) {
      range.min = l.at(node, [&] { return config::parse_duration(text.substr(0, dash)); });
      range.max = l.at(node, [&] { return config::parse_duration(text.substr(dash + 1)); });
    } else {
      range.min = range.max = l.duration(node, "sleep");
    }
  }
  if (range.min > range.max) config::fail_at(l.doc, node, "sleep's minimum is above its maximum; swap them");
  if (range.min < executors::Micros{0}) config::fail_at(l.doc, node, "sleep must not be negative");
  return range;
}

std::string read_body_file(Loader& l, const YAML::Node& node) {
  const auto written = l.text(node, "body_file");
  auto path = std::filesystem::path(config::expand_env(written, l.options.env));
  if (path.is_relative()) path = l.base_dir / path;
  // Every body is held in memory for the whole run: a bounded read, and the limit in the error.
  try {
    return config::read_bounded_file(path.string(), kMaxBodyFileBytes, "a body_file");
  } catch (const config::ConfigError& error) {
    config::fail_at(l.doc, node, std::string(error.what()) + " (body_file paths are relative to the scenario file)");
  }
}

void collect_numeric_references(const nlohmann::json& value, const std::string& path,
                                std::map<std::string, Template>& out) {
  static const std::pair<std::string_view, TemplatePartKind> kNumeric[] = {
      {"${vu}", TemplatePartKind::vu},
      {"${iter}", TemplatePartKind::iter},
      {"${now}", TemplatePartKind::now_ms},
      {"${timestamp}", TemplatePartKind::timestamp}};
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) collect_numeric_references(item, path.empty() ? key : path + "." + key, out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) collect_numeric_references(value[i], path + "[" + std::to_string(i) + "]", out);
  } else if (value.is_string() && !path.empty()) {
    for (const auto& [text, kind] : kNumeric) {
      if (value.get_ref<const std::string&>() == text) {
        Template t;
        t.append(TemplatePart{kind, false, -1, {}});
        out.emplace(path, std::move(t));
      }
    }
  }
}

// `event: invoice.payment_succeeded`: the body is built from harness/stripe's event catalogue (the
// shapes of Stripe's API version), with `event_vars` for its variables (templates allowed, e.g.
// customer: "${customer}"). Every delivery is a new event: its id, its object's id and `created`
// are rendered per request.
Template stripe_event_body(Loader& l, const YAML::Node& event_node, const YAML::Node& vars_node) {
  const auto type = l.text(event_node, "event");
  auto vars = nlohmann::json::object();
  if (vars_node) {
    config::require_map(l.doc, vars_node, "event_vars");
    for (const auto& entry : vars_node) {
      auto value = yaml_to_json(l.doc, entry.second);
      // ${env.X} resolves now; other references stay for the per-request template.
      if (value.is_string()) value = l.at(entry.second, [&] { return config::expand_env(value.get<std::string>(), l.options.env); });
      vars[l.text(entry.first, "a variable name")] = std::move(value);
    }
  }
  Random random(0x5eed);
  ManualClock clock;
  const auto document = l.at(vars_node ? vars_node : event_node, [&] {
    return stripe::events::build_event(type, vars, random, clock);
  });
  const auto prefixed = [&](const std::string& id) {
    const auto underscore = id.find('_');
    VariableTable& table = l.plan.variables;
    return compile_template("\"" + (underscore == std::string::npos ? std::string("id") : id.substr(0, underscore)) +
                                "_${random_id}\"",
                            table, l.options.env);
  };
  std::string object_id;
  if (const auto* data = document.contains("data") ? &document["data"] : nullptr;
      data != nullptr && data->contains("object") && (*data)["object"].contains("id") && (*data)["object"]["id"].is_string()) {
    object_id = (*data)["object"]["id"].get<std::string>();
  }
  const JsonTemplateHook hook = [&](const std::string& path) -> std::optional<Template> {
    if (path == "id") return prefixed(document["id"].get<std::string>());
    if (path == "data.object.id" && !object_id.empty()) return prefixed(object_id);
    if (path == "created") {
      Template t;
      t.append(TemplatePart{TemplatePartKind::timestamp, false, -1, {}});
      return t;
    }
    return std::nullopt;
  };
  auto body = l.at(event_node, [&] { return json_template(document, l.plan.variables, l.options.env, hook); });
  l.note_reads(vars_node ? vars_node : event_node, body);
  return body;
}

void parse_url(Loader& l, Step& step, const YAML::Node& node) {
  const auto written = l.text(node, "url");
  auto full = l.compile(node, written);
  const auto& parts = full.parts();
  if (parts.empty()) config::fail_at(l.doc, node, "url must not be empty");
  Template target;
  engine::Origin origin;
  const auto& first = parts.front();
  if (first.kind == TemplatePartKind::literal && (first.text.starts_with("http://") || first.text.starts_with("https://"))) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in the lambda below.
    const auto split = engine::split_origin(first.text);
    const auto origin_text = split.first;
    const auto rest = split.second;
    if (rest.empty() && parts.size() > 1) {
      config::fail_at(l.doc, node, "the scheme, host and port of a URL cannot come from a ${...} reference other than "
                                   "${env.X} (put the variable in the path)");
    }
    origin = l.at(node, [&] { return engine::parse_url(std::string(origin_text) + "/").origin; });
    std::string head(rest.empty() ? "/" : rest);
    if (head.front() == '?') head.insert(head.begin(), '/');
    target.append(TemplatePart{TemplatePartKind::literal, false, -1, head});
    for (std::size_t i = 1; i < parts.size(); ++i) target.append(parts[i]);
  } else {
    if (first.kind != TemplatePartKind::literal || first.text.front() != '/') {
      config::fail_at(l.doc, node, "url must be absolute (http://host:port/path) or start with '/' (relative to base_url)");
    }
    if (!l.base_url) {
      config::fail_at(l.doc, node, "a relative url needs `base_url:` at the top of the file (e.g. base_url: "
                                   "${env.RSOLV_TARGET:-http://127.0.0.1:4000})");
    }
    origin = l.base_url->origin;
    std::string prefix = l.base_url->target;
    if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    target.append(TemplatePart{TemplatePartKind::literal, false, -1, prefix});
    target.append(full);
  }
  // The name tag defaults to the URL as written (templates unrendered), as k6's does.
  if (step.name.empty()) {
    const auto rest = engine::split_origin(written).second;
    step.name = std::string(rest.empty() ? std::string_view(written) : rest);
  }
  step.request.target = std::move(target);
  step.request.endpoint = l.origin_index(origin);
}

}  // namespace

bool sensitive_header(std::string_view name) {
  const auto lowercase_name = to_lower(name);
  return lowercase_name == "authorization" || lowercase_name == "x-api-key" || lowercase_name == "cookie" ||
         lowercase_name == "proxy-authorization" || lowercase_name.find("token") != std::string::npos ||
         lowercase_name.find("secret") != std::string::npos;
}

std::pair<std::string, Template> parse_header(Loader& l, const YAML::Node& key_node, const YAML::Node& value_node) {
  const auto name = l.text(key_node, "a header name");
  if (!header_token(name)) config::fail_at(l.doc, key_node, "invalid header name '" + name + "'");
  const auto key = to_lower(name);
  if (key == "host" || key == "content-length" || key == "transfer-encoding" || key == "stripe-signature") {
    config::fail_at(l.doc, key_node, name + " is set by the load generator; remove it");
  }
  const auto value_text = l.text(value_node, "a header value");
  if (value_text.find_first_of("\r\n") != std::string::npos) {
    config::fail_at(l.doc, value_node, "a header value must not contain a line break");
  }
  auto value = l.compile(value_node, value_text);
  if (sensitive_header(key) && value.constant() && !value.constant_text().empty()) {
    l.plan.secrets.emplace_back(std::string(value.constant_text()));
  }
  return {name, std::move(value)};
}

namespace {

// Every key a step may have, in the order the "unknown key" error lists them; a pause (no `url:`)
// refuses the keys that need a request.
struct StepKey {
  std::string_view name;
  bool needs_request;
};
constexpr StepKey kStepKeys[] = {{"name", false},      {"method", true}, {"url", false},      {"headers", true},
                                 {"body", true},       {"json", true},   {"body_file", true}, {"event", true},
                                 {"event_vars", true}, {"sign", true},   {"secret", true},    {"timeout", true},
                                 {"expect", true},     {"checks", true}, {"extract", true},   {"record", true},
                                 {"sleep", false},     {"once", false},  {"tags", false}};
constexpr auto kStepKeyNames = [] {
  std::array<std::string_view, std::size(kStepKeys)> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = kStepKeys[i].name;
  return names;
}();

void parse_pause(Loader& l, Step& step, const YAML::Node& node) {
  if (!node["sleep"]) config::fail_at(l.doc, node, "a step needs `url:` (a request) or `sleep:` (a pause)");
  for (const auto& key : kStepKeys) {
    if (!key.needs_request) continue;
    const std::string name(key.name);
    if (node[name]) config::fail_at(l.doc, node[name], name + " needs a request: add `url:` to this step");
  }
  step.kind = Step::Kind::sleep;
  if (step.name.empty()) step.name = "sleep";
}

// The file's default headers, then the step's (same name, any case: the step's wins).
std::vector<std::pair<std::string, Template>> step_headers(Loader& l, const YAML::Node& node) {
  std::vector<std::pair<std::string, Template>> headers = l.default_headers;
  const auto h = node["headers"];
  if (!h) return headers;
  config::require_map(l.doc, h, "headers");
  for (const auto& entry : h) {
    auto [name, value] = parse_header(l, entry.first, entry.second);
    const auto key = to_lower(name);
    const auto same = std::find_if(headers.begin(), headers.end(), [&](const auto& existing) {
      return to_lower(existing.first) == key;
    });
    if (same != headers.end()) {
      same->first = name;
      same->second = std::move(value);
    } else {
      headers.emplace_back(name, std::move(value));
    }
  }
  return headers;
}

// `json:` as a body template. A string that is exactly ${vu}, ${iter}, ${now} or ${timestamp}
// becomes a JSON number (Stripe's `created`, counters): the hook replaces it by the unquoted reference.
Template json_body_template(Loader& l, const YAML::Node& json) {
  const auto document = yaml_to_json(l.doc, json);
  std::map<std::string, Template> numbers;
  collect_numeric_references(document, "", numbers);
  const JsonTemplateHook hook = [&numbers](const std::string& path) -> std::optional<Template> {
    const auto it = numbers.find(path);
    if (it == numbers.end()) return std::nullopt;
    return it->second;
  };
  auto body = l.at(json, [&] { return json_template(document, l.plan.variables, l.options.env, hook); });
  l.note_reads(json, body);
  return body;
}

// Body: text, JSON, a Stripe event or a file (all templated). True when the body is JSON.
bool parse_body(Loader& l, RequestSpec& request, const YAML::Node& node) {
  int bodies = 0;
  for (const auto key : {"body", "json", "body_file", "event"}) bodies += node[key] ? 1 : 0;
  if (bodies > 1) config::fail_at(l.doc, node, "a step takes one of body, json, body_file or event");
  if (node["event_vars"] && !node["event"]) config::fail_at(l.doc, node["event_vars"], "event_vars needs `event:`");
  bool json_body = false;
  if (const auto body = node["body"]) {
    request.body = l.compile(body, l.text(body, "body"));
  } else if (const auto json = node["json"]) {
    request.body = json_body_template(l, json);
    json_body = true;
  } else if (const auto event = node["event"]) {
    request.body = stripe_event_body(l, event, node["event_vars"]);
    json_body = true;
  } else if (const auto file = node["body_file"]) {
    const auto content = read_body_file(l, file);
    request.body = l.compile(file, content);
    json_body = file.Scalar().ends_with(".json");
  } else {
    return false;
  }
  request.has_body = true;
  return json_body;
}

void parse_signing(Loader& l, RequestSpec& request, const YAML::Node& node) {
  const auto sign = node["sign"];
  if (!sign) {
    if (const auto secret_node = node["secret"]) config::fail_at(l.doc, secret_node, "secret: is only used with sign: stripe");
    return;
  }
  const auto how = l.text(sign, "sign");
  if (how != "stripe") config::fail_at(l.doc, sign, "sign: only `stripe` is supported");
  if (!request.has_body) config::fail_at(l.doc, sign, "sign: stripe signs the body: give the step a body, json or body_file");
  const auto secret_node = node["secret"];
  if (!secret_node) {
    config::fail_at(l.doc, sign, "sign: stripe needs `secret:` (the endpoint's whsec_... secret, e.g. "
                                 "${env.RSOLV_WEBHOOK_SECRET})");
  }
  // The secret's text never reaches a message: only the node's location does.
  auto value = l.at(secret_node, [&] { return config::expand_env(l.text(secret_node, "secret"), l.options.env); });
  if (value.empty()) config::fail_at(l.doc, secret_node, "the webhook secret is empty (set the variable it reads)");
  request.stripe_secret = Secret(std::move(value));
  request.sign_stripe = true;
  l.plan.secrets.push_back(request.stripe_secret);
}

// `timeout:` (else the file's default) and `expect:` (else 200-399).
void parse_timeout_and_expect(Loader& l, RequestSpec& request, const YAML::Node& node) {
  request.timeout = l.default_timeout;
  if (const auto timeout = node["timeout"]) {
    request.timeout = l.duration(timeout, "timeout");
    if (request.timeout <= executors::Micros{0}) config::fail_at(l.doc, timeout, "timeout must be greater than 0");
  }
  const auto expect = node["expect"];
  if (!expect) {
    request.expected_statuses.push_back({200, 399});
    return;
  }
  const auto add = [&](const YAML::Node& item) {
    const auto text = l.text(item, "expect");
    request.expected_statuses.push_back(l.at(item, [&] { return parse_status_range(text); }));
  };
  if (expect.IsSequence()) {
    for (const auto& item : expect) add(item);
  } else {
    add(expect);
  }
  if (request.expected_statuses.empty()) config::fail_at(l.doc, expect, "expect lists no status");
}

void parse_request(Loader& l, Step& step, const YAML::Node& node) {
  auto& request = step.request;
  if (const auto method = node["method"]) {
    request.method = to_upper(l.text(method, "method"));
    if (!header_token(request.method)) config::fail_at(l.doc, method, "invalid method '" + request.method + "'");
  }
  parse_url(l, step, node["url"]);
  auto headers = step_headers(l, node);
  if (parse_body(l, request, node)) {
    const bool has_type = std::any_of(headers.begin(), headers.end(),
                                      [](const auto& h) { return to_lower(h.first) == "content-type"; });
    if (!has_type) headers.emplace_back("Content-Type", Template::literal("application/json"));
  }
  request.user_agent_set = std::any_of(headers.begin(), headers.end(), [](const auto& h) { return to_lower(h.first) == "user-agent"; });
  request.headers = std::move(headers);
  parse_signing(l, request, node);
  parse_timeout_and_expect(l, request, node);
}

}  // namespace

Step parse_step(Loader& l, const YAML::Node& node) {
  config::require_map(l.doc, node, "a step of the flow");
  config::check_keys(l.doc, node, kStepKeyNames);
  Step step;
  step.location = config::location(l.doc, node);
  if (const auto name = node["name"]) {
    step.name = l.text(name, "name");
    if (step.name.empty()) config::fail_at(l.doc, name, "a step's name must not be empty");
  }
  if (const auto once = node["once"]) step.once = config::as_bool(l.doc, once, "once");
  if (const auto tags = node["tags"]) step.tags = l.tags(tags);
  if (const auto sleep = node["sleep"]) step.sleep = parse_sleep(l, sleep);
  if (!node["url"]) {
    parse_pause(l, step, node);
    return step;
  }
  parse_request(l, step, node);
  if (const auto checks = node["checks"]) {
    config::require_sequence(l.doc, checks, "checks");
    for (const auto& item : checks) step.checks.push_back(parse_check(l, step, item));
  }
  if (const auto extract = node["extract"]) parse_extract(l, step, extract);
  if (const auto record = node["record"]) parse_records(l, step, record);
  return step;
}

}  // namespace rsolv::loadgen::scenario::detail
