#pragma once
// An HTTP client for the action, the simulator and the security probes: connect/total timeouts,
// retry with exponential back-off and full jitter on network errors, 5xx and 429 (honouring
// Retry-After), one Idempotency-Key kept across the retries of a call, and secret headers redacted
// in every log line. Not for the load generator's hot path.
// The bytes travel through a Transport (transport.hpp): the lean Beast/OpenSSL one by default
// (beast_transport.hpp: starts in milliseconds and links no libcurl, so release binaries need only
// glibc), or libcurl in builds with RSOLV_WITH_CURL (the reference the contract tests compare with).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/http/url.hpp"  // iequals

namespace rsolv::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; returns the first match.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

struct Request {
  Request() = default;
  Request(std::string method_, std::string url_, Headers headers_ = {}, std::string body_ = {})
      : method(std::move(method_)), url(std::move(url_)), headers(std::move(headers_)), body(std::move(body_)) {}

  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
};

struct Response {
  long status = 0;
  Headers headers;     // as received, names as sent by the server
  std::string body;
  std::chrono::microseconds elapsed{0};  // last attempt, connect to last byte
  int attempts = 0;                       // 1 when no retry happened
  std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

struct RetryPolicy {
  int max_retries = 3;  // retries after the first attempt
  std::chrono::milliseconds base_delay{250};
  std::chrono::milliseconds max_delay{8000};
  bool retry_on_5xx = true;
  bool retry_on_429 = true;
  // Retry-After larger than this is not waited for: the call returns the 429/503 instead.
  std::chrono::milliseconds max_retry_after{60000};
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds attempt_timeout{15000};  // one attempt, connect to last byte
  // The whole call including retries and back-off sleeps; 0 means attempts * attempt_timeout.
  std::chrono::milliseconds total_timeout{0};
  RetryPolicy retry;
  std::string user_agent = "rsolv-harness";
  // Header names (case-insensitive) whose values never reach a log line.
  std::vector<std::string> secret_headers = {"x-api-key", "authorization", "stripe-signature", "cookie",
                                             "set-cookie", "proxy-authorization"};
  // Receives one line per attempt ("POST http://... -> 503 in 12 ms, retrying in 400 ms").
  std::function<void(std::string_view)> log;
  bool verify_tls = true;
  // Extra CA bundle (PEM) for self-signed test servers; empty uses the system store.
  std::string ca_file;
  // Local source address to connect from (e.g. 127.0.0.2), so per-IP limits can be probed on loopback.
  std::string source_address;
};

// Raised when no HTTP response was obtained (DNS, refused, reset, timeout) after all retries.
class TransportError : public Error {
 public:
  TransportError(const std::string& message, int attempts) : Error(message), attempts_(attempts) {}
  int attempts() const { return attempts_; }

 private:
  int attempts_;
};

struct CallOptions {
  // When set, sent as Idempotency-Key on every attempt of this call.
  std::optional<std::string> idempotency_key;
  // When true and no key is given, a random UUID key is generated once for the call.
  bool auto_idempotency_key = false;
};

class Transport;

// Not thread-safe: one Client per thread. It keeps its connection alive between calls.
class Client {
 public:
  // The lean transport (make_lean_transport()).
  explicit Client(ClientOptions options = {}, Clock& clock = SystemClock::instance());
  Client(ClientOptions options, Clock& clock, Random random);
  // Any transport, e.g. make_curl_transport() (curl_transport.hpp, library rsolv_http_curl).
  Client(std::unique_ptr<Transport> transport, ClientOptions options, Clock& clock = SystemClock::instance());
  Client(std::unique_ptr<Transport> transport, ClientOptions options, Clock& clock, Random random);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // Returns the final response (which may be a 4xx/5xx after retries ran out); throws
  // TransportError when no response at all could be had within the budget.
  Response send(const Request& request, const CallOptions& call = {});

  const ClientOptions& options() const { return options_; }

  // The delay before retry number `retry` (1-based): full jitter over min(max, base * 2^(retry-1)),
  // or the server's Retry-After when given. Exposed for tests.
  std::chrono::milliseconds backoff_delay(int retry, std::optional<std::chrono::milliseconds> retry_after);

 private:
  ClientOptions options_;
  Clock* clock_;
  Random random_;
  std::unique_ptr<Transport> transport_;
};

// Parses a Retry-After value: delta-seconds or an HTTP-date, relative to `now`.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// "GET https://x/y x-api-key: [redacted] ..." for logs: secret header values replaced.
std::string describe_for_log(const Request& request, const std::vector<std::string>& secret_headers);

}  // namespace rsolv::http
