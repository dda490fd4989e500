// rsolv-security: black-box security suites against a deployment of the RSOLV platform.
// Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or run errors.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "rsolv/cli/parse.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/config/duration.hpp"
#include "rsolv/security/rules.hpp"
#include "rsolv/security/runner.hpp"

using namespace rsolv;
using namespace rsolv::security;

int main(int argc, char** argv) {
  CLI::App app{"rsolv-security: PCI, SQL injection, webhook-signature, rate-limit, auth and mass-assignment suites against the RSOLV API"};
  app.set_version_flag("--version", std::string("rsolv-security ") + RSOLV_VERSION);
  app.require_subcommand(1);
  auto* run_cmd = app.add_subcommand("run", "Run suites against a target and write reports");
  std::string target_file, sarif, junit, json, fail_on = "medium", max_duration, preflight_timeout = "5s", request_timeout = "10s", baseline,
      ignore;
  std::vector<std::string> suites, allow_hosts;
  bool quiet = false;
  run_cmd->add_option("--target", target_file, "TARGET.yaml describing the deployment")->required();
  run_cmd->add_option("--suite", suites, "suite to run (repeatable; default all): auth, pci, sqli, webhooks, mass-assignment, rate-limit");
  run_cmd->add_option("--allow-host", allow_hosts, "allow probing this non-loopback host (repeatable)");
  run_cmd->add_option("--fail-on", fail_on, "lowest severity that fails the run: info, low, medium, high, critical")
      ->capture_default_str();
  run_cmd->add_option("--max-duration", max_duration,
                      "bound the whole run (e.g. 30s, 5m): checks left when it is used up are inconclusive");
  run_cmd->add_option("--preflight-timeout", preflight_timeout,
                      "how long the target has to answer the preflight (health) request before exit 2")
      ->capture_default_str();
  run_cmd->add_option("--request-timeout", request_timeout, "how long one probe request may take before it counts as unanswered")
      ->capture_default_str();
  run_cmd->add_option("--baseline", baseline,
                      "an earlier run's SARIF: findings already in it are reported but do not fail the run");
  run_cmd->add_option("--ignore", ignore, "YAML list of accepted findings, each with a reason (docs/security.md)");
  run_cmd->add_option("--sarif", sarif, "write SARIF 2.1.0 here (GitHub code scanning)");
  run_cmd->add_option("--junit", junit, "write JUnit XML here (one test case per check)");
  run_cmd->add_option("--json", json, "write the full results as JSON here");
  run_cmd->add_flag("--quiet,-q", quiet, "print only the summary line");
  auto* list_cmd = app.add_subcommand("list", "List the suites and the rules they report");

  if (const auto exit_code = rsolv::cli::parse(app, argc, argv, "rsolv-security", std::cout, std::cerr)) return *exit_code;
  try {
    if (*list_cmd) {
      for (const auto& name : suite_names()) {
        std::printf("%s\n", name.c_str());
        for (const auto& rule : rules()) {
          if (rule.suite != name) continue;
          std::printf("  %-16.*s %-8.*s %.*s\n", static_cast<int>(rule.id.size()), rule.id.data(),
                      static_cast<int>(to_string(rule.default_severity).size()), to_string(rule.default_severity).data(),
                      static_cast<int>(rule.short_description.size()), rule.short_description.data());
        }
      }
      return 0;
    }
    RunOptions options;
    options.suites = suites;
    options.allow_hosts = allow_hosts;
    options.fail_on = parse_severity(fail_on);
    const auto as_millis = [](const std::string& flag, const std::string& text) {
      const auto value = std::chrono::duration_cast<std::chrono::milliseconds>(config::parse_duration(text));
      if (value.count() <= 0) throw UsageError(flag + " must be positive, got '" + text + "'");
      return value;
    };
    if (!max_duration.empty()) options.max_duration = as_millis("--max-duration", max_duration);
    options.preflight_timeout = as_millis("--preflight-timeout", preflight_timeout);
    options.request_timeout = as_millis("--request-timeout", request_timeout);
    if (!sarif.empty()) options.sarif_file = sarif;
    if (!junit.empty()) options.junit_file = junit;
    if (!json.empty()) options.json_file = json;
    if (!baseline.empty()) options.baseline_file = baseline;
    if (!ignore.empty()) options.ignore_file = ignore;
    options.tool_version = RSOLV_VERSION;
    const bool tty = ::isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr;
    if (tty && !quiet) {
      options.progress = [](std::string_view line) { std::fprintf(stderr, "\r\033[K%.*s", static_cast<int>(line.size()), line.data()); };
    }
    const auto target = load_target(target_file);
    const auto outcome = run_security(target, options);
    if (tty && !quiet) std::fprintf(stderr, "\r\033[K");
    const auto text = render_console(outcome.summary, ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr);
    if (quiet) {
      std::printf("%s", text.substr(text.rfind('\n', text.size() - 2) + 1).c_str());
    } else {
      std::printf("%s", text.c_str());
    }
    return outcome.exit_code;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rsolv-security: error: %s\n", error.what());
    return 2;
  }
}
