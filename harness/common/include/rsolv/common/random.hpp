#pragma once
// Injectable randomness. Production code uses a CSPRNG-seeded generator; tests pass a fixed seed.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace rsolv {

class Random {
 public:
  // Seeded from the OS entropy source.
  Random();
  explicit Random(std::uint64_t seed);

  std::uint64_t next_u64();
  // Uniform in [0, 1).
  double next_double();
  // Uniform integer in [low, high].
  std::int64_t uniform(std::int64_t low, std::int64_t high);
  // `length` characters from [0-9A-Za-z], as Stripe ids use.
  std::string base62(std::size_t length);
  // `length` lowercase hex characters.
  std::string hex(std::size_t length);
  // A random version-4 UUID string (8-4-4-4-12 hex digits, variant bits 10).
  std::string uuid_v4();

 private:
  std::mt19937_64 engine_;
};

// Bytes from the OS CSPRNG (getrandom); for keys and secrets, never a seeded engine.
std::string secure_random_bytes(std::size_t count);
// base64url without padding.
std::string base64url_encode(std::string_view bytes);

}  // namespace rsolv
