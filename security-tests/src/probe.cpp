#include "rsolv/security/probe.hpp"

#include <cctype>
#include <regex>

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

Exchange Probe::send(const std::string& method, const std::string& path_and_query, const http::Headers& headers,
                     const std::string& body, const std::string& source_address) {
  http::ClientOptions options;
  options.retry.max_retries = 0;
  options.attempt_timeout = timeout_;
  options.total_timeout = timeout_;
  options.user_agent = "rsolv-security";
  options.source_address = source_address;
  http::Client client(options);
  Exchange exchange;
  exchange.request = http::Request(method, target_.base_url + path_and_query, headers, with_fresh_uuids(body));
  const auto started = std::chrono::steady_clock::now();
  try {
    exchange.response = client.send(exchange.request);
  } catch (const http::TransportError& error) {
    exchange.transport_error = redact(error.what());
  }
  exchange.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
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
