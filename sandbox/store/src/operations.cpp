#include <openssl/evp.h>

#include "operations.hpp"
#include "rsolv/config/json_bounded.hpp"
#include "rsolv/common/random.hpp"

namespace rsolv::sandbox::ops {

Failure failure(FailureKind kind, ErrorCode code, std::string message) { return Failure{kind, code, std::move(message)}; }

Failure unknown_api_key() {
  return failure(FailureKind::unauthenticated, ErrorCode::invalid_api_key, "Invalid or missing API key.");
}

namespace {

// The path of the first string (or key) holding a NUL character, e.g. "name" or "metadata.note".
// Depth is bounded by the parse (config::kMaxJsonDepth), so the recursion is too. Keys and
// strings are valid UTF-8 (the parser checked), so a path can go into a JSON message.
std::optional<std::string> nul_path(const nlohmann::json& value, const std::string& path) {
  if (value.is_string()) {
    if (value.get_ref<const std::string&>().find('\0') != std::string::npos) return path.empty() ? "(body)" : path;
  } else if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      const std::string child_path = path.empty() ? key : path + "." + key;
      if (key.find('\0') != std::string::npos) return path.empty() ? "(a key)" : path + " (a key)";
      if (auto found = nul_path(child, child_path)) return found;
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto found = nul_path(value[i], path + "[" + std::to_string(i) + "]")) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

std::variant<nlohmann::json, Failure> parse_object(std::string_view body) {
  auto parsed = config::parse_json_bounded(body);
  if (!parsed.ok()) {
    return failure(FailureKind::malformed, ErrorCode::invalid_json, "The request body is " + parsed.message + ".");
  }
  if (!parsed.value.is_object()) {
    return failure(FailureKind::malformed, ErrorCode::invalid_json, "The request body must be a JSON object.");
  }
  // SQLite stores a NUL inside TEXT, but C strings, logs and most readers stop at it: refused.
  if (const auto path = nul_path(parsed.value, "")) {
    const std::string where = path->size() <= 100 ? *path : "a field";
    return failure(FailureKind::invalid, ErrorCode::nul_character,
                   "Text must not contain NUL characters (\\u0000); found in " + where + ".");
  }
  return std::move(parsed.value);
}

std::string random_id(std::string_view prefix) {
  static constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const auto bytes = secure_random_bytes(24);
  std::string id(prefix);
  // 256 % 62 bias is irrelevant for identifiers.
  for (unsigned char byte : bytes) id += kBase62[byte % kBase62.size()];
  return id;
}

std::string new_api_key() { return "rsolv_" + base64url_encode(secure_random_bytes(32)); }

}  // namespace rsolv::sandbox::ops
