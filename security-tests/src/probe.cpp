#include "rsolv/security/probe.hpp"

#include <cctype>
#include <regex>
#include <thread>

#include "rsolv/common/random.hpp"

namespace rsolv::security {

bool luhn_valid(std::string_view text) {
  int sum = 0, count = 0;
  bool double_it = false;
  for (auto it = text.rbegin(); it != text.rend(); ++it) {
    if (!std::isdigit(static_cast<unsigned char>(*it))) continue;
    int digit = *it - '0';
    if (double_it) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double_it = !double_it;
    ++count;
  }
  return count >= 12 && sum % 10 == 0;
}

std::string mask_card_numbers(std::string text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    // Longest run of digits with single spaces or dashes between them.
    std::size_t end = i, digits = 0, last_digit = i;
    while (end < text.size()) {
      if (std::isdigit(static_cast<unsigned char>(text[end]))) {
        ++digits;
        last_digit = end;
        ++end;
      } else if ((text[end] == ' ' || text[end] == '-') && end + 1 < text.size() &&
                 std::isdigit(static_cast<unsigned char>(text[end + 1]))) {
        ++end;
      } else {
        break;
      }
    }
    const auto run = text.substr(i, last_digit + 1 - i);
    if (digits >= 13 && digits <= 19 && luhn_valid(run)) {
      std::string masked;
      std::size_t seen = 0;
      for (char c : run) {
        if (!std::isdigit(static_cast<unsigned char>(c))) continue;
        ++seen;
        masked += (seen <= 4 || seen > digits - 4) ? c : '*';
      }
      text.replace(i, run.size(), masked);
      i += masked.size();
    } else {
      i = last_digit + 1;
    }
  }
  return text;
}

Probe::Probe(const Target& target, std::chrono::milliseconds timeout) : target_(target), timeout_(timeout) {}

// `${uuid}` in a target's request body becomes a new UUID in every request, so probes of endpoints
// that refuse repeats (onboarding with a unique e-mail) reach the code under test each time.
std::string with_fresh_uuids(std::string body) {
  static constexpr std::string_view marker = "${uuid}";
  Random random;
  for (auto at = body.find(marker); at != std::string::npos; at = body.find(marker, at)) {
    body.replace(at, marker.size(), random.uuid_v4());
  }
  return body;
}

void Probe::set_deadline(Clock::time_point deadline, std::string reason) {
  deadline_ = deadline;
  deadline_reason_ = std::move(reason);
}

bool has_rate_limit_headers(const http::Response& response) {
  for (const auto* name : {"X-RateLimit-Limit", "X-RateLimit-Remaining", "RateLimit-Limit", "RateLimit-Remaining",
                           "RateLimit", "RateLimit-Policy"}) {
    if (response.header(name)) return true;
  }
  return false;
}

Exchange Probe::attempt(const std::string& method, const std::string& path_and_query, const http::Headers& headers,
                        const std::string& body, const std::string& source_address) {
  auto timeout = timeout_;
  bool budget_is_the_deadline = false;
  if (deadline_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
    if (left <= std::chrono::milliseconds(0)) throw NoAnswer(deadline_reason_);
    budget_is_the_deadline = left < timeout;
    timeout = std::min(timeout, left);
  }
  http::ClientOptions options;
  options.retry.max_retries = 0;
  options.connect_timeout = std::min(options.connect_timeout, timeout);
  options.attempt_timeout = timeout;
  options.total_timeout = timeout;
  options.user_agent = "rsolv-security";
  options.source_address = source_address;
  options.ca_file = target_.ca_file;
  http::Client client(options);
  Exchange exchange;
  exchange.request = http::Request(method, target_.url_for(path_and_query), headers, with_fresh_uuids(body));
  ++requests_sent_;
  const auto started = Clock::now();
  try {
    exchange.response = client.send(exchange.request);
  } catch (const http::TransportError& error) {
    exchange.transport_error = redact(error.what());
  }
  exchange.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  // The transport measures its budget from its own start and may give up a moment before the
  // deadline that set it: an unanswered request that used (nearly) all of it ran into the deadline.
  constexpr auto kTransportSlack = std::chrono::milliseconds(100);
  if (exchange.response.status == 0 && deadline_ &&
      (Clock::now() >= *deadline_ || (budget_is_the_deadline && Clock::now() + kTransportSlack >= *deadline_))) {
    throw NoAnswer(deadline_reason_);
  }
  // A target that stopped answering mid-run would cost every remaining check its full timeout:
  // after three unanswered requests in a row, the rest of the run is inconclusive at once.
  consecutive_unanswered_ = exchange.response.status == 0 ? consecutive_unanswered_ + 1 : 0;
  if (consecutive_unanswered_ >= kMaxConsecutiveUnanswered) {
    set_deadline(Clock::now(), "the target stopped answering (" + std::to_string(consecutive_unanswered_) +
                                   " requests in a row got no answer; last: " + exchange.transport_error + ")");
  }
  return exchange;
}

Exchange Probe::send(const std::string& method, const std::string& path_and_query, const http::Headers& headers,
                     const std::string& body, const std::string& source_address) {
  constexpr auto kMaxWait = std::chrono::milliseconds(2000);
  auto exchange = attempt(method, path_and_query, headers, body, source_address);
  if (exchange.response.status == 429) {
    // Load shedding or a limit that resets soon: wait once as asked, then the answer must be usable.
    const auto retry_after = exchange.response.header("Retry-After");
    const auto wait = retry_after ? http::parse_retry_after(*retry_after, std::chrono::system_clock::now())
                                  : std::optional<std::chrono::milliseconds>(std::chrono::milliseconds(1000));
    if (wait && *wait <= kMaxWait && (!deadline_ || Clock::now() + *wait < *deadline_)) {
      std::this_thread::sleep_for(*wait);
      exchange = attempt(method, path_and_query, headers, body, source_address);
    }
    if (exchange.response.status == 429) {
      throw NoAnswer("rate-limited: " + method + " " + redact(path_and_query) + " answered 429" +
                     (retry_after ? " with Retry-After: " + *retry_after : std::string()));
    }
  }
  if (exchange.response.status == 0) {
    throw NoAnswer("no answer to " + method + " " + redact(path_and_query) + ": " + exchange.transport_error);
  }
  return exchange;
}

Exchange Probe::send_json(const std::string& method, const std::string& path_and_query, const nlohmann::json& body,
                          const Secret* api_key, const http::Headers& extra) {
  http::Headers headers = extra;
  if (api_key && !api_key->empty()) headers.emplace_back("x-api-key", api_key->reveal());
  std::string payload;
  if (!body.is_null()) {
    headers.emplace_back("Content-Type", "application/json");
    payload = body.dump();
  }
  return send(method, path_and_query, headers, payload);
}

std::string Probe::location(const std::string& method, const std::string& path) const {
  return method + " " + target_.base_url + path;
}

std::string Probe::redact(std::string text) const {
  text = rsolv::redact(std::move(text), target_.secrets());
  for (const auto& value : sensitive_) {
    if (value.size() < 6) continue;
    for (auto pos = text.find(value); pos != std::string::npos; pos = text.find(value, pos)) {
      text.replace(pos, value.size(), "[redacted]");
    }
  }
  // Credentials the target hands out in answers (a key from onboarding, a token) are as secret as
  // the ones the target file holds: the values of credential-named JSON fields and anything shaped
  // like an RSOLV key or a Stripe secret.
  static const std::regex credential_field(
      R"re(("(?:api_key|apiKey|secret|password|token|access_token|refresh_token|webhook_secret)"\s*:\s*")[^"]*")re",
      std::regex::icase);
  static const std::regex key_shaped(R"re(\b(rsolv|whsec|sk_live|sk_test|rk_live|rk_test)_[A-Za-z0-9_-]{8,})re");
  text = std::regex_replace(text, credential_field, "$1[redacted]\"");
  text = std::regex_replace(text, key_shaped, "$1_[redacted]");
  return mask_card_numbers(std::move(text));
}

std::string Probe::evidence(const Exchange& exchange) const {
  const auto cut = [](const std::string& text) { return text.size() > 600 ? text.substr(0, 600) + "..." : text; };
  std::string out = http::describe_for_log(exchange.request, http::ClientOptions{}.secret_headers);
  if (!exchange.request.body.empty()) out += "\n  body: " + cut(exchange.request.body);
  if (exchange.response.status == 0) {
    out += "\n-> no response: " + exchange.transport_error;
  } else {
    out += "\n-> " + std::to_string(exchange.response.status) + " in " +
           std::to_string(exchange.elapsed.count() / 1000) + " ms";
    if (!exchange.response.body.empty()) out += "\n  body: " + cut(exchange.response.body);
  }
  return redact(out);
}

}  // namespace rsolv::security
