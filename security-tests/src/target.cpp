#include "rsolv/security/target.hpp"

#include <algorithm>
#include <fstream>

#include "rsolv/common/error.hpp"
#include "rsolv/config/env_expand.hpp"
#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/http/url.hpp"
#include "target_yaml.hpp"

namespace rsolv::security {

namespace {

using config::Document;
using namespace target_yaml;

Endpoint parse_endpoint(const Document& doc, const YAML::Node& node) {
  config::check_keys(doc, node, {"name", "method", "path", "auth", "body", "query", "inputs", "account_data", "card_fields"});
  Endpoint endpoint;
  endpoint.path = config::get_string(doc, node, "path");
  endpoint.name = config::get_optional_string(doc, node, "name").value_or(endpoint.path);
  endpoint.method = parse_method(doc, node);
  endpoint.auth = config::get_optional_bool(doc, node, "auth").value_or(false);
  endpoint.account_data = config::get_optional_bool(doc, node, "account_data").value_or(false);
  endpoint.card_fields = config::get_optional_bool(doc, node, "card_fields").value_or(false);
  if (node["body"]) {
    config::require_map(doc, node["body"], "body");
    endpoint.body = to_json(doc, node["body"]);
  }
  if (node["query"]) {
    config::require_map(doc, node["query"], "query");
    for (const auto& entry : node["query"]) endpoint.query[entry.first.Scalar()] = config::as_string(doc, entry.second, "query value");
  }
  if (const auto inputs = node["inputs"]) {
    config::check_keys(doc, inputs, {"body", "query", "headers"});
    endpoint.inputs.body = string_list(doc, inputs, "body");
    endpoint.inputs.query = string_list(doc, inputs, "query");
    endpoint.inputs.headers = string_list(doc, inputs, "headers");
    for (const auto& field : endpoint.inputs.body) {
      if (!endpoint.body.is_object() || !endpoint.body.contains(field)) {
        config::fail_at(doc, inputs["body"], "input '" + field + "' is not a field of this endpoint's body");
      }
    }
    for (const auto& param : endpoint.inputs.query) {
      if (!endpoint.query.contains(param)) {
        config::fail_at(doc, inputs["query"], "input '" + param + "' is not one of this endpoint's query parameters");
      }
    }
  }
  return endpoint;
}

MassAssignmentTarget parse_mass_assignment(const Document& doc, const YAML::Node& node) {
  config::require_map(doc, node, "mass_assignment entry");
  config::check_keys(doc, node, {"name", "method", "path", "auth", "body", "read", "key_field", "fields"});
  MassAssignmentTarget entry;
  entry.path = config::get_string(doc, node, "path");
  entry.name = config::get_optional_string(doc, node, "name").value_or(entry.path);
  entry.method = config::get_optional_string(doc, node, "method") ? parse_method(doc, node) : "POST";
  entry.auth = config::get_optional_bool(doc, node, "auth").value_or(false);
  if (node["body"]) {
    config::require_map(doc, node["body"], "body");
    entry.body = to_json(doc, node["body"]);
  }
  entry.read = config::get_optional_string(doc, node, "read").value_or(entry.read);
  if (!entry.read.starts_with("/")) config::fail_at(doc, node["read"], "read must be a path starting with /");
  entry.key_field = config::get_optional_string(doc, node, "key_field").value_or("");
  if (entry.key_field.empty() && !entry.auth) {
    config::fail_at(doc, node, "give key_field (the answer's field with the new account's key) or auth: true");
  }
  if (node["fields"]) {
    config::require_map(doc, node["fields"], "fields");
    entry.fields = to_json(doc, node["fields"]);
    if (entry.fields.empty()) config::fail_at(doc, node["fields"], "fields must name at least one privileged field");
  }
  return entry;
}

LimitTarget parse_limit(const Document& doc, const YAML::Node& node) {
  config::check_keys(doc, node, {"name", "method", "path", "auth", "body", "requests", "window_seconds", "per"});
  LimitTarget limit;
  limit.path = config::get_string(doc, node, "path");
  limit.name = config::get_optional_string(doc, node, "name").value_or(limit.path);
  limit.method = parse_method(doc, node);
  limit.auth = config::get_optional_bool(doc, node, "auth").value_or(false);
  if (node["body"]) limit.body = to_json(doc, node["body"]);
  limit.requests = expanded_int(doc, node, "requests");
  limit.window_seconds = expanded_int(doc, node, "window_seconds");
  if (limit.requests < 1 || limit.requests > 100000) config::fail_at(doc, node["requests"], "requests must be 1..100000");
  if (limit.window_seconds < 1) config::fail_at(doc, node["window_seconds"], "window_seconds must be positive");
  limit.per = config::get_optional_string(doc, node, "per").value_or("api_key");
  if (limit.per != "api_key" && limit.per != "ip") config::fail_at(doc, node["per"], "per must be api_key or ip");
  return limit;
}

// A top-level list of entries, each parsed by `parse`.
template <typename Entry, typename Parse>
void parse_list(const Document& doc, const char* key, std::vector<Entry>& out, Parse parse) {
  const auto entries = doc.root[key];
  if (!entries) return;
  config::require_sequence(doc, entries, key);
  for (const auto& node : entries) out.push_back(parse(doc, node));
}

Target parse_document(const Document& doc) {
  config::check_keys(doc, doc.root,
                     {"base_url", "allow_hosts", "ca_file", "credentials", "endpoints", "webhook", "limits", "logs", "preflight",
                      "mass_assignment", "bola", "race", "business_logic"});
  Target target;
  target.file = doc.file;
  target.base_url = expanded(doc, doc.root, "base_url");
  if (target.base_url.empty()) config::fail_at(doc, doc.root, "missing required key 'base_url'");
  if (!target.base_url.starts_with("http://") && !target.base_url.starts_with("https://")) {
    config::fail_at(doc, doc.root["base_url"], "base_url must start with http:// or https://");
  }
  // The same parser as the HTTP client's, so the host checked against the loopback rule is the
  // host the probes reach: "http://127.0.0.1@evil.example" goes to evil.example.
  http::Url parsed;
  try {
    parsed = http::parse_url(target.base_url);
  } catch (const Error& error) {
    config::fail_at(doc, doc.root["base_url"], error.what());
  }
  if (!parsed.userinfo.empty()) {
    config::fail_at(doc, doc.root["base_url"],
                    "base_url " + http::url_for_log(parsed) + " has user:password@ in it: give credentials under 'credentials'");
  }
  if (target.base_url.find('#') != std::string::npos) {
    config::fail_at(doc, doc.root["base_url"], "base_url must not have a #fragment");
  }
  if (const auto question = target.base_url.find('?'); question != std::string::npos) {
    target.base_query = target.base_url.substr(question + 1);
    target.base_url.erase(question);
    for (std::size_t start = 0; start < target.base_query.size();) {
      auto end = target.base_query.find('&', start);
      if (end == std::string::npos) end = target.base_query.size();
      const auto pair = target.base_query.substr(start, end - start);
      const auto equals = pair.find('=');
      if (equals != std::string::npos && equals + 1 < pair.size()) target.url_secrets.emplace_back(pair.substr(equals + 1));
      start = end + 1;
    }
  }
  target.base_url_at = config::location(doc, doc.root["base_url"]);
  while (target.base_url.ends_with("/")) target.base_url.pop_back();
  target.allow_hosts = string_list(doc, doc.root, "allow_hosts");
  target.ca_file = expanded(doc, doc.root, "ca_file");
  if (!target.ca_file.empty() && !std::ifstream(target.ca_file)) {
    config::fail_at(doc, doc.root["ca_file"], "ca_file " + target.ca_file + ": cannot open (give a PEM file)");
  }
  if (const auto credentials = doc.root["credentials"]) {
    config::check_keys(doc, credentials, {"api_key", "second_api_key", "revoked_api_key", "webhook_secret"});
    target.api_key = Secret(expanded(doc, credentials, "api_key"));
    target.second_api_key = Secret(expanded(doc, credentials, "second_api_key"));
    target.revoked_api_key = Secret(expanded(doc, credentials, "revoked_api_key"));
    target.webhook_secret = Secret(expanded(doc, credentials, "webhook_secret"));
  }
  parse_list(doc, "endpoints", target.endpoints, parse_endpoint);
  if (const auto webhook = doc.root["webhook"]) {
    config::check_keys(doc, webhook, {"path", "pro_price_id", "replay_probe", "balance_path", "max_body_bytes"});
    WebhookTarget w;
    w.path = config::get_optional_string(doc, webhook, "path").value_or(w.path);
    w.pro_price_id = config::get_optional_string(doc, webhook, "pro_price_id").value_or(w.pro_price_id);
    w.replay_probe = config::get_optional_bool(doc, webhook, "replay_probe").value_or(false);
    w.balance_path = config::get_optional_string(doc, webhook, "balance_path").value_or(w.balance_path);
    w.max_body_bytes = config::get_optional_int(doc, webhook, "max_body_bytes").value_or(w.max_body_bytes);
    target.webhook = w;
  }
  parse_list(doc, "limits", target.limits, parse_limit);
  parse_list(doc, "mass_assignment", target.mass_assignment, parse_mass_assignment);
  parse_list(doc, "bola", target.bola, parse_bola);
  parse_list(doc, "race", target.race, parse_race);
  parse_list(doc, "business_logic", target.business_logic, parse_business_logic);
  if (const auto preflight = doc.root["preflight"]) {
    config::require_map(doc, preflight, "preflight");
    config::check_keys(doc, preflight, {"method", "path", "auth", "status", "json"});
    auto& check = target.preflight;
    check.path = config::get_optional_string(doc, preflight, "path").value_or(check.path);
    if (!check.path.starts_with("/")) config::fail_at(doc, preflight["path"], "preflight path must start with /");
    check.method = parse_method(doc, preflight);
    check.auth = config::get_optional_bool(doc, preflight, "auth").value_or(false);
    check.status = config::get_optional_int(doc, preflight, "status").value_or(check.status);
    if (check.status < 100 || check.status > 599) config::fail_at(doc, preflight["status"], "preflight status must be 100..599");
    if (preflight["json"]) {
      config::require_map(doc, preflight["json"], "json");
      check.json = to_json(doc, preflight["json"]);
    } else if (preflight["path"]) {
      check.json = nlohmann::json::object();  // another route: its status is the proof unless json is given
    }
  }
  // Log paths may come from the environment; an empty expansion means "no log to scan".
  for (const auto& path : string_list(doc, doc.root, "logs")) {
    std::string expanded_path;
    try {
      expanded_path = config::expand_env(path, config::process_env());
    } catch (const UsageError& error) {
      config::fail_at(doc, doc.root["logs"], error.what());
    }
    if (!expanded_path.empty()) target.logs.push_back(expanded_path);
  }
  return target;
}

}  // namespace

std::vector<Secret> Target::secrets() const {
  std::vector<Secret> out;
  for (const auto* secret : {&api_key, &second_api_key, &revoked_api_key, &webhook_secret}) {
    if (!secret->empty()) out.push_back(*secret);
  }
  out.insert(out.end(), url_secrets.begin(), url_secrets.end());
  return out;
}

std::string Target::url_for(const std::string& path_and_query) const {
  if (base_query.empty()) return base_url + path_and_query;
  const auto fragment = path_and_query.find('#');
  auto url = base_url + path_and_query.substr(0, fragment);
  url += (path_and_query.find('?') < fragment ? "&" : "?") + base_query;
  return url;
}

std::string Target::host() const { return http::parse_url(base_url).host; }

Target load_target(const std::string& path) { return parse_document(config::load_yaml_file(path)); }

Target parse_target(const std::string& text, const std::string& label) {
  return parse_document(config::load_yaml_string(text, label));
}

void check_host_allowed(const Target& target, const std::vector<std::string>& extra_allowed) {
  const auto host = target.host();
  if (http::is_loopback_host(host)) return;
  const auto listed = [&](const std::vector<std::string>& hosts) {
    return std::find(hosts.begin(), hosts.end(), host) != hosts.end();
  };
  // allow_hosts in the file declares intent; --allow-host on the command line confirms it.
  if (listed(extra_allowed) && listed(target.allow_hosts)) return;
  const auto where = target.base_url_at.empty() ? target.file : target.base_url_at;
  if (listed(extra_allowed)) {
    throw UsageError(where + ": refusing to probe " + host + ": --allow-host " + host +
                     " is given but the target file's allow_hosts does not list it");
  }
  throw UsageError(where + ": refusing to probe " + host + ": only loopback targets are probed unless the target file's " +
                   "allow_hosts lists " + host + " and --allow-host " + host + " confirms it");
}

}  // namespace rsolv::security
