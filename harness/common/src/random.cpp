#include "rsolv/common/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "rsolv/common/error.hpp"

namespace rsolv {

namespace {
constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kHex = "0123456789abcdef";

std::uint64_t entropy_seed() {
  std::uint64_t seed = 0;
  const auto bytes = secure_random_bytes(sizeof seed);
  std::memcpy(&seed, bytes.data(), sizeof seed);
  return seed;
}
}  // namespace

Random::Random() : engine_(entropy_seed()) {}
Random::Random(std::uint64_t seed) : engine_(seed) {}

std::uint64_t Random::next_u64() { return engine_(); }

double Random::next_double() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }

std::int64_t Random::uniform(std::int64_t low, std::int64_t high) {
  if (high < low) std::swap(low, high);
  return std::uniform_int_distribution<std::int64_t>(low, high)(engine_);
}

std::string Random::base62(std::size_t length) {
  std::string out(length, '0');
  std::uniform_int_distribution<std::size_t> pick(0, kBase62.size() - 1);
  for (auto& c : out) c = kBase62[pick(engine_)];
  return out;
}

std::string Random::hex(std::size_t length) {
  std::string out(length, '0');
  std::uniform_int_distribution<std::size_t> pick(0, kHex.size() - 1);
  for (auto& c : out) c = kHex[pick(engine_)];
  return out;
}

std::string Random::uuid_v4() {
  std::string h = hex(32);
  h[12] = '4';
  h[16] = kHex[(std::string_view(kHex).find(h[16]) & 0x3) | 0x8];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string secure_random_bytes(std::size_t count) {
  std::string out(count, '\0');
  std::size_t filled = 0;
  while (filled < count) {
    const auto got = getrandom(out.data() + filled, count - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(std::string("cannot read random bytes from the OS: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(got);
  }
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                   std::uint8_t(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const auto n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    const auto n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

}  // namespace rsolv
