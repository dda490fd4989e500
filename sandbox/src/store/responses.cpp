#include <openssl/evp.h>

#include "operations.hpp"
#include "rsolv/common/random.hpp"

namespace rsolv::sandbox::ops {

ApiResult json_result(int status, const nlohmann::json& body) { return ApiResult{status, body.dump(), {}}; }

ApiResult error_result(int status, std::string_view code, std::string_view message) {
  return json_result(status, {{"error", code}, {"message", message}});
}

std::variant<nlohmann::json, ApiResult> parse_object(std::string_view body) {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return error_result(400, "invalid_json", "The request body is not valid JSON.");
  if (!parsed.is_object()) return error_result(400, "invalid_json", "The request body must be a JSON object.");
  return parsed;
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
