// rsolv-action: the RSOLV GitHub Action's binary. Parses flags and hands over to the library.
#include <CLI/CLI.hpp>
#include <iostream>

#include "rsolv/action/console.hpp"
#include "rsolv/action/runner.hpp"
#include "rsolv/cli/parse.hpp"
#include "rsolv/common/clock.hpp"
#include "rsolv/common/random.hpp"

namespace {

// Keys given as --api-key, found before parsing so that even a parse error cannot print one.
std::vector<rsolv::Secret> keys_in_argv(int argc, char** argv) {
  std::vector<rsolv::Secret> keys;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--api-key" && i + 1 < argc) keys.emplace_back(argv[i + 1]);
    if (arg.starts_with("--api-key=")) keys.emplace_back(std::string(arg.substr(10)));
  }
  return keys;
}

}  // namespace

int main(int argc, char** argv) {
  namespace action = rsolv::action;
  const auto env = action::process_env();
  action::Console console(std::cout, std::cerr, action::on_runner(env));
  if (auto key = action::find_api_key({}, env)) console.protect(*key);
  for (const auto& key : keys_in_argv(argc, argv)) console.protect(key);

  CLI::App app{
      "rsolv-action: check RSOLV entitlement before spending credits, or report a merged fix PR for billing "
      "(exactly once).\nOn a GitHub runner every input comes from INPUT_* (action.yml); each also works as a flag.",
      "rsolv-action"};
  app.set_version_flag("--version", RSOLV_VERSION);
  action::RunOptions options;
  auto& flags = options.flags;
  bool verbose = false;
  app.add_option("command", flags.command, "check | report (default: the command input)");
  app.add_option("--api-key", flags.api_key, "RSOLV API key (prefer the RSOLV_API_KEY variable: flags show in ps)");
  app.add_option("--api-url", flags.api_url, "RSOLV API base URL (default https://api.rsolv.dev, or RSOLV_API_URL)");
  app.add_option("--repository", flags.repository, "owner/name (default GITHUB_REPOSITORY)");
  app.add_option("--pr-number", flags.pr_number, "merged PR number (default: the pull_request event's)");
  app.add_option("--commit-sha", flags.commit_sha, "merge commit SHA (default: the event's merge commit, or GITHUB_SHA)");
  app.add_option("--on-api-error", flags.on_api_error, "fail | warn: what an unreachable or failing API does (default fail)");
  app.add_option("--timeout-seconds", flags.timeout_seconds, "total time for the call, retries included (default 30)");
  app.add_option("--max-retries", flags.max_retries, "retries on network errors, 5xx and 429 (default 3)");
  app.add_option("--output", options.output_file, "also write the outputs to FILE as a JSON object");
  app.add_flag("-v,--verbose", verbose, "print each HTTP attempt to stderr");
  app.footer(
      "Exit codes: 0 entitled / reported / nothing to bill, 1 not entitled, payment required or API error,\n"
      "2 bad input. See docs/action.md.");

  const auto bad_input = [&console](const std::string& message) {
    console.annotate(action::Level::error, "rsolv-action: bad input", message);
  };
  if (const auto exit_code = rsolv::cli::parse(app, argc, argv, "rsolv-action", std::cout, bad_input)) {
    return *exit_code;
  }
  console.set_verbose(verbose);
  rsolv::Random random;
  return action::run(options, env, console, rsolv::SystemClock::instance(), random);
}
