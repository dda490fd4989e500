#include "rsolv/webhook_sim/forwarder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "rsolv/common/error.hpp"
#include "rsolv/http/client.hpp"
#include "rsolv/http/url.hpp"
#include "rsolv/stripe/signature.hpp"
#include "rsolv/webhook_sim/sender.hpp"

namespace rsolv::webhook_sim {

void check_forward_url(const std::string& url) {
  try {
    (void)http::parse_url(url);
  } catch (const Error& error) {
    throw UsageError(std::string("--forward-to: ") + error.what());
  }
}

struct Forwarder::Impl {
  ForwardOptions options;
  Clock* clock = nullptr;
  std::optional<http::Client> client;
};

Forwarder::Forwarder(ForwardOptions options, Clock& clock) : impl_(std::make_unique<Impl>()) {
  check_forward_url(options.url);
  if (options.secret.empty()) throw UsageError("--forward-secret is empty: give the app's whsec_... secret");
  if (options.timeout.count() <= 0) throw UsageError("--forward-timeout must be positive, e.g. 10s");
  impl_->options = std::move(options);
  impl_->clock = &clock;
  http::ClientOptions client;
  client.retry.max_retries = 0;  // the sender retries, as Stripe does; the listener passes one answer back
  client.attempt_timeout = impl_->options.timeout;
  client.connect_timeout = std::min(impl_->options.timeout, std::chrono::milliseconds(5000));
  client.user_agent = kStripeUserAgent;
  impl_->client.emplace(client, clock);
}

Forwarder::~Forwarder() = default;

ForwardResult Forwarder::forward(std::string_view body, std::string_view content_type, std::string_view user_agent) {
  const auto& options = impl_->options;
  const std::vector<Secret> secrets = {options.secret};
  http::Headers headers = {{"Content-Type", std::string(content_type.empty() ? kStripeContentType : content_type)},
                           {"User-Agent", std::string(user_agent.empty() ? kStripeUserAgent : user_agent)},
                           {"Accept", kStripeAccept},
                           {"Cache-Control", "no-cache"},
                           {"Stripe-Signature", stripe::sign(options.secret, impl_->clock->unix_seconds(), body)}};
  ForwardResult result;
  const auto started = impl_->clock->steady_now();
  try {
    const auto response = impl_->client->send(http::Request("POST", options.url, headers, std::string(body)));
    if (response.body.size() > options.response_limit) {
      result.error = fmt::format("the app's answer ({} {} bytes) exceeds {} bytes (forward response limit)",
                                 response.status, response.body.size(), options.response_limit);
    } else {
      result.status = static_cast<int>(response.status);
      result.body = redact(response.body, secrets);
      result.content_type = response.header("Content-Type").value_or("");
    }
  } catch (const http::TransportError& error) {
    result.error = redact(error.what(), secrets) +
                   fmt::format(" (forward timeout {} ms)", options.timeout.count());
  }
  result.latency_us =
      std::chrono::duration_cast<std::chrono::microseconds>(impl_->clock->steady_now() - started).count();
  return result;
}

}  // namespace rsolv::webhook_sim
