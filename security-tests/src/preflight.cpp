#include "rsolv/security/preflight.hpp"

#include <fmt/format.h>

#include "rsolv/security/probe.hpp"

namespace rsolv::security {

namespace {

// The first `limit` bytes of a body with control characters shown as '.', for a one-line error.
std::string excerpt(const std::string& body, std::size_t limit = 80) {
  std::string out;
  for (char c : body.substr(0, limit)) out += (static_cast<unsigned char>(c) < 0x20) ? '.' : c;
  return body.size() > limit ? out + "..." : out;
}

}  // namespace

std::string run_preflight(const Target& target, std::chrono::milliseconds timeout) {
  const auto& check = target.preflight;
  Probe probe(target, timeout);
  probe.set_deadline(Probe::Clock::now() + timeout,
                     fmt::format("no answer within the preflight timeout ({} ms)", timeout.count()));
  http::Headers headers;
  if (check.auth && !target.api_key.empty()) headers.emplace_back("x-api-key", target.api_key.reveal());
  const auto what = check.method + " " + probe.redact(target.base_url + check.path);
  Exchange exchange;
  try {
    exchange = probe.attempt(check.method, check.path, headers);
  } catch (const NoAnswer& error) {
    throw TargetUnreachable("target unreachable: " + what + ": " + error.what());
  }
  if (exchange.response.status == 0) {
    // The transport's message names the request already.
    throw TargetUnreachable("target unreachable: " + exchange.transport_error);
  }
  const auto& response = exchange.response;
  const auto fail = [&](const std::string& why) {
    throw TargetUnreachable(probe.redact(fmt::format("not the API: {} answered {} {}: {}", what, response.status,
                                                     excerpt(response.body), why)));
  };
  if (response.status != check.status) fail(fmt::format("expected status {}", check.status));
  if (!check.json.empty()) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) fail("expected a JSON object");
    for (const auto& [key, value] : check.json.items()) {
      if (!body.contains(key) || body.at(key) != value) fail(fmt::format("expected \"{}\": {}", key, value.dump()));
    }
  }
  return fmt::format("{} answered {} in {} ms", what, response.status, exchange.elapsed.count() / 1000);
}

}  // namespace rsolv::security
