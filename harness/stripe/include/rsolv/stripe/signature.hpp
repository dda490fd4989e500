#pragma once
// Stripe-Signature: `t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=<hex>]`.
// v1 = lowercase hex(HMAC-SHA256(key = whole "whsec_..." secret, message = "<t>.<raw body>")).
// See docs/platform-contract.md#signatures. v0 is a legacy test scheme and is never accepted.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/common/secret.hpp"

namespace rsolv::stripe {

inline constexpr std::int64_t kDefaultToleranceSeconds = 300;

struct SignatureHeader {
  std::int64_t timestamp = 0;
  std::vector<std::string> v1;  // lowercase hex, 64 characters each
  std::vector<std::string> v0;  // parsed so callers can report it, never accepted
};

struct ParseResult {
  std::optional<SignatureHeader> header;
  std::string error;  // set when header is empty: why the header is malformed, one line
};

// Strict parser: pairs separated by ',', each `key=value`; exactly one `t` (decimal, no sign);
// `v1`/`v0` values must be 64 hex characters; unknown schemes (e.g. `v2`) are ignored; empty
// pairs, missing '=', duplicate `t`, or no `t` are errors.
ParseResult parse_signature_header(std::string_view header);

// Lowercase hex HMAC-SHA256 of "<timestamp>.<payload>" keyed by the secret's bytes.
std::string compute_v1(const Secret& secret, std::int64_t timestamp, std::string_view payload);

// A full header value with one v1 per secret, in order (secret rotation sends two).
std::string sign(std::span<const Secret> secrets, std::int64_t timestamp, std::string_view payload);
std::string sign(const Secret& secret, std::int64_t timestamp, std::string_view payload);

enum class VerifyStatus {
  ok,
  missing_header,       // empty header
  malformed_header,     // parse_signature_header failed
  no_v1_signature,      // parsed, but carries no v1 (for example only v0)
  signature_mismatch,   // no v1 matches any secret
  timestamp_too_old,    // now - t > tolerance
  timestamp_in_future,  // t - now > tolerance
};

struct VerifyResult {
  VerifyStatus status = VerifyStatus::missing_header;
  std::string reason;  // one line for logs and error bodies; never contains a secret
  [[nodiscard]] bool ok() const { return status == VerifyStatus::ok; }
};

// Accepts when any v1 equals the expected value for any secret (constant-time compare) and
// |now - t| <= tolerance. Signatures are checked before the timestamp so a forged header
// cannot learn about the tolerance window.
VerifyResult verify(std::string_view header, std::string_view payload, std::span<const Secret> secrets,
                    std::int64_t now_unix, std::int64_t tolerance_seconds = kDefaultToleranceSeconds);
VerifyResult verify(std::string_view header, std::string_view payload, const Secret& secret,
                    std::int64_t now_unix, std::int64_t tolerance_seconds = kDefaultToleranceSeconds);

std::string_view to_string(VerifyStatus status);

}  // namespace rsolv::stripe
