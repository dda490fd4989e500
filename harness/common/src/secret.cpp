#include "rsolv/common/secret.hpp"

#include <algorithm>
#include <array>
#include <ostream>

namespace rsolv {

namespace {
constexpr std::string_view kMarker = "[redacted]";
// Prefixes that say what kind of secret this is without revealing any of it.
constexpr std::array<std::string_view, 5> kKnownPrefixes = {"whsec_", "rsolv_", "sk_test_", "sk_live_",
                                                            "rk_test_"};
}  // namespace

Secret::~Secret() {
  // Best effort: overwrite before the allocation returns to the heap.
  volatile char* bytes = value_.data();
  for (std::size_t i = 0; i < value_.size(); ++i) bytes[i] = 0;
}

std::string Secret::redacted() const {
  for (auto prefix : kKnownPrefixes) {
    if (value_.size() > prefix.size() && value_.starts_with(prefix)) {
      return std::string(prefix) + "..." + std::string(kMarker);
    }
  }
  return std::string(kMarker);
}

bool operator==(const Secret& a, const Secret& b) { return constant_time_equal(a.value_, b.value_); }

std::ostream& operator<<(std::ostream& out, const Secret& secret) { return out << secret.redacted(); }

std::string redact(std::string text, const std::vector<Secret>& secrets) {
  for (const auto& secret : secrets) {
    const auto& raw = secret.reveal();
    // Very short values would redact unrelated text; secrets are never that short.
    if (raw.size() < 6) continue;
    const auto replacement = secret.redacted();
    for (auto pos = text.find(raw); pos != std::string::npos; pos = text.find(raw, pos + replacement.size())) {
      text.replace(pos, raw.size(), replacement);
    }
  }
  return text;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace rsolv
