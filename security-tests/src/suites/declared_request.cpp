#include "declared_request.hpp"

namespace rsolv::security {

namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string id_text(const nlohmann::json& id) { return id.is_string() ? id.get<std::string>() : id.dump(); }

std::string fill(std::string text, const Placeholders& placeholders) {
  replace_all(text, "${marker}", placeholders.marker);
  if (!placeholders.id.is_null()) replace_all(text, "{id}", id_text(placeholders.id));
  if (!placeholders.owner_id.empty()) replace_all(text, "{owner.id}", placeholders.owner_id);
  return text;
}

nlohmann::json fill_body(const nlohmann::json& value, const Placeholders& placeholders) {
  if (value.is_object() || value.is_array()) {
    auto out = value;
    for (auto& item : out) item = fill_body(item, placeholders);
    return out;
  }
  if (!value.is_string()) return value;
  const auto& text = value.get_ref<const std::string&>();
  if (text == "{id}" && !placeholders.id.is_null()) return placeholders.id;  // a numeric id stays a number
  return fill(text, placeholders);
}

}  // namespace

std::string new_marker(Random& random) { return "rsolv" + random.hex(20); }

bool PreparedRequest::carries(const std::string& text) const {
  if (text.empty()) return false;
  if (path.find(text) != std::string::npos || body.find(text) != std::string::npos) return true;
  for (const auto& header : headers) {
    if (header.second.find(text) != std::string::npos) return true;
  }
  return false;
}

PreparedRequest prepare(const RequestSpec& spec, const Secret& key, const Placeholders& placeholders) {
  PreparedRequest request;
  request.method = spec.method;
  request.path = fill(spec.path, placeholders);
  for (const auto& [name, value] : spec.headers) request.headers.emplace_back(name, fill(value, placeholders));
  if (spec.auth && !key.empty()) request.headers.emplace_back("x-api-key", key.reveal());
  if (!spec.body.is_null()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = fill_body(spec.body, placeholders).dump();
  }
  return request;
}

Exchange send_prepared(Probe& probe, const PreparedRequest& request) {
  return probe.send(request.method, request.path, request.headers, request.body);
}

bool accepted(const Exchange& exchange) { return exchange.response.status >= 200 && exchange.response.status < 300; }

std::optional<nlohmann::json> find_field(const nlohmann::json& object, const std::string& name) {
  if (!object.is_object()) return std::nullopt;
  if (object.contains(name)) return object[name];
  for (const auto& [key, value] : object.items()) {
    if (value.is_object() && value.contains(name)) return value[name];
  }
  return std::nullopt;
}

std::int64_t read_watch(Probe& probe, const Watch& watch, const Secret& key) {
  const auto exchange = probe.send_json("GET", watch.path, nullptr, &key);
  const auto answer = nlohmann::json::parse(exchange.response.body, nullptr, false);
  const auto pointer = nlohmann::json::json_pointer(watch.field);
  if (exchange.response.status != 200 || !answer.is_object() || !answer.contains(pointer)) {
    throw NoAnswer("reading " + watch.field + " from GET " + watch.path + " answered " +
                   std::to_string(exchange.response.status) + (answer.is_object() ? " without that field" : ""));
  }
  const auto& value = answer[pointer];
  if (value.is_array()) return static_cast<std::int64_t>(value.size());
  if (value.is_number_integer()) return value.get<std::int64_t>();
  throw NoAnswer(watch.field + " from GET " + watch.path + " is " + std::string(value.type_name()) +
                 ", not a number or a list");
}

}  // namespace rsolv::security
