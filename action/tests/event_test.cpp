#include "rsolv/action/event.hpp"

#include <gtest/gtest.h>

#include "rsolv/common/error.hpp"

namespace rsolv::action {
namespace {

TEST(Event, MergedPullRequestGivesNumberMergeCommitAndTime) {
  const auto event = parse_pull_request_event(R"({"action":"closed","pull_request":{"number":42,"state":"closed",
      "merged":true,"merge_commit_sha":"abcdef0123456","merged_at":"2025-11-20T10:00:00Z","head":{"sha":"1234567"}}})",
                                              "event.json");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->number, 42);
  EXPECT_TRUE(event->merged);
  EXPECT_EQ(event->state, "closed");
  EXPECT_EQ(event->merge_commit_sha, "abcdef0123456");
  EXPECT_EQ(event->head_sha, "1234567");
  EXPECT_EQ(event->merged_at, "2025-11-20T10:00:00Z");
}

TEST(Event, ClosedWithoutMergeIsNotMerged) {
  const auto event = parse_pull_request_event(
      R"({"pull_request":{"number":7,"state":"closed","merged":false,"merge_commit_sha":null,"merged_at":null}})", "e");
  ASSERT_TRUE(event);
  EXPECT_FALSE(event->merged);
  EXPECT_FALSE(event->merge_commit_sha);
  EXPECT_FALSE(event->merged_at);
}

TEST(Event, PushEventHasNoPullRequest) {
  EXPECT_FALSE(parse_pull_request_event(R"({"ref":"refs/heads/main","after":"abc"})", "e"));
  EXPECT_FALSE(load_pull_request_event(""));
}

TEST(Event, BrokenPayloadIsAUsageErrorNamingTheFile) {
  try {
    parse_pull_request_event("{not json", "/github/workflow/event.json");
    FAIL();
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("/github/workflow/event.json"), std::string::npos);
  }
  EXPECT_THROW(parse_pull_request_event(R"({"pull_request":{"number":"7"}})", "e"), UsageError);
  EXPECT_THROW(parse_pull_request_event(R"({"pull_request":{"number":0}})", "e"), UsageError);
  EXPECT_THROW(load_pull_request_event("/nonexistent/event.json"), UsageError);
}

}  // namespace
}  // namespace rsolv::action
