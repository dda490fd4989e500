#pragma once
// Delivers signed events to an endpoint the way Stripe does, with its faults on demand: duplicates
// (one after another or at the same moment), shuffled order, gaps, tampered/stale/unsigned
// signatures, and redelivery on a compressed Stripe back-off schedule. Records every attempt.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/webhook_sim/expectation.hpp"
#include "rsolv/webhook_sim/retry_schedule.hpp"
#include "rsolv/webhook_sim/signing.hpp"

namespace rsolv::webhook_sim {

// The headers Stripe sends with every webhook delivery (besides Stripe-Signature); the sender and
// `listen --forward-to` both use these.
inline constexpr const char* kStripeUserAgent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
inline constexpr const char* kStripeContentType = "application/json; charset=utf-8";
inline constexpr const char* kStripeAccept = "*/*; q=0.5, application/xml";

struct Outgoing {
  std::string event_id;
  std::string type;
  std::string body;  // exact bytes to sign and send
};

struct SendOptions {
  std::string url;
  SigningOptions signing;
  int copies = 1;           // --duplicate N: every event delivered N times
  bool concurrent = false;  // copies of one event sent at the same moment
  bool shuffle = false;     // events in random order (the Random passed to deliver())
  std::chrono::microseconds delay{0};  // gap between events
  RetryMode retry = RetryMode::off;
  double time_compression = 1.0;
  int max_attempts = 0;  // cap per delivery including the first; 0 = the schedule's length + 1
  std::chrono::milliseconds timeout{10000};  // one attempt; Stripe treats slow answers as failures
  Expectation expect;
};

struct AttemptRecord {
  int number = 1;
  long status = 0;  // 0: no HTTP response (error says why)
  std::int64_t latency_us = 0;
  std::int64_t sent_at_unix_ms = 0;
  std::string signature;  // describe(SigningOptions): "valid", "tampered-body", ...
  std::string response_body;  // first 4 KiB, secrets redacted
  std::string error;
};

struct DeliveryRecord {
  std::string event_id;
  std::string type;
  int copy = 1;  // 1..copies
  std::vector<AttemptRecord> attempts;
  long final_status() const { return attempts.empty() ? 0 : attempts.back().status; }
  bool matched = false;
};

struct DeliveryResults {
  std::vector<DeliveryRecord> deliveries;  // in the order they were first sent
  bool all_matched() const;
};

// Called after every attempt (for progress output); may be empty.
using AttemptCallback = std::function<void(const DeliveryRecord&, const AttemptRecord&)>;

DeliveryResults deliver(std::vector<Outgoing> events, const SendOptions& options, Clock& clock, Random& random,
                        const AttemptCallback& on_attempt = {});

// The --report document: every delivery with its attempts, and a summary. Never holds a secret.
nlohmann::json report_json(const DeliveryResults& result, const SendOptions& options, const std::string& command);

}  // namespace rsolv::webhook_sim
