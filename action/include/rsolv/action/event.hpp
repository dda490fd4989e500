#pragma once
// The parts of the workflow's event payload ($GITHUB_EVENT_PATH) the action reads: a
// pull_request (or pull_request_target) event's PR number, merge state and commits.
#include <optional>
#include <string>
#include <string_view>

namespace rsolv::action {

struct PullRequestEvent {
  long long number = 0;
  bool merged = false;
  std::string state;                          // "open" | "closed"
  std::optional<std::string> merge_commit_sha;
  std::optional<std::string> head_sha;
  std::optional<std::string> merged_at;       // ISO 8601, when merged
};

// nullopt when the payload has no "pull_request" object (a push, schedule or dispatch event).
// Throws rsolv::UsageError naming `label` when the text is not JSON or pull_request.number is
// missing or not a positive integer.
std::optional<PullRequestEvent> parse_pull_request_event(std::string_view json_text, std::string_view label);

// Reads and parses the file; nullopt when path is empty. Throws rsolv::UsageError when unreadable.
std::optional<PullRequestEvent> load_pull_request_event(const std::string& path);

}  // namespace rsolv::action
