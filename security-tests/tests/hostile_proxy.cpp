#include "hostile_proxy.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "rsolv/common/random.hpp"
#include "rsolv/http/client.hpp"

namespace rsolv::security::testing {

using rsolv::testing::Action;
using rsolv::testing::RecordedRequest;

HostileProxy::HostileProxy(std::string upstream_base_url) : upstream_(std::move(upstream_base_url)) {
  server_.set_default(Action::from_request([this](const RecordedRequest& request) { return answer(request); }));
}

int HostileProxy::random_below(int bound) {
  std::lock_guard lock(random_mutex_);
  return std::uniform_int_distribution<int>(0, bound - 1)(random_);
}

Action HostileProxy::answer(const RecordedRequest& request) {
  const auto jitter = std::chrono::milliseconds(random_below(41));
  Random random;
  const auto path = request.target.substr(0, request.target.find('?'));
  if (path != "/api/health" && random_below(50) == 0) {
    ++shed_;
    return Action::respond(429, R"({"error":"overloaded","request_id":")" + random.base62(32) + "\"}",
                           {{"Retry-After", "1"}})
        .after(jitter);
  }
  const auto content_type = request.header("Content-Type").value_or("");
  nlohmann::json fields = nlohmann::json::object();
  if (!request.body.empty() && content_type.find("json") != std::string::npos) {
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      ++bad_json_;
      return Action::respond(500, R"({"error":"internal_error","request_id":")" + random.base62(32) + "\"}").after(jitter);
    }
    if (body.is_object()) {
      for (const auto& [key, value] : body.items()) {
        if (value.is_string()) fields[key] = value;
      }
    }
  }

  http::Headers headers;
  for (const auto& [name, value] : request.headers) {
    if (http::iequals(name, "Host") || http::iequals(name, "Content-Length") || http::iequals(name, "Connection") ||
        http::iequals(name, "Transfer-Encoding")) {
      continue;
    }
    headers.emplace_back(name, value);
  }
  http::ClientOptions options;
  options.retry.max_retries = 0;
  options.attempt_timeout = std::chrono::milliseconds(15000);
  options.source_address = request.client_ip;
  http::Client client(options);
  http::Response upstream;
  try {
    upstream = client.send(http::Request(request.method, upstream_ + request.target, headers, request.body));
  } catch (const http::TransportError&) {
    return Action::close_connection();
  }
  rsolv::testing::Headers out;
  for (const auto& [name, value] : upstream.headers) {
    if (http::iequals(name, "Content-Length") || http::iequals(name, "Connection") ||
        http::iequals(name, "Transfer-Encoding") || http::iequals(name, "Keep-Alive")) {
      continue;
    }
    out.emplace_back(name, value);
  }
  auto body = upstream.body;
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_discarded() && json.is_object()) {
    json["request_id"] = random.base62(32);
    json["server_time_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count();
    if (path.find("/billing/") == std::string::npos) json["echo"] = {{"target", request.target}, {"fields", fields}};
    body = json.dump();
  }
  return Action::respond(static_cast<int>(upstream.status), body, out).after(jitter);
}

}  // namespace rsolv::security::testing
