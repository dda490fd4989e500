#pragma once
// How one delivery is signed, including the faults a receiver must refuse: a tampered body,
// signature or timestamp, a stale timestamp, no signature at all, or two v1 during a rotation.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rsolv/common/secret.hpp"

namespace rsolv::webhook_sim {

enum class Tamper { none, body, signature, timestamp };
Tamper parse_tamper(const std::string& text);  // "body" | "signature" | "timestamp"; UsageError otherwise
std::string to_string(Tamper tamper);

struct SigningOptions {
  std::vector<Secret> secrets;  // one v1 per secret, in order (rotation: old, new)
  Tamper tamper = Tamper::none;
  std::int64_t stale_seconds = 0;  // sign with t = now - stale_seconds
  bool no_signature = false;
};

struct SignedBody {
  std::string body;                      // the bytes to send (differs from the signed ones under body tamper)
  std::optional<std::string> signature;  // Stripe-Signature value, absent with no_signature
  std::int64_t timestamp = 0;            // the t= the header claims
};

// Signs `body` at `now_unix` and applies the fault, if any.
SignedBody sign_delivery(const std::string& body, std::int64_t now_unix, const SigningOptions& options);

// A short label for reports: "valid", "tampered-body", "stale-400s", "unsigned", "rotated-2v1".
std::string describe(const SigningOptions& options);

// "OLD,NEW" -> two secrets; UsageError when it is not two non-empty values.
std::vector<Secret> parse_rotation(const std::string& text);

}  // namespace rsolv::webhook_sim
