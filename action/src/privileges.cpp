#include "rsolv/action/privileges.hpp"

#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "rsolv/common/error.hpp"

namespace rsolv::action {

namespace {

std::optional<unsigned> parse_id(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

RunAs parse_run_as(std::string_view text) {
  const auto colon = text.find(':');
  const auto uid = parse_id(text.substr(0, colon));
  const auto gid = colon == std::string_view::npos ? uid : parse_id(text.substr(colon + 1));
  if (!uid || !gid || *uid == 0 || *gid == 0) {
    throw UsageError("RSOLV_ACTION_RUN_AS is '" + std::string(text.substr(0, 40)) +
                     "': use UID:GID of an unprivileged user, e.g. 10001:10001");
  }
  return {*uid, *gid};
}

std::optional<std::string> drop_privileges(const std::optional<std::string>& spec) {
  if (!spec || spec->empty()) return std::nullopt;
  const auto target = parse_run_as(*spec);
  if (::geteuid() != 0) return std::nullopt;  // already unprivileged
  const auto fail = [](const char* step) {
    throw Error(std::string("cannot drop root privileges (") + step + "): " + std::strerror(errno) +
                "; run the container with a user that can, or unset RSOLV_ACTION_RUN_AS");
  };
  if (::setgroups(0, nullptr) != 0) fail("setgroups");
  if (::setresgid(target.gid, target.gid, target.gid) != 0) fail("setresgid");
  if (::setresuid(target.uid, target.uid, target.uid) != 0) fail("setresuid");
  // Paranoia: root must be out of reach now.
  if (::setuid(0) == 0 || ::geteuid() == 0) {
    errno = EPERM;
    fail("verify");
  }
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("no_new_privs");
  return "running as uid " + std::to_string(target.uid) + ", gid " + std::to_string(target.gid) +
         " (root dropped after opening the runner's files)";
}

}  // namespace rsolv::action
