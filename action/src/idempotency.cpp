#include "rsolv/action/idempotency.hpp"

#include <openssl/evp.h>

#include "rsolv/common/error.hpp"

namespace rsolv::action {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw Error("SHA-256 failed in OpenSSL");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

std::string deployment_idempotency_key(std::string_view repository, long long pr_number, std::string_view commit_sha,
                                       const std::optional<std::string>& merged_at) {
  std::string material = std::string(repository) + "#" + std::to_string(pr_number) + "@" + std::string(commit_sha);
  if (merged_at) material += "|" + *merged_at;
  return "rsolv-action-" + sha256_hex(material).substr(0, 32);
}

}  // namespace rsolv::action
