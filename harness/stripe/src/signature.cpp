#include "rsolv/stripe/signature.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <charconv>
#include <memory>

#include "rsolv/common/error.hpp"
#include "rsolv/common/strings.hpp"

namespace rsolv::stripe {

namespace {

constexpr std::size_t kHexSignatureLength = 64;  // SHA-256 digest, hex encoded

bool is_hex(std::string_view text) {
  for (char c : text) {
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'f';
    const bool upper = c >= 'A' && c <= 'F';
    if (!digit && !lower && !upper) return false;
  }
  return true;
}

std::string to_lower_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return out;
}

ParseResult parse_error(std::string reason) { return ParseResult{std::nullopt, std::move(reason)}; }

// An HMAC context with SHA-256 selected and no key, built once per process (thread-safe static
// initialisation) and duplicated per signature; kept for the life of the process.
const EVP_MAC_CTX* hmac_sha256_template() {
  static EVP_MAC_CTX* const context = [] {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* created = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    EVP_MAC_free(mac);  // the context holds its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (created == nullptr || EVP_MAC_CTX_set_params(created, params) != 1) {
      EVP_MAC_CTX_free(created);
      throw Error("OpenSSL has no HMAC-SHA256 (check the OpenSSL 3 installation)");
    }
    return created;
  }();
  return context;
}

}  // namespace

ParseResult parse_signature_header(std::string_view header) {
  if (header.empty()) return parse_error("Stripe-Signature header is empty");
  SignatureHeader parsed;
  bool have_timestamp = false;
  std::size_t position = 0;
  int pair_index = 0;
  while (position <= header.size()) {
    const auto comma = header.find(',', position);
    const auto pair = header.substr(position, comma == std::string_view::npos ? std::string_view::npos : comma - position);
    ++pair_index;
    if (pair.empty()) return parse_error("empty element at position " + std::to_string(pair_index) + " (stray comma)");
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) {
      return parse_error("element " + std::to_string(pair_index) + " has no '=' (expected key=value)");
    }
    const auto key = pair.substr(0, equals);
    const auto value = pair.substr(equals + 1);
    if (key.empty()) return parse_error("element " + std::to_string(pair_index) + " has an empty key");
    // Includes CR/LF: a header copied with its line ending would otherwise fail as "not decimal".
    constexpr std::string_view kWhitespace = " \t\r\n\v\f";
    if (key.find_first_of(kWhitespace) != std::string_view::npos ||
        value.find_first_of(kWhitespace) != std::string_view::npos) {
      return parse_error("element " + std::to_string(pair_index) + " contains whitespace");
    }
    if (key == "t") {
      if (have_timestamp) return parse_error("timestamp 't' appears more than once");
      if (value.empty()) return parse_error("timestamp 't' is empty");
      std::int64_t timestamp = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), timestamp);
      if (ec == std::errc::result_out_of_range) return parse_error("timestamp 't' is out of range");
      if (ec != std::errc() || end != value.data() + value.size() || value.front() == '-' || value.front() == '+') {
        return parse_error("timestamp 't' is not a non-negative decimal integer");
      }
      parsed.timestamp = timestamp;
      have_timestamp = true;
    } else if (key == "v1" || key == "v0") {
      if (value.size() != kHexSignatureLength || !is_hex(value)) {
        return parse_error(std::string(key) + " signature must be 64 hex characters, got " +
                           std::to_string(value.size()) + " characters" + (is_hex(value) ? "" : " with non-hex"));
      }
      (key == "v1" ? parsed.v1 : parsed.v0).push_back(to_lower(value));
    }
    // Unknown schemes (v2, ...) are ignored, as Stripe's libraries do.
    if (comma == std::string_view::npos) break;
    position = comma + 1;
  }
  if (!have_timestamp) return parse_error("no timestamp 't=' element");
  return ParseResult{std::move(parsed), {}};
}

std::string compute_v1(const Secret& secret, std::int64_t timestamp, std::string_view payload) {
  // The key is the whole "whsec_..." string, as Stripe specifies. The HMAC-SHA256 context comes
  // from a fetched-once template (fetching costs about as much as hashing a small event), and the
  // "<t>." prefix and the body are fed separately so the body is never copied.
  const auto prefix = std::to_string(timestamp) + ".";
  const std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> context(EVP_MAC_CTX_dup(hmac_sha256_template()),
                                                                          &EVP_MAC_CTX_free);
  const auto& key = secret.reveal();
  static constexpr unsigned char kEmptyKey[1] = {0};  // a non-null pointer: null would mean "reuse the last key"
  unsigned char digest[EVP_MAX_MD_SIZE];
  std::size_t digest_size = 0;
  if (!context ||
      EVP_MAC_init(context.get(), key.empty() ? kEmptyKey : reinterpret_cast<const unsigned char*>(key.data()),
                   key.size(), nullptr) != 1 ||
      EVP_MAC_update(context.get(), reinterpret_cast<const unsigned char*>(prefix.data()), prefix.size()) != 1 ||
      EVP_MAC_update(context.get(), reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) != 1 ||
      EVP_MAC_final(context.get(), digest, &digest_size, sizeof digest) != 1) {
    throw Error("HMAC-SHA256 failed in OpenSSL");
  }
  return to_lower_hex(digest, digest_size);
}

std::string sign(std::span<const Secret> secrets, std::int64_t timestamp, std::string_view payload) {
  std::string header = "t=" + std::to_string(timestamp);
  for (const auto& secret : secrets) {
    header += ",v1=";
    header += compute_v1(secret, timestamp, payload);
  }
  return header;
}

std::string sign(const Secret& secret, std::int64_t timestamp, std::string_view payload) {
  return sign(std::span<const Secret>(&secret, 1), timestamp, payload);
}

VerifyResult verify(std::string_view header, std::string_view payload, std::span<const Secret> secrets,
                    std::int64_t now_unix, std::int64_t tolerance_seconds) {
  if (header.empty()) return {VerifyStatus::missing_header, "no Stripe-Signature header"};
  auto parsed = parse_signature_header(header);
  if (!parsed.header) return {VerifyStatus::malformed_header, "malformed Stripe-Signature header: " + parsed.error};
  const auto& signature = *parsed.header;
  if (signature.v1.empty()) {
    return {VerifyStatus::no_v1_signature, signature.v0.empty() ? "no v1 signature in Stripe-Signature header"
                                                                : "only a v0 signature, which is never accepted"};
  }
  bool matched = false;
  for (const auto& secret : secrets) {
    const auto expected = compute_v1(secret, signature.timestamp, payload);
    for (const auto& candidate : signature.v1) {
      // Check every candidate so the time taken does not depend on which one matched.
      matched = constant_time_equal(expected, candidate) || matched;
    }
  }
  if (!matched) return {VerifyStatus::signature_mismatch, "no v1 signature matches the expected signature for the payload"};
  const auto age = now_unix - signature.timestamp;
  if (age > tolerance_seconds) {
    return {VerifyStatus::timestamp_too_old,
            "timestamp is " + std::to_string(age) + " s old, outside the tolerance of " +
                std::to_string(tolerance_seconds) + " s"};
  }
  if (-age > tolerance_seconds) {
    return {VerifyStatus::timestamp_in_future,
            "timestamp is " + std::to_string(-age) + " s in the future, outside the tolerance of " +
                std::to_string(tolerance_seconds) + " s"};
  }
  return {VerifyStatus::ok, "ok"};
}

VerifyResult verify(std::string_view header, std::string_view payload, const Secret& secret, std::int64_t now_unix,
                    std::int64_t tolerance_seconds) {
  return verify(header, payload, std::span<const Secret>(&secret, 1), now_unix, tolerance_seconds);
}

std::string_view to_string(VerifyStatus status) {
  switch (status) {
    case VerifyStatus::ok: return "ok";
    case VerifyStatus::missing_header: return "missing_header";
    case VerifyStatus::malformed_header: return "malformed_header";
    case VerifyStatus::no_v1_signature: return "no_v1_signature";
    case VerifyStatus::signature_mismatch: return "signature_mismatch";
    case VerifyStatus::timestamp_too_old: return "timestamp_too_old";
    case VerifyStatus::timestamp_in_future: return "timestamp_in_future";
  }
  return "unknown";
}

}  // namespace rsolv::stripe
