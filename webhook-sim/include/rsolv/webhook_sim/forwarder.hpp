#pragma once
// `listen --forward-to`: what the Stripe CLI's `stripe listen --forward-to` does with a delivery the
// listener verified. The exact body goes on to the app, signed again with the app's secret at the
// current time, with the Content-Type and User-Agent the delivery came with (Stripe's when it had
// none); the app's status and body are what the sender gets back. Bounded: one forward takes at
// most `timeout` (connect to last byte), and an answer longer than `response_limit` bytes is not
// passed back; both limits are named in the error. Not thread-safe (it keeps one connection).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/secret.hpp"

namespace rsolv::webhook_sim {

struct ForwardOptions {
  std::string url;  // http or https; parse_forward_url() checks it
  Secret secret;    // the app's endpoint secret
  std::chrono::milliseconds timeout{10000};
  std::size_t response_limit = 64 * 1024;
};

struct ForwardResult {
  int status = 0;      // the app's; 0 when it gave no usable answer (then `error` says why)
  std::string body;    // the app's answer, secrets redacted
  std::string content_type;  // the app's, empty when it sent none
  std::string error;   // one line, no secrets
  std::int64_t latency_us = 0;
};

// Throws rsolv::UsageError "--forward-to: ..." for a URL harness/http's parser refuses (http/https only).
void check_forward_url(const std::string& url);

class Forwarder {
 public:
  explicit Forwarder(ForwardOptions options, Clock& clock = SystemClock::instance());
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // `content_type`/`user_agent`: the delivery's own headers, empty when it had none.
  ForwardResult forward(std::string_view body, std::string_view content_type, std::string_view user_agent);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rsolv::webhook_sim
