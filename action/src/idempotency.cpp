#include "rsolv/action/idempotency.hpp"

#include "rsolv/common/digest.hpp"

namespace rsolv::action {

std::string deployment_idempotency_key(std::string_view repository, long long pr_number, std::string_view commit_sha,
                                       const std::optional<std::string>& merged_at) {
  std::string material = std::string(repository) + "#" + std::to_string(pr_number) + "@" + std::string(commit_sha);
  if (merged_at) material += "|" + *merged_at;
  return "rsolv-action-" + sha256_hex(material).substr(0, 32);
}

}  // namespace rsolv::action
