#include "rsolv/action/inputs.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "rsolv/common/error.hpp"
#include "rsolv/common/strings.hpp"
#include "rsolv/http/url.hpp"

namespace rsolv::action {

namespace {

std::optional<std::string> non_empty(std::optional<std::string> value) {
  if (!value) return std::nullopt;
  auto trimmed = std::string(trim(*value));
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

// Flag, then the runner's input, then an RSOLV_* variable (if any).
std::optional<std::string> pick(const std::optional<std::string>& flag, const EnvLookup& env, std::string_view input,
                                std::string_view fallback_env = {}) {
  if (auto value = non_empty(flag)) return value;
  if (auto value = read_input(env, input)) return value;
  if (!fallback_env.empty()) return non_empty(env(fallback_env));
  return std::nullopt;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 100) return false;
  for (const char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

long long integer_input(const std::optional<std::string>& text, std::string_view input, long long low, long long high,
                        long long fallback) {
  if (!text) return fallback;
  const auto value = parse_integer(*text);
  if (!value || *value < low || *value > high) {
    throw UsageError("input " + std::string(input) + " is '" + text->substr(0, 40) + "': use a whole number from " +
                     std::to_string(low) + " to " + std::to_string(high));
  }
  return *value;
}

// Checks "http(s)://host[:port][/path]", returns it without trailing slashes; may add a warning.
std::string validate_api_url(const std::string& url, std::vector<std::string>& warnings) {
  const bool https = url.starts_with("https://");
  const bool http = url.starts_with("http://");
  const auto host_begin = https ? 8u : 7u;
  const bool bad_char = url.find_first_of(" \t?#@\\") != std::string::npos;
  if ((!https && !http) || bad_char || url.size() <= host_begin || url[host_begin] == '/') {
    // Credentials in the URL are one reason to refuse it, so they must not show in the refusal.
    throw UsageError("input api-url is '" + http::redact_userinfo(url).substr(0, 80) +
                     "': use an http(s) base URL without query or credentials, e.g. " + kDefaultApiUrl);
  }
  std::string cleaned = url;
  while (cleaned.size() > host_begin + 1 && cleaned.back() == '/') cleaned.pop_back();
  auto host_end = cleaned.find('/', host_begin);
  auto authority = cleaned.substr(host_begin, host_end == std::string::npos ? std::string::npos : host_end - host_begin);
  std::string host = authority;
  if (!authority.starts_with("[")) host = authority.substr(0, authority.find(':'));
  else host = authority.substr(1, authority.find(']') - 1);  // without brackets, as Url::host
  if (http && !http::is_loopback_host(host)) {
    warnings.push_back("api-url " + cleaned +
                       " is plain http to a non-loopback host: the API key travels unencrypted; use https");
  }
  return cleaned;
}

bool is_hex(std::string_view text) {
  for (const char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

std::string_view to_string(Command command) { return command == Command::check ? "check" : "report"; }

std::string input_env_name(std::string_view input) {
  std::string name = "INPUT_";
  for (const char c : input) {
    name += c == ' ' ? '_' : ascii_upper(c);
  }
  return name;
}

std::optional<std::string> read_input(const EnvLookup& env, std::string_view input) {
  const auto name = input_env_name(input);
  if (auto value = non_empty(env(name))) return value;
  std::string underscored = name;
  for (auto& c : underscored) {
    if (c == '-') c = '_';
  }
  if (underscored != name) return non_empty(env(underscored));
  return std::nullopt;
}

std::optional<Secret> find_api_key(const Flags& flags, const EnvLookup& env) {
  if (auto value = pick(flags.api_key, env, "api-key", "RSOLV_API_KEY")) return Secret(std::move(*value));
  return std::nullopt;
}

namespace {

Command parse_command(const std::optional<std::string>& command) {
  if (!command) {
    throw UsageError("no command given: run `rsolv-action check` or `rsolv-action report` (in a workflow: `with: command: check`)");
  }
  if (*command == "check") return Command::check;
  if (*command == "report") return Command::report;
  // Echo only what looks like a mistyped word; a pasted key must never be printed.
  const bool wordlike = command->size() <= 20 && command->find("rsolv_") == std::string::npos &&
                        command->find_first_not_of("abcdefghijklmnopqrstuvwxyz-_") == std::string::npos;
  throw UsageError("unknown command" + (wordlike ? " '" + *command + "'" : std::string()) +
                   ": use `check` (before RSOLV runs) or `report` (when a fix PR is merged)");
}

Secret required_api_key(const Flags& flags, const EnvLookup& env) {
  auto key = find_api_key(flags, env);
  if (!key) {
    throw UsageError("the api-key input is empty: pass `api-key: ${{ secrets.RSOLV_API_KEY }}` (secrets are not given to "
                     "workflows run from forks), or set RSOLV_API_KEY outside Actions");
  }
  for (const char c : key->reveal()) {
    if (c < 0x21 || c > 0x7e) {
      throw UsageError("the api-key holds spaces or control characters: store the key alone, as shown once at onboarding");
    }
  }
  if (key->reveal().size() > 512) throw UsageError("the api-key is longer than 512 characters: store the RSOLV key alone");
  return std::move(*key);
}

OnApiError parse_on_api_error(const std::string& on_error) {
  if (on_error == "fail") return OnApiError::fail;
  if (on_error == "warn") return OnApiError::warn;
  throw UsageError("input on-api-error is '" + on_error.substr(0, 40) + "': use `fail` or `warn`");
}

// "owner/name" into repository, github_org and repo_name.
void set_repository(Inputs& inputs, const std::string& repository) {
  const auto slash = repository.find('/');
  if (slash == std::string::npos || !valid_name(repository.substr(0, slash)) || !valid_name(repository.substr(slash + 1))) {
    throw UsageError("input repository is '" + repository.substr(0, 120) +
                     "': use owner/name, e.g. octo-org/octo-repo (letters, digits, '-', '_', '.')");
  }
  inputs.repository = repository;
  inputs.github_org = repository.substr(0, slash);
  inputs.repo_name = repository.substr(slash + 1);
}

// PR number, commit and merge time: inputs first, then the event when it describes that PR, then GITHUB_SHA.
// Returns whether the event is the reported PR.
bool resolve_pull_request(Inputs& inputs, const Flags& flags, const EnvLookup& env,
                          const std::optional<PullRequestEvent>& event) {
  if (auto pr = pick(flags.pr_number, env, "pr-number")) {
    inputs.pr_number = integer_input(pr, "pr-number", 1, 2147483647, 0);
  } else if (event) {
    inputs.pr_number = event->number;
  }
  // The payload describes the reported PR: its merge commit and merge time apply.
  const bool event_is_this_pr = event && inputs.pr_number && *inputs.pr_number == event->number;

  std::optional<std::string> commit = pick(flags.commit_sha, env, "commit-sha");
  if (!commit && event_is_this_pr) commit = event->merged ? (event->merge_commit_sha ? event->merge_commit_sha : event->head_sha) : event->head_sha;
  if (!commit) commit = non_empty(env("GITHUB_SHA"));
  if (commit) {
    if (commit->size() < 7 || commit->size() > 64 || !is_hex(*commit)) {
      throw UsageError("input commit-sha is '" + commit->substr(0, 70) + "': use the merge commit's SHA (7 to 64 hex digits)");
    }
    *commit = to_lower(*commit);
    inputs.commit_sha = commit;
  }
  if (event_is_this_pr && event->merged) inputs.merged_at = event->merged_at;
  return event_is_this_pr;
}

// A report bills a merged PR: it needs the repository, the PR and the merge commit, unless the
// event says the PR was closed unmerged (then nothing will be billed).
void check_report_inputs(Inputs& inputs, const std::optional<PullRequestEvent>& event, bool event_is_this_pr) {
  if (event_is_this_pr && !event->merged) {
    inputs.pr_not_merged = true;
    inputs.pr_state = event->state.empty() ? "open" : event->state;
    return;
  }
  if (inputs.repository.empty()) {
    throw UsageError("report needs the repository: set the repository input (owner/name) or GITHUB_REPOSITORY");
  }
  if (!inputs.pr_number) {
    throw UsageError("report needs the merged PR's number: run it on `pull_request: closed` or set the pr-number input");
  }
  if (!inputs.commit_sha) {
    throw UsageError("report needs the merge commit: set the commit-sha input (or GITHUB_SHA)");
  }
}

}  // namespace

Inputs resolve_inputs(const Flags& flags, const EnvLookup& env, const std::optional<PullRequestEvent>& event) {
  Inputs inputs;
  inputs.command = parse_command(pick(flags.command, env, "command"));
  inputs.api_key = required_api_key(flags, env);
  inputs.api_url = validate_api_url(pick(flags.api_url, env, "api-url", "RSOLV_API_URL").value_or(kDefaultApiUrl),
                                    inputs.warnings);
  inputs.on_api_error = parse_on_api_error(pick(flags.on_api_error, env, "on-api-error").value_or("fail"));
  inputs.timeout_seconds = static_cast<int>(
      integer_input(pick(flags.timeout_seconds, env, "timeout-seconds"), "timeout-seconds", 1, 600, kDefaultTimeoutSeconds));
  inputs.max_retries =
      static_cast<int>(integer_input(pick(flags.max_retries, env, "max-retries"), "max-retries", 0, 10, kDefaultMaxRetries));
  if (auto repository = pick(flags.repository, env, "repository", "GITHUB_REPOSITORY")) set_repository(inputs, *repository);
  const bool event_is_this_pr = resolve_pull_request(inputs, flags, env, event);
  if (inputs.command == Command::report) check_report_inputs(inputs, event, event_is_this_pr);
  return inputs;
}

}  // namespace rsolv::action
