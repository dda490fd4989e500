#include <algorithm>
#include <string>

#include "rsolv/http/client.hpp"
#include "rsolv/http/transport.hpp"
#include "rsolv/http/url.hpp"

// No fmt and no libcurl here: rsolv-action links this file and must load neither (start-up time).

namespace rsolv::http {

namespace {

bool retryable_status(long status, const RetryPolicy& policy) {
  if (status == 429) return policy.retry_on_429;
  // 501 and 505 say the request can never work; retrying them only wastes the budget.
  return policy.retry_on_5xx && status >= 500 && status != 501 && status != 505;
}

std::string ms(std::int64_t count) { return std::to_string(count) + " ms"; }

}  // namespace

Transport::~Transport() = default;

Client::Client(std::unique_ptr<Transport> transport, ClientOptions options, Clock& clock)
    : Client(std::move(transport), std::move(options), clock, Random()) {}

Client::Client(std::unique_ptr<Transport> transport, ClientOptions options, Clock& clock, Random random)
    : options_(std::move(options)), clock_(&clock), random_(std::move(random)), transport_(std::move(transport)) {
  if (!transport_) throw Error("http::Client needs a transport");
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

std::chrono::milliseconds Client::backoff_delay(int retry, std::optional<std::chrono::milliseconds> retry_after) {
  if (retry_after) return *retry_after;
  const auto exponent = std::min(retry - 1, 30);
  const auto cap = std::min<std::int64_t>(options_.retry.max_delay.count(),
                                          options_.retry.base_delay.count() * (std::int64_t{1} << exponent));
  // Full jitter: clients retrying after the same outage spread out instead of arriving together.
  return std::chrono::milliseconds(random_.uniform(0, cap));
}

Response Client::send(const Request& request, const CallOptions& call) {
  const int max_attempts = 1 + std::max(0, options_.retry.max_retries);
  const auto budget = options_.total_timeout.count() > 0 ? options_.total_timeout
                                                         : options_.attempt_timeout * max_attempts;
  const auto deadline = clock_->steady_now() + budget;
  std::optional<std::string> idempotency_key = call.idempotency_key;
  if (!idempotency_key && call.auto_idempotency_key) idempotency_key = random_.uuid_v4();

  Headers sent_headers = request.headers;
  if (idempotency_key && !find_header(sent_headers, "Idempotency-Key")) {
    sent_headers.emplace_back("Idempotency-Key", *idempotency_key);
  }
  const auto described = describe_for_log({request.method, request.url, sent_headers, {}}, options_.secret_headers);
  const auto log = [&](const std::string& line) {
    if (options_.log) options_.log(described + " -> " + line);
  };

  std::optional<Response> last_response;
  std::string last_error;
  int attempts_made = 0;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_->steady_now());
    if (remaining.count() <= 0) break;
    const auto attempt_timeout = std::min(options_.attempt_timeout, remaining);
    auto result = transport_->perform(request, sent_headers, options_, std::min(options_.connect_timeout, attempt_timeout),
                                      attempt_timeout);
    ++attempts_made;

    std::optional<std::chrono::milliseconds> retry_after;
    std::string outcome;
    if (!result.response) {
      last_error = result.error;
      outcome = "failed: " + last_error;
    } else {
      Response& response = *result.response;
      response.attempts = attempt;
      outcome = std::to_string(response.status) + " in " + ms(response.elapsed.count() / 1000);
      if (!retryable_status(response.status, options_.retry)) {
        log(outcome);
        return std::move(response);
      }
      if (auto header = response.header("Retry-After")) retry_after = parse_retry_after(*header, clock_->now());
      last_response = std::move(response);
    }

    if (attempt == max_attempts) {
      log(outcome + " (no retries left)");
      break;
    }
    if (retry_after && *retry_after > options_.retry.max_retry_after) {
      log(outcome + ", Retry-After " + ms(retry_after->count()) + " exceeds the " +
          ms(options_.retry.max_retry_after.count()) + " this client waits");
      break;
    }
    const auto delay = backoff_delay(attempt, retry_after);
    if (clock_->steady_now() + delay >= deadline) {
      log(outcome + ", next retry in " + ms(delay.count()) + " would pass the " + ms(budget.count()) + " budget");
      break;
    }
    log(outcome + ", retry " + std::to_string(attempt) + "/" + std::to_string(max_attempts - 1) + " in " +
        ms(delay.count()));
    clock_->sleep_for(delay);
  }
  if (last_response) return *last_response;
  throw TransportError(request.method + " " + redact_userinfo(request.url) + ": " +
                           (last_error.empty() ? std::string("time budget exhausted") : last_error) + " (after " +
                           std::to_string(attempts_made) + " attempt" + (attempts_made == 1 ? "" : "s") +
                           " within " + ms(budget.count()) + ")",
                       attempts_made);
}

}  // namespace rsolv::http
