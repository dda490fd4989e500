#pragma once
// The action's inputs, resolved the way a user expects: a command-line flag wins, then the input
// the runner passes to container actions (INPUT_<NAME>, hyphens kept), then RSOLV_* environment
// variables (for use outside Actions), then the default; PR and commit default from the event.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/action/event.hpp"
#include "rsolv/common/secret.hpp"

namespace rsolv::action {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
// getenv, as a lookup.
EnvLookup process_env();

enum class Command { check, report };
enum class OnApiError { fail, warn };

std::string_view to_string(Command command);

inline constexpr const char* kDefaultApiUrl = "https://api.rsolv.dev";
inline constexpr int kDefaultTimeoutSeconds = 30;
inline constexpr int kDefaultMaxRetries = 3;

// Values given on the command line (all optional; unset means "not given").
struct Flags {
  std::optional<std::string> command, api_key, api_url, repository, pr_number, commit_sha, on_api_error,
      timeout_seconds, max_retries;
};

struct Inputs {
  Command command = Command::check;
  Secret api_key;
  std::string api_url;      // no trailing slash
  std::string repository;   // "owner/name", may be empty for check
  std::string github_org, repo_name;
  std::optional<long long> pr_number;
  std::optional<std::string> commit_sha;
  std::optional<std::string> merged_at;
  OnApiError on_api_error = OnApiError::fail;
  int timeout_seconds = kDefaultTimeoutSeconds;
  int max_retries = kDefaultMaxRetries;
  // report: the event payload describes this very PR and says it is not merged (closed without
  // merging, or still open): there is nothing to bill. pr_state is the payload's state.
  bool pr_not_merged = false;
  std::string pr_state;
  // Non-fatal remarks about the inputs (e.g. a plain-http api-url to a remote host).
  std::vector<std::string> warnings;
};

// "api-key" -> "INPUT_API-KEY" (upper-cased, spaces to '_', hyphens kept), as the runner names it.
std::string input_env_name(std::string_view input);
// The input's value, trimmed; nullopt when unset or empty (the runner passes unset inputs as "").
// Also accepts the underscore spelling (INPUT_API_KEY) that some runners and test harnesses use.
std::optional<std::string> read_input(const EnvLookup& env, std::string_view input);

// The API key from --api-key, INPUT_API-KEY or RSOLV_API_KEY, trimmed of surrounding whitespace
// (a pasted trailing newline); nullopt when none is given. Read before anything else so it can
// be masked before any other line is printed.
std::optional<Secret> find_api_key(const Flags& flags, const EnvLookup& env);

// Validates and resolves everything; throws rsolv::UsageError with one line saying which input is
// wrong and what to do. Never puts the key in a message.
Inputs resolve_inputs(const Flags& flags, const EnvLookup& env, const std::optional<PullRequestEvent>& event);

}  // namespace rsolv::action
