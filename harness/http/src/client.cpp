#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "rsolv/http/client.hpp"

namespace rsolv::http {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * count);
  // A new status line (after 100 Continue or a redirect) starts a fresh header block.
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return size * count;
}

bool retryable_status(long status, const RetryPolicy& policy) {
  if (status == 429) return policy.retry_on_429;
  // 501 and 505 say the request can never work; retrying them only wastes the budget.
  return policy.retry_on_5xx && status >= 500 && status != 501 && status != 505;
}


}  // namespace

struct Client::Impl {
  CURL* handle = nullptr;
  Impl() {
    global_init_once();
    handle = curl_easy_init();
  }
  ~Impl() {
    if (handle) curl_easy_cleanup(handle);
  }
};

Client::Client(ClientOptions options, Clock& clock) : Client(std::move(options), clock, Random()) {}

Client::Client(ClientOptions options, Clock& clock, Random random)
    : options_(std::move(options)), clock_(&clock), random_(std::move(random)), impl_(std::make_unique<Impl>()) {
  if (!impl_->handle) throw Error("cannot initialise libcurl");
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
  curl_slist* header_list = nullptr;
  for (const auto& [name, value] : sent_headers) {
    header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
  }
  // libcurl adds "Expect: 100-continue" to large bodies; servers here answer directly.
  header_list = curl_slist_append(header_list, "Expect:");
  const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(header_list, curl_slist_free_all);
  const auto described = describe_for_log({request.method, request.url, sent_headers, {}}, options_.secret_headers);
  const auto log = [&](const std::string& line) {
    if (options_.log) options_.log(line);
  };

  std::optional<Response> last_response;
  std::string last_error;
  int attempts_made = 0;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_->steady_now());
    if (remaining.count() <= 0) break;
    const auto attempt_timeout = std::min(options_.attempt_timeout, remaining);

    CURL* curl = impl_->handle;
    curl_easy_reset(curl);
    Response response;
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(options_.connect_timeout, attempt_timeout).count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(1, attempt_timeout.count())));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.source_address.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, ("host!" + options_.source_address).c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);

    const auto code = curl_easy_perform(curl);
    ++attempts_made;
    curl_off_t total_us = 0;
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total_us);
    response.elapsed = std::chrono::microseconds(total_us);
    response.attempts = attempt;

    std::optional<std::chrono::milliseconds> retry_after;
    std::string outcome;
    if (code != CURLE_OK) {
      last_error = curl_easy_strerror(code);
      outcome = "failed: " + last_error;
    } else {
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
      outcome = fmt::format("{} in {} ms", response.status, response.elapsed.count() / 1000);
      if (!retryable_status(response.status, options_.retry)) {
        log(fmt::format("{} -> {}", described, outcome));
        return response;
      }
      if (auto header = response.header("Retry-After")) retry_after = parse_retry_after(*header, clock_->now());
      last_response = std::move(response);
    }

    if (attempt == max_attempts) {
      log(fmt::format("{} -> {} (no retries left)", described, outcome));
      break;
    }
    if (retry_after && *retry_after > options_.retry.max_retry_after) {
      log(fmt::format("{} -> {}, Retry-After {} ms exceeds the {} ms this client waits", described, outcome,
                      retry_after->count(), options_.retry.max_retry_after.count()));
      break;
    }
    const auto delay = backoff_delay(attempt, retry_after);
    if (clock_->steady_now() + delay >= deadline) {
      log(fmt::format("{} -> {}, next retry in {} ms would pass the {} ms budget", described, outcome, delay.count(),
                      budget.count()));
      break;
    }
    log(fmt::format("{} -> {}, retry {}/{} in {} ms", described, outcome, attempt, max_attempts - 1, delay.count()));
    clock_->sleep_for(delay);
  }
  if (last_response) return *last_response;
  throw TransportError(fmt::format("{} {}: {} (after {} attempt{} within {} ms)", request.method, request.url,
                                   last_error.empty() ? "time budget exhausted" : last_error, attempts_made,
                                   attempts_made == 1 ? "" : "s", budget.count()),
                       attempts_made);
}

}  // namespace rsolv::http
