#pragma once
// What a suite uses to talk to the target: one HTTP exchange at a time, no retries (a retry would
// hide what the target did), timed, and described for evidence with every secret and card number
// redacted.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

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

class Probe {
 public:
  explicit Probe(const Target& target, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

  Exchange send(const std::string& method, const std::string& path_and_query, const http::Headers& headers = {},
                const std::string& body = {}, const std::string& source_address = {});
  // Adds x-api-key and a JSON content type.
  Exchange send_json(const std::string& method, const std::string& path_and_query, const nlohmann::json& body,
                     const Secret* api_key, const http::Headers& extra = {});

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
  std::vector<std::string> sensitive_;
};

// Replaces every `${uuid}` in a request body with a fresh UUID (Probe::send does it for every body).
std::string with_fresh_uuids(std::string body);

// Luhn checksum over the digits of `digits` (non-digits ignored).
bool luhn_valid(std::string_view digits);
// Replaces every 13-19 digit Luhn-valid run (spaces and dashes allowed between digits) by a masked form.
std::string mask_card_numbers(std::string text);

}  // namespace rsolv::security
