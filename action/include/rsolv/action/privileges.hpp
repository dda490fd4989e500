#pragma once
// GitHub runs container actions as root (a USER in the image cannot write $GITHUB_OUTPUT, whose
// file belongs to the runner's user). The image therefore starts as root and names an unprivileged
// user in RSOLV_ACTION_RUN_AS ("10001:10001"); the action opens the runner's files and reads the
// event first, then drops to that user before it touches the network or parses an answer.
#include <optional>
#include <string>
#include <string_view>

namespace rsolv::action {

struct RunAs {
  unsigned uid = 0;
  unsigned gid = 0;
};

// "UID:GID" or "UID" (gid = uid); throws rsolv::UsageError for anything else or for 0.
RunAs parse_run_as(std::string_view text);

// When running as root and `spec` is set: clears supplementary groups, sets gid then uid, and
// forbids regaining privileges (PR_SET_NO_NEW_PRIVS). Returns a line describing what happened,
// or nullopt when nothing was to be done. Throws rsolv::Error when the drop fails.
std::optional<std::string> drop_privileges(const std::optional<std::string>& spec);

}  // namespace rsolv::action
