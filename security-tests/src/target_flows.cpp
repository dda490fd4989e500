// The target file's sections for the suites that follow a flow of requests: bola, race and
// business_logic (target.hpp describes them).
#include <algorithm>

#include "rsolv/common/error.hpp"
#include "rsolv/config/env_expand.hpp"
#include "target_yaml.hpp"

namespace rsolv::security::target_yaml {

namespace {

constexpr std::string_view kMarker = "${marker}";

RequestSpec parse_request(const Document& doc, const YAML::Node& node, std::string_view what) {
  config::require_map(doc, node, what);
  config::check_keys(doc, node, {"method", "path", "auth", "body", "headers"});
  RequestSpec request;
  request.path = config::get_string(doc, node, "path");
  if (!request.path.starts_with("/")) config::fail_at(doc, node["path"], std::string(what) + " path must start with /");
  request.method = parse_method(doc, node);
  request.auth = config::get_optional_bool(doc, node, "auth").value_or(true);
  if (node["body"]) {
    config::require_map(doc, node["body"], "body");
    request.body = to_json(doc, node["body"]);
  }
  if (const auto headers = node["headers"]) {
    config::require_map(doc, headers, "headers");
    for (const auto& entry : headers) {
      const auto value = config::as_string(doc, entry.second, "header value");
      try {
        request.headers.emplace_back(entry.first.Scalar(), config::expand_env(value, config::process_env()));
      } catch (const UsageError& error) {
        config::fail_at(doc, entry.second, error.what());
      }
    }
  }
  return request;
}

bool mentions(const RequestSpec& request, std::string_view text) {
  if (request.path.find(text) != std::string::npos || request.body.dump().find(text) != std::string::npos) return true;
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const auto& header) { return header.second.find(text) != std::string::npos; });
}

Watch parse_watch(const Document& doc, const YAML::Node& node) {
  config::require_map(doc, node, "watch");
  config::check_keys(doc, node, {"path", "field"});
  Watch watch;
  watch.path = config::get_optional_string(doc, node, "path").value_or(watch.path);
  if (!watch.path.starts_with("/")) config::fail_at(doc, node["path"], "watch path must start with /");
  watch.field = config::get_optional_string(doc, node, "field").value_or(watch.field);
  if (!watch.field.starts_with("/")) {
    config::fail_at(doc, node["field"], "watch field must be a JSON pointer such as /credit_balance");
  }
  return watch;
}

std::string entry_name(const Document& doc, const YAML::Node& node, const std::string& fallback) {
  return config::get_optional_string(doc, node, "name").value_or(fallback);
}

}  // namespace

BolaTarget parse_bola(const Document& doc, const YAML::Node& node) {
  config::require_map(doc, node, "bola entry");
  config::check_keys(doc, node, {"name", "owner", "plant", "access", "watch"});
  BolaTarget entry;
  if (!node["access"]) config::fail_at(doc, node, "missing required key 'access' (the other customer's request)");
  entry.access = parse_request(doc, node["access"], "access");
  entry.name = entry_name(doc, node, entry.access.method + " " + entry.access.path);
  entry.owner = config::get_optional_string(doc, node, "owner").value_or(entry.owner);
  if (!entry.owner.starts_with("/")) config::fail_at(doc, node["owner"], "owner must be a path starting with /");
  if (node["plant"]) entry.plant = parse_request(doc, node["plant"], "plant");
  if (node["watch"]) entry.watch = parse_watch(doc, node["watch"]);
  const bool names_object = mentions(entry.access, "{id}") || mentions(entry.access, "{owner.id}") ||
                            mentions(entry.access, kMarker);
  if (!names_object) {
    config::fail_at(doc, node["access"], "access names no object of the owner: use {id}, {owner.id} or ${marker}");
  }
  if ((mentions(entry.access, "{id}") || mentions(entry.access, kMarker)) && !entry.plant) {
    config::fail_at(doc, node["access"], "access uses {id} or ${marker}: give 'plant', the owner's request that creates it");
  }
  return entry;
}

RaceTarget parse_race(const Document& doc, const YAML::Node& node) {
  config::require_map(doc, node, "race entry");
  config::check_keys(doc, node, {"name", "request", "webhook", "copies", "watch"});
  RaceTarget entry;
  if (node["request"]) entry.request = parse_request(doc, node["request"], "request");
  entry.webhook_event = config::get_optional_string(doc, node, "webhook").value_or("");
  if (entry.request.has_value() == !entry.webhook_event.empty()) {
    config::fail_at(doc, node, "give either 'request' or 'webhook' (the event to deliver concurrently)");
  }
  if (!entry.webhook_event.empty() && entry.webhook_event != "invoice.payment_succeeded") {
    config::fail_at(doc, node["webhook"], "webhook must be invoice.payment_succeeded (the event that grants credits)");
  }
  constexpr std::int64_t kMaxCopies = 100;
  const auto copies = config::get_optional_int(doc, node, "copies").value_or(entry.copies);
  if (copies < 2 || copies > kMaxCopies) config::fail_at(doc, node["copies"], "copies must be 2..100");
  entry.copies = static_cast<int>(copies);
  if (node["watch"]) entry.watch = parse_watch(doc, node["watch"]);
  entry.name = entry_name(doc, node, entry.request ? entry.request->method + " " + entry.request->path : entry.webhook_event);
  return entry;
}

BusinessLogicTarget parse_business_logic(const Document& doc, const YAML::Node& node) {
  config::require_map(doc, node, "business_logic entry");
  config::check_keys(doc, node, {"name", "request", "fields", "values", "idempotency_header", "watch"});
  BusinessLogicTarget entry;
  if (!node["request"]) config::fail_at(doc, node, "missing required key 'request' (a valid request, the control)");
  entry.request = parse_request(doc, node["request"], "request");
  entry.name = entry_name(doc, node, entry.request.method + " " + entry.request.path);
  entry.fields = string_list(doc, node, "fields");
  for (const auto& field : entry.fields) {
    nlohmann::json::json_pointer pointer;
    try {
      pointer = nlohmann::json::json_pointer(field);
    } catch (const nlohmann::json::exception&) {
      config::fail_at(doc, node["fields"], "field '" + field + "' is not a JSON pointer such as /pr_number");
    }
    if (field.empty() || !entry.request.body.is_object() || !entry.request.body.contains(pointer)) {
      config::fail_at(doc, node["fields"], "field '" + field + "' is not in the request's body");
    }
  }
  if (node["values"]) {
    entry.values = string_list(doc, node, "values");
    for (const auto& value : entry.values) {
      if (value != "negative" && value != "zero" && value != "huge" && value != "fractional") {
        config::fail_at(doc, node["values"], "value kind '" + value + "' is not one of negative, zero, huge, fractional");
      }
    }
  }
  entry.idempotency_header = config::get_optional_string(doc, node, "idempotency_header").value_or("");
  if (!entry.idempotency_header.empty() && entry.request.body.dump().find(kMarker) == std::string::npos) {
    config::fail_at(doc, node["idempotency_header"],
                    "the idempotency check needs ${marker} in the request body, so that the replay's body differs");
  }
  if (entry.fields.empty() && entry.idempotency_header.empty()) {
    config::fail_at(doc, node, "nothing to check: give 'fields' (numbers to try absurd values in) or 'idempotency_header'");
  }
  if (node["watch"]) entry.watch = parse_watch(doc, node["watch"]);
  return entry;
}

}  // namespace rsolv::security::target_yaml
