#include "rsolv/action/privileges.hpp"

#include <gtest/gtest.h>

#include "rsolv/common/error.hpp"

namespace rsolv::action {
namespace {

TEST(Privileges, RunAsParsesUidAndOptionalGid) {
  EXPECT_EQ(parse_run_as("10001:10002").uid, 10001u);
  EXPECT_EQ(parse_run_as("10001:10002").gid, 10002u);
  EXPECT_EQ(parse_run_as("10001").gid, 10001u);
}

TEST(Privileges, RootOrGarbageIsRefused) {
  for (const char* text : {"0", "0:0", "10001:0", "nobody", "10001:", ":10001", "1x", ""}) {
    EXPECT_THROW(parse_run_as(text), UsageError) << text;
  }
}

TEST(Privileges, NothingToDoWithoutATargetUser) {
  EXPECT_FALSE(drop_privileges(std::nullopt));
  EXPECT_FALSE(drop_privileges(std::string()));
}

}  // namespace
}  // namespace rsolv::action
