// `sign` and `verify`: offline Stripe-Signature generation and checking, for debugging receivers.
#include <iostream>
#include <ostream>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/config/bounded_file.hpp"
#include "rsolv/stripe/signature.hpp"
#include "rsolv/webhook_sim/commands.hpp"
#include "rsolv/webhook_sim/signing.hpp"

namespace rsolv::webhook_sim {

namespace {

// The exact bytes of the payload: a signature covers every byte, trailing newline included.
// Bounded: 64 MiB is far beyond any Stripe event (and beyond the 1 MiB a platform accepts, so
// oversized deliveries can still be signed for tests), and /dev/zero or an endless pipe stops there.
std::string read_payload(const std::string& path) {
  constexpr std::size_t kMaxPayloadBytes = 64 * 1024 * 1024;
  if (path.empty()) throw UsageError("--payload FILE is required (- reads standard input)");
  if (path == "-") return config::read_bounded_file("/dev/stdin", kMaxPayloadBytes, "a --payload", "--payload - (standard input)");
  return config::read_bounded_file(path, kMaxPayloadBytes, "a --payload", "--payload file " + path);
}

}  // namespace

int run_sign(const SignArgs& args, std::ostream& out, std::ostream&) {
  std::vector<Secret> secrets;
  if (!args.rotate_secret.empty()) {
    secrets = parse_rotation(args.rotate_secret);
  } else if (!args.secret.empty()) {
    secrets.emplace_back(args.secret);
  } else {
    throw UsageError("no webhook secret: pass --secret whsec_... (or set RSOLV_WEBHOOK_SECRET)");
  }
  if (args.timestamp) check_range("--timestamp", *args.timestamp, kUnixTimeRange);
  const auto payload = read_payload(args.payload);
  const auto timestamp = args.timestamp.value_or(SystemClock::instance().unix_seconds());
  out << stripe::sign(std::span<const Secret>(secrets), timestamp, payload) << "\n";
  return kExitOk;
}

int run_verify(const VerifyArgs& args, std::ostream& out, std::ostream& err) {
  std::vector<Secret> secrets;
  for (const auto& secret : args.secrets) {
    if (!secret.empty()) secrets.emplace_back(secret);
  }
  if (secrets.empty()) throw UsageError("no webhook secret: pass --secret whsec_... (or set RSOLV_WEBHOOK_SECRET)");
  if (args.header.empty()) throw UsageError("--header 'Stripe-Signature value' is required");
  check_range("--tolerance", args.tolerance, kToleranceRange);
  if (args.now) check_range("--now", *args.now, kUnixTimeRange);
  const auto payload = read_payload(args.payload);
  const auto now = args.now.value_or(SystemClock::instance().unix_seconds());
  const auto result = stripe::verify(args.header, payload, std::span<const Secret>(secrets), now, args.tolerance);
  if (result.ok()) {
    out << "valid\n";
    return kExitOk;
  }
  err << "rsolv-webhook-sim: invalid signature: " << stripe::to_string(result.status) << ": " << result.reason << "\n";
  return kExitMismatch;
}

}  // namespace rsolv::webhook_sim
