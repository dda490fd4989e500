#include "rsolv/webhook_sim/listener.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "rsolv/common/error.hpp"
#include "rsolv/config/json_bounded.hpp"
#include "rsolv/http/server.hpp"
#include "rsolv/stripe/signature.hpp"
#include "forward_pool.hpp"

namespace rsolv::webhook_sim {

namespace {

struct Address {
  std::string host;
  std::uint16_t port = 0;
};

Address parse_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) throw UsageError("--listen takes HOST:PORT (e.g. 127.0.0.1:0), not '" + address + "'");
  auto host = address.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    std::size_t used = 0;
    const auto digits = address.substr(colon + 1);
    port = std::stoi(digits, &used);
    if (used != digits.size()) port = -1;
  } catch (const std::exception&) {
  }
  unsigned char scratch[sizeof(in6_addr)];
  const bool literal = inet_pton(AF_INET, host.c_str(), scratch) == 1 || inet_pton(AF_INET6, host.c_str(), scratch) == 1;
  if (!literal || port < 0 || port > 65535) {
    throw UsageError("--listen takes HOST:PORT with a literal IP (e.g. 127.0.0.1:0), not '" + address + "'");
  }
  return {host, static_cast<std::uint16_t>(port)};
}

bool refused_before_body(stripe::VerifyStatus status) {
  return status == stripe::VerifyStatus::missing_header || status == stripe::VerifyStatus::malformed_header ||
         status == stripe::VerifyStatus::no_v1_signature;
}

}  // namespace

// Receives on the server's single worker thread (the per-event delivery counts need no lock);
// forwards run on the pool's threads and answer through a deferred Responder, so a slow app holds
// only its own delivery. Lines are written under a lock: both kinds of thread write them.
struct Listener::Impl final : http::RequestHandler {
  ListenOptions options;
  LineSink sink;
  std::mutex sink_mutex;
  Clock* clock = nullptr;
  std::optional<http::Server> server;
  std::atomic<std::int64_t> served{0};
  std::map<std::string, int> deliveries_per_event;
  // After the server: destroyed first, so no forward outlives it.
  std::optional<ForwardPool> forwards;

  nlohmann::json line_for(const http::ServerRequest& request) const {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock->now().time_since_epoch()).count();
    return {{"received_at_unix_ms", now_ms}, {"method", request.method}, {"target", printable(request.target)},
            {"bytes", request.body.size()}};
  }

  // Request targets are the client's bytes: kept to visible ASCII so the line stays valid JSON.
  static std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 2048)) out += (c > 0x20 && c < 0x7f) ? c : '?';
    return out;
  }

  std::string_view signature_of(const http::ServerRequest& request) const {
    return request.header("Stripe-Signature").value_or(std::string_view());
  }

  stripe::VerifyResult verify(const http::ServerRequest& request) const {
    return stripe::verify(signature_of(request), request.body, std::span<const Secret>(options.secrets),
                          clock->unix_seconds(), options.tolerance_seconds);
  }

  // Without a usable Stripe-Signature header nothing can verify: answered before the body is read.
  std::optional<http::ServerResponse> screen(const http::ServerRequest& head) override {
    auto verdict = verify(head);
    if (!refused_before_body(verdict.status)) return std::nullopt;
    return refuse(head, verdict);
  }

  // A verified delivery of a type --events keeps goes on to the app; everything else is answered here.
  std::optional<http::ServerResponse> serve(const http::ServerRequest& request, const http::Responder& later) override {
    nlohmann::json line;
    if (auto settled = receive(request, line)) return settled;
    forwards->submit(std::string(request.body), std::string(request.header("Content-Type").value_or("")),
                     std::string(request.header("User-Agent").value_or("")),
                     [this, line = std::move(line), later](ForwardResult result) mutable {
                       later.send(forwarded(line, result));
                     });
    return std::nullopt;
  }

  // serve() is what the server calls; this is the same answer for a caller that cannot wait.
  http::ServerResponse handle(const http::ServerRequest& request) override {
    nlohmann::json line;
    if (auto settled = receive(request, line)) return std::move(*settled);
    ForwardResult result;
    result.error = "not forwarded: the caller cannot wait for the app";
    return forwarded(line, result);
  }

  // Verifies and records a delivery: its answer, or nullopt when `line` is to be forwarded.
  std::optional<http::ServerResponse> receive(const http::ServerRequest& request, nlohmann::json& line) {
    const auto verdict = verify(request);
    if (!verdict.ok()) return refuse(request, verdict);
    line = line_for(request);
    if (const auto parsed = stripe::parse_signature_header(signature_of(request)); parsed.header) {
      line["signature_t"] = parsed.header->timestamp;
    }
    // Only a verified body is parsed, with its nesting bounded: --print-events dumps it again.
    auto event = config::parse_json_bounded(request.body);
    const bool is_event = event.ok() && event.value.is_object() && event.value.contains("id") && event.value["id"].is_string();
    line["event_id"] = is_event ? event.value["id"] : nlohmann::json(nullptr);
    line["type"] = is_event && event.value.contains("type") ? event.value["type"] : nlohmann::json(nullptr);
    if (!event.ok()) line["body_error"] = event.message;
    line["verified"] = true;
    const auto id = is_event ? event.value["id"].get<std::string>() : std::string();
    const int delivery = ++deliveries_per_event[id];
    line["delivery"] = delivery;
    const auto type = line["type"].is_string() ? line["type"].get<std::string>() : std::string();
    if (!options.event_types.empty() &&
        std::find(options.event_types.begin(), options.event_types.end(), type) == options.event_types.end()) {
      line["skipped"] = "type not in --events";
      line["status"] = 200;
      return answer(line, 200, nlohmann::json{{"received", true}, {"skipped", true}});
    }
    if (options.include_events && is_event) line["event"] = std::move(event.value);
    if (forwards) return std::nullopt;
    const int status =
        options.respond[std::min<std::size_t>(static_cast<std::size_t>(delivery - 1), options.respond.size() - 1)];
    line["status"] = status;
    return answer(line, status, nlohmann::json{{"received", true}});
  }

  // The app's answer to the exact body (signed with its secret) goes back to the sender. An app
  // that gives no usable answer (down, too slow, too long an answer) is a 502 naming why.
  http::ServerResponse forwarded(nlohmann::json& line, const ForwardResult& result) {
    nlohmann::json summary = {{"status", result.status > 0 ? nlohmann::json(result.status) : nlohmann::json(nullptr)},
                              {"latency_ms", static_cast<double>(result.latency_us) / 1000.0}};
    if (!result.error.empty()) summary["error"] = result.error;
    line["forward"] = std::move(summary);
    if (result.status == 0) {
      line["status"] = 502;
      return answer(line, 502, nlohmann::json{{"error", "forward_failed"}, {"message", result.error}});
    }
    line["status"] = result.status;
    auto response = answer(line, result.status, result.body);
    if (!result.content_type.empty()) response.content_type = result.content_type;
    return response;
  }

  http::ServerResponse refuse(const http::ServerRequest& request, const stripe::VerifyResult& verdict) {
    nlohmann::json line = line_for(request);
    if (const auto parsed = stripe::parse_signature_header(signature_of(request)); parsed.header) {
      line["signature_t"] = parsed.header->timestamp;
    }
    line["event_id"] = nullptr;
    line["type"] = nullptr;
    line["verified"] = false;
    line["reason"] = verdict.reason;
    line["status"] = options.invalid_status;
    return answer(line, options.invalid_status,
                  nlohmann::json{{"error", "invalid_signature"}, {"message", verdict.reason}});
  }

  http::ServerResponse answer(const nlohmann::json& line, int status, const nlohmann::json& body) {
    return answer(line, status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

  http::ServerResponse answer(const nlohmann::json& line, int status, std::string body) {
    // Recorded before answering: once a sender has its answer, the line is there.
    if (sink) {
      const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      std::lock_guard lock(sink_mutex);
      sink(text);
    }
    http::ServerResponse response;
    response.status = status;
    response.body = std::move(body);
    response.close = true;
    if (const auto count = ++served; options.max_requests > 0 && count >= options.max_requests) server->stop();
    return response;
  }

  void on_connection_error(const std::exception& error) override {
    std::fprintf(stderr, "rsolv-webhook-sim: error: a connection was closed after an internal error: %s\n", error.what());
  }
};

Listener::Listener(ListenOptions options, LineSink sink, Clock& clock) : impl_(std::make_unique<Impl>()) {
  if (options.respond.empty()) options.respond = {200};
  for (int code : options.respond) {
    if (code < 100 || code > 599) throw UsageError("--respond takes HTTP status codes (100-599), not " + std::to_string(code));
  }
  impl_->options = std::move(options);
  impl_->sink = std::move(sink);
  impl_->clock = &clock;
  if (impl_->options.forward) {
    impl_->forwards.emplace(*impl_->options.forward, clock, impl_->options.concurrent_forwards);
  }
  const auto address = parse_address(impl_->options.address);
  http::ServerOptions server;
  server.host = address.host;
  server.port = address.port;
  server.threads = 1;
  server.body_limit = impl_->options.body_limit;
  server.header_limit = impl_->options.header_limit;
  server.idle_timeout = impl_->options.idle_timeout;
  server.request_timeout = impl_->options.request_timeout;
  if (impl_->options.forward) {
    // A backstop only: the forward itself ends within its timeout and answers 502.
    server.answer_timeout =
        std::chrono::ceil<std::chrono::seconds>(impl_->options.forward->timeout) + std::chrono::seconds(5);
  }
  server.shutdown_grace = std::chrono::seconds(5);
  server.handle_signals = false;  // the caller owns signals (listen.cpp waits for them)
  impl_->server.emplace(server, *impl_);  // throws rsolv::Error "cannot listen on HOST:PORT: why"

}

Listener::~Listener() = default;

std::string Listener::bound_address() const {
  const auto host = impl_->server->bound_host();
  const auto shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return shown + ":" + std::to_string(impl_->server->bound_port());
}

int Listener::port() const { return impl_->server->bound_port(); }

void Listener::run() { impl_->server->run(); }

void Listener::stop() { impl_->server->stop(); }

std::int64_t Listener::requests() const { return impl_->served.load(); }

}  // namespace rsolv::webhook_sim
