#pragma once
// SHA-256 for identifiers derived from content: API-key hashes, idempotency keys, report
// fingerprints. Not for secrets comparison (see constant_time_equal in secret.hpp).
#include <string>
#include <string_view>

namespace rsolv {

// The 32 raw digest bytes.
std::string sha256_bytes(std::string_view data);
// The digest as 64 lowercase hex characters.
std::string sha256_hex(std::string_view data);

}  // namespace rsolv
