#include "rsolv/action/idempotency.hpp"

#include <gtest/gtest.h>

#include "rsolv/common/digest.hpp"

namespace rsolv::action {
namespace {

TEST(Idempotency, Sha256MatchesTheStandardTestVector) {
  // FIPS 180-2, appendix B.1.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Idempotency, SameReportAlwaysGetsTheSameKey) {
  const auto key = deployment_idempotency_key("octo-org/octo-repo", 42, "abcdef0", std::nullopt);
  EXPECT_EQ(key, deployment_idempotency_key("octo-org/octo-repo", 42, "abcdef0", std::nullopt));
  EXPECT_TRUE(key.starts_with("rsolv-action-"));
  EXPECT_EQ(key.size(), std::string("rsolv-action-").size() + 32);
  EXPECT_EQ(key.substr(13), sha256_hex("octo-org/octo-repo#42@abcdef0").substr(0, 32));
}

TEST(Idempotency, EveryPartOfTheReportChangesTheKey) {
  const auto base = deployment_idempotency_key("o/r", 1, "abcdef0", std::nullopt);
  EXPECT_NE(base, deployment_idempotency_key("o/r2", 1, "abcdef0", std::nullopt));
  EXPECT_NE(base, deployment_idempotency_key("o/r", 2, "abcdef0", std::nullopt));
  EXPECT_NE(base, deployment_idempotency_key("o/r", 1, "abcdef1", std::nullopt));
  EXPECT_NE(base, deployment_idempotency_key("o/r", 1, "abcdef0", std::string("2025-11-20T10:00:00Z")));
  // No ambiguity between "o/r#1" + "2@..." and "o/r#12@...".
  EXPECT_NE(deployment_idempotency_key("o/r", 12, "abcdef0", std::nullopt),
            deployment_idempotency_key("o/r#1", 2, "abcdef0", std::nullopt));
}

}  // namespace
}  // namespace rsolv::action
