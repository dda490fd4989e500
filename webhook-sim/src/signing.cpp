#include "rsolv/webhook_sim/signing.hpp"

#include "rsolv/common/error.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::webhook_sim {

Tamper parse_tamper(const std::string& text) {
  if (text == "body") return Tamper::body;
  if (text == "signature") return Tamper::signature;
  if (text == "timestamp") return Tamper::timestamp;
  throw UsageError("--tamper takes body, signature or timestamp, not '" + text + "'");
}

std::string to_string(Tamper tamper) {
  switch (tamper) {
    case Tamper::body: return "body";
    case Tamper::signature: return "signature";
    case Tamper::timestamp: return "timestamp";
    case Tamper::none: break;
  }
  return "none";
}

SignedBody sign_delivery(const std::string& body, std::int64_t now_unix, const SigningOptions& options) {
  SignedBody out;
  out.body = body;
  out.timestamp = now_unix - options.stale_seconds;
  if (options.no_signature) return out;
  if (options.secrets.empty()) throw UsageError("no webhook secret: pass --secret whsec_... or set RSOLV_WEBHOOK_SECRET");
  const auto signed_at = out.timestamp;
  auto header = stripe::sign(std::span<const Secret>(options.secrets), signed_at, body);
  switch (options.tamper) {
    case Tamper::body:
      // Still valid JSON, so a receiver must refuse it on the signature, not on parsing.
      if (!out.body.empty() && out.body.front() == '{') {
        out.body.insert(1, "\"tampered\":true,");
      } else {
        out.body += " ";
      }
      break;
    case Tamper::signature: {
      // Flip the last hex digit of every v1.
      std::size_t pos = 0;
      while ((pos = header.find("v1=", pos)) != std::string::npos) {
        const auto end = pos + 3 + 64 - 1;
        header[end] = header[end] == '0' ? '1' : '0';
        pos = end;
      }
      break;
    }
    case Tamper::timestamp:
      // Claim a later time than the one signed.
      out.timestamp = signed_at + 1;
      header.replace(0, header.find(','), "t=" + std::to_string(out.timestamp));
      break;
    case Tamper::none:
      break;
  }
  out.signature = header;
  return out;
}

std::string describe(const SigningOptions& options) {
  if (options.no_signature) return "unsigned";
  std::string out = options.tamper == Tamper::none ? "valid" : "tampered-" + to_string(options.tamper);
  if (options.stale_seconds != 0) out += ",stale-" + std::to_string(options.stale_seconds) + "s";
  if (options.secrets.size() > 1) out += ",rotated-" + std::to_string(options.secrets.size()) + "v1";
  return out;
}

std::vector<Secret> parse_rotation(const std::string& text) {
  const auto comma = text.find(',');
  if (comma == std::string::npos || comma == 0 || comma + 1 >= text.size() ||
      text.find(',', comma + 1) != std::string::npos) {
    throw UsageError("--rotate-secret takes OLD,NEW (two secrets separated by one comma)");
  }
  return {Secret(text.substr(0, comma)), Secret(text.substr(comma + 1))};
}

}  // namespace rsolv::webhook_sim
