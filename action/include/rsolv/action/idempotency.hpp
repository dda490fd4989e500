#pragma once
// The Idempotency-Key of a deployment report: a pure function of what is billed, so every retry,
// re-run and concurrent duplicate of one report carries the same key and the platform bills once.
#include <optional>
#include <string>
#include <string_view>

namespace rsolv::action {

// "rsolv-action-" + the first 32 hex digits (128 bits) of
// SHA-256("<repository>#<pr>@<commit>" [+ "|<merged_at>"]). merged_at is part of the key because it
// is part of the body: the platform refuses one key with two different bodies.
std::string deployment_idempotency_key(std::string_view repository, long long pr_number, std::string_view commit_sha,
                                       const std::optional<std::string>& merged_at);

}  // namespace rsolv::action
