// Stripe-Signature (harness/stripe): parsing any header value, verifying it, and the round trip
// sign -> parse -> verify for any payload and timestamp.
#include "fuzz_target.hpp"
#include "rsolv/common/secret.hpp"
#include "rsolv/stripe/signature.hpp"

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  using namespace rsolv;
  fuzz::Input input(data, size);
  std::int64_t timestamp = 0;
  for (int i = 0; i < 5; ++i) timestamp = timestamp * 256 + input.byte();  // up to 2^40: year 36812
  const std::string header(input.piece());
  const std::string payload(input.rest());
  const Secret secret("whsec_fuzzsecretfuzzsecret");
  const std::int64_t now = 1700000000;

  const auto parsed = stripe::parse_signature_header(header);
  FUZZ_CHECK(parsed.header.has_value() != !parsed.error.empty(), "a parse result is a header or an error");
  const auto verdict = stripe::verify(header, payload, secret, now);
  FUZZ_CHECK(verdict.reason.find(secret.reveal()) == std::string::npos, "the secret in a reason");
  if (verdict.ok()) FUZZ_CHECK(parsed.header.has_value(), "verified a header that does not parse");

  // Round trip: what sign() writes parses to the same timestamp and signature and verifies.
  const auto signed_header = stripe::sign(secret, timestamp, payload);
  const auto again = stripe::parse_signature_header(signed_header);
  FUZZ_CHECK(again.header && again.header->timestamp == timestamp && again.header->v1.size() == 1 &&
                 again.header->v1[0] == stripe::compute_v1(secret, timestamp, payload),
             "sign/parse round trip: " + signed_header);
  FUZZ_CHECK(stripe::verify(signed_header, payload, secret, timestamp).ok(), "own signature does not verify");
  FUZZ_CHECK(!stripe::verify(signed_header, payload + "x", secret, timestamp).ok(), "a changed payload verifies");
}
