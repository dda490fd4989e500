#include "rsolv/webhook_sim/sender.hpp"

#include <algorithm>
#include <map>
#include <thread>

#include "rsolv/common/secret.hpp"
#include "rsolv/http/client.hpp"

namespace rsolv::webhook_sim {

namespace {

constexpr std::size_t kMaxResponseBody = 4096;

struct Pending {
  std::chrono::microseconds due;  // since the start of the run
  std::uint64_t sequence;         // ties keep insertion order
  std::size_t delivery;
  bool operator>(const Pending& other) const {
    return due != other.due ? due > other.due : sequence > other.sequence;
  }
};

http::Client make_client(const SendOptions& options, Clock& clock) {
  http::ClientOptions client_options;
  client_options.retry.max_retries = 0;  // redelivery is ours, on Stripe's schedule
  client_options.attempt_timeout = options.timeout;
  client_options.connect_timeout = std::min(options.timeout, std::chrono::milliseconds(5000));
  client_options.user_agent = kStripeUserAgent;
  return http::Client(client_options, clock);
}

AttemptRecord attempt_once(http::Client& client, const Outgoing& event, const SendOptions& options, Clock& clock,
                           int number) {
  AttemptRecord record;
  record.number = number;
  record.signature = describe(options.signing);
  // Stripe signs every attempt afresh with the current time.
  const auto now = clock.now();
  record.sent_at_unix_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const auto signed_body = sign_delivery(event.body, clock.unix_seconds(), options.signing);
  http::Headers headers = {{"Content-Type", kStripeContentType},
                           {"Accept", kStripeAccept},
                           {"Cache-Control", "no-cache"}};
  if (signed_body.signature) headers.emplace_back("Stripe-Signature", *signed_body.signature);
  const auto started = clock.steady_now();
  try {
    const auto response = client.send(http::Request("POST", options.url, headers, signed_body.body));
    record.status = response.status;
    record.response_body = redact(response.body.substr(0, kMaxResponseBody), options.signing.secrets);
  } catch (const http::TransportError& error) {
    record.error = redact(error.what(), options.signing.secrets);
  }
  record.latency_us = std::chrono::duration_cast<std::chrono::microseconds>(clock.steady_now() - started).count();
  return record;
}

bool is_success(long status) { return status >= 200 && status < 300; }

}  // namespace

bool DeliveryResults::all_matched() const {
  return std::all_of(deliveries.begin(), deliveries.end(), [](const DeliveryRecord& d) { return d.matched; });
}

DeliveryResults deliver(std::vector<Outgoing> events, const SendOptions& options, Clock& clock, Random& random,
                        const AttemptCallback& on_attempt) {
  if (options.shuffle) {
    for (std::size_t i = events.size(); i > 1; --i) {
      std::swap(events[i - 1], events[static_cast<std::size_t>(random.uniform(0, static_cast<std::int64_t>(i) - 1))]);
    }
  }
  const auto gaps = retry_gaps(options.retry);
  const int max_attempts = options.max_attempts > 0 ? options.max_attempts : static_cast<int>(gaps.size()) + 1;
  const int copies = std::max(1, options.copies);

  DeliveryResults result;
  std::vector<std::size_t> event_of;  // delivery index -> event index
  std::vector<Pending> queue;
  std::uint64_t sequence = 0;
  for (std::size_t e = 0; e < events.size(); ++e) {
    for (int copy = 1; copy <= copies; ++copy) {
      result.deliveries.push_back({events[e].event_id, events[e].type, copy, {}, false});
      event_of.push_back(e);
      queue.push_back({options.delay * static_cast<std::int64_t>(e), sequence++, result.deliveries.size() - 1});
    }
  }
  std::make_heap(queue.begin(), queue.end(), std::greater<>());
  auto client = make_client(options, clock);
  const auto start = clock.steady_now();

  const auto finish_attempt = [&](std::size_t d, AttemptRecord attempt) {
    auto& delivery = result.deliveries[d];
    delivery.attempts.push_back(std::move(attempt));
    const auto& last = delivery.attempts.back();
    if (on_attempt) on_attempt(delivery, last);
    const int made = static_cast<int>(delivery.attempts.size());
    if (!is_success(last.status) && made < max_attempts && static_cast<std::size_t>(made - 1) < gaps.size()) {
      const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(clock.steady_now() - start);
      queue.push_back({elapsed + compressed(gaps[static_cast<std::size_t>(made - 1)], options.time_compression),
                       sequence++, d});
      std::push_heap(queue.begin(), queue.end(), std::greater<>());
    }
  };

  while (!queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), std::greater<>());
    const auto next = queue.back();
    queue.pop_back();
    const auto elapsed = clock.steady_now() - start;
    if (next.due > elapsed) clock.sleep_for(next.due - elapsed);

    std::vector<std::size_t> group = {next.delivery};
    // Concurrent duplicates: every first attempt of the same event due at the same moment goes together.
    if (options.concurrent && result.deliveries[next.delivery].attempts.empty()) {
      while (!queue.empty() && queue.front().due == next.due && event_of[queue.front().delivery] == event_of[next.delivery] &&
             result.deliveries[queue.front().delivery].attempts.empty()) {
        std::pop_heap(queue.begin(), queue.end(), std::greater<>());
        group.push_back(queue.back().delivery);
        queue.pop_back();
      }
    }
    if (group.size() == 1) {
      const auto d = group.front();
      finish_attempt(d, attempt_once(client, events[event_of[d]], options, clock,
                                     static_cast<int>(result.deliveries[d].attempts.size()) + 1));
      continue;
    }
    std::vector<AttemptRecord> outcomes(group.size());
    std::vector<std::thread> threads;
    threads.reserve(group.size());
    for (std::size_t i = 0; i < group.size(); ++i) {
      threads.emplace_back([&, i] {
        auto own = make_client(options, clock);
        outcomes[i] = attempt_once(own, events[event_of[group[i]]], options, clock, 1);
      });
    }
    for (auto& thread : threads) thread.join();
    for (std::size_t i = 0; i < group.size(); ++i) finish_attempt(group[i], std::move(outcomes[i]));
  }
  for (auto& delivery : result.deliveries) delivery.matched = options.expect.matches(delivery.final_status());
  return result;
}

nlohmann::json report_json(const DeliveryResults& result, const SendOptions& options, const std::string& command) {
  nlohmann::json deliveries = nlohmann::json::array();
  std::int64_t attempts = 0;
  std::vector<std::int64_t> latencies;
  std::map<std::string, std::int64_t> statuses;
  for (const auto& delivery : result.deliveries) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& attempt : delivery.attempts) {
      ++attempts;
      latencies.push_back(attempt.latency_us);
      ++statuses[std::to_string(attempt.status)];
      nlohmann::json item = {{"attempt", attempt.number},
                             {"status", attempt.status},
                             {"latency_ms", static_cast<double>(attempt.latency_us) / 1000.0},
                             {"sent_at_unix_ms", attempt.sent_at_unix_ms},
                             {"signature", attempt.signature},
                             {"response_body", attempt.response_body}};
      if (!attempt.error.empty()) item["error"] = attempt.error;
      list.push_back(std::move(item));
    }
    deliveries.push_back({{"event_id", delivery.event_id},
                          {"type", delivery.type},
                          {"copy", delivery.copy},
                          {"final_status", delivery.final_status()},
                          {"expected", options.expect.text()},
                          {"matched", delivery.matched},
                          {"attempts", std::move(list)}});
  }
  std::sort(latencies.begin(), latencies.end());
  const auto percentile = [&](double p) -> double {
    if (latencies.empty()) return 0;
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(latencies.size() - 1) + 0.5);
    return static_cast<double>(latencies[std::min(index, latencies.size() - 1)]) / 1000.0;
  };
  const auto matched = std::count_if(result.deliveries.begin(), result.deliveries.end(),
                                     [](const DeliveryRecord& d) { return d.matched; });
  return {{"tool", "rsolv-webhook-sim"},
          {"command", command},
          {"target", options.url},
          {"faults",
           {{"copies", options.copies},
            {"concurrent", options.concurrent},
            {"shuffle", options.shuffle},
            {"delay_ms", static_cast<double>(options.delay.count()) / 1000.0},
            {"signature", describe(options.signing)},
            {"retry", options.retry == RetryMode::live ? "live" : options.retry == RetryMode::test ? "test" : "off"},
            {"time_compression", options.time_compression}}},
          {"expected", options.expect.text()},
          {"passed", result.all_matched()},
          {"summary",
           {{"deliveries", result.deliveries.size()},
            {"attempts", attempts},
            {"matched", matched},
            {"mismatched", static_cast<std::int64_t>(result.deliveries.size()) - matched},
            {"statuses", statuses},
            {"latency_ms", {{"p50", percentile(50)}, {"p99", percentile(99)}, {"max", percentile(100)}}}}},
          {"deliveries", std::move(deliveries)}};
}

}  // namespace rsolv::webhook_sim
