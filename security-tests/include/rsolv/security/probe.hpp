#pragma once
// What a suite uses to talk to the target: one HTTP exchange at a time, timed, counted, bounded by
// the run's deadline, and described for evidence with every secret and card number redacted.
// No retries (a retry would hide what the target did), except that send() waits out one
// load-shedding 429 the target asked to be retried (Retry-After of at most 2 s).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "rsolv/common/error.hpp"
#include "rsolv/http/client.hpp"
#include "rsolv/security/finding.hpp"
#include "rsolv/security/target.hpp"

namespace rsolv::security {

struct Exchange {
  http::Request request;
  http::Response response;     // status 0 when the target did not answer
  std::string transport_error;  // set when status is 0
  std::chrono::microseconds elapsed{0};
};

// The target gave no usable answer (no response, a timeout, still rate-limited after waiting) or
// the run's --max-duration is used up. A check that meets it is inconclusive: never pass or fail.
class NoAnswer : public Error {
 public:
  using Error::Error;
};

// True when a response carries a rate limiter's own headers (X-RateLimit-Limit/-Remaining,
// RateLimit-Limit/-Remaining or the structured RateLimit/RateLimit-Policy): only then is a 429 the
// limiter, not load shedding.
bool has_rate_limit_headers(const http::Response& response);

class Probe {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Probe(const Target& target, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

  // Every request after `deadline` throws NoAnswer, and no request may outlast it. Three
  // unanswered requests in a row move the deadline to now (the target stopped answering).
  void set_deadline(Clock::time_point deadline, std::string reason);
  std::optional<Clock::time_point> deadline() const { return deadline_; }

  // A usable answer or NoAnswer: a transport failure, or a 429 that persists after one wait of its
  // Retry-After (at most 2 s).
  Exchange send(const std::string& method, const std::string& path_and_query, const http::Headers& headers = {},
                const std::string& body = {}, const std::string& source_address = {});
  // Whatever happened (status 0 when no answer; 429s returned as they are), for the checks that
  // read those themselves: the rate limiter, and a refusal that closes the connection. Throws
  // NoAnswer only when the deadline has passed.
  Exchange attempt(const std::string& method, const std::string& path_and_query, const http::Headers& headers = {},
                   const std::string& body = {}, const std::string& source_address = {});
  // Adds x-api-key and a JSON content type.
  Exchange send_json(const std::string& method, const std::string& path_and_query, const nlohmann::json& body,
                     const Secret* api_key, const http::Headers& extra = {});

  // `copies` identical requests released together, the "single-packet" way for HTTP/1.1: every
  // connection is opened and sent all but the last byte of its request first, then the last
  // bytes go out back to back, so the target receives the requests within microseconds of each
  // other. Plain http only (an https target throws NoAnswer). One Exchange per copy, status 0
  // for a copy that got no answer within the request timeout. Bounded by the run's deadline.
  std::vector<Exchange> burst(const std::string& method, const std::string& path_and_query, const http::Headers& headers,
                              const std::string& body, int copies);

  // Requests sent so far (retries included).
  std::size_t requests_sent() const { return requests_sent_; }

  // "POST http://.../path" for a finding's location.
  std::string location(const std::string& method, const std::string& path) const;
  // Request and response excerpts for a finding, secrets and card numbers redacted, bodies cut.
  std::string evidence(const Exchange& exchange) const;
  // Redacts the target's secrets, the extra strings and any Luhn-valid card number in text.
  std::string redact(std::string text) const;
  void add_sensitive(std::string value) { sensitive_.push_back(std::move(value)); }

  const Target& target() const { return target_; }

 private:
  const Target& target_;
  std::chrono::milliseconds timeout_;
  std::optional<Clock::time_point> deadline_;
  std::string deadline_reason_;
  std::size_t requests_sent_ = 0;
  static constexpr int kMaxConsecutiveUnanswered = 3;
  int consecutive_unanswered_ = 0;
  std::vector<std::string> sensitive_;
};

// Replaces every `${uuid}` in a request body with a fresh UUID (Probe::send does it for every body).
std::string with_fresh_uuids(std::string body);

// Luhn checksum over the digits of `digits` (non-digits ignored).
bool luhn_valid(std::string_view digits);
// Replaces every 13-19 digit Luhn-valid run (spaces and dashes allowed between digits) by a masked form.
std::string mask_card_numbers(std::string text);

}  // namespace rsolv::security
