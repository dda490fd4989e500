#include "rsolv/action/runner.hpp"

#include <memory>
#include <nlohmann/json.hpp>

#include "rsolv/action/output_file.hpp"
#include "rsolv/action/platform_api.hpp"
#include "rsolv/action/privileges.hpp"
#include "rsolv/action/summary.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/report/atomic_file.hpp"

namespace rsolv::action {

namespace {

std::optional<std::string> env_value(const EnvLookup& env, std::string_view name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

// The runner's files, opened (and the event read) before privileges are dropped.
struct RunnerFiles {
  std::unique_ptr<AppendFile> output;
  std::unique_ptr<AppendFile> summary;
  std::optional<PullRequestEvent> event;
  std::optional<std::string> event_error;  // fatal for report only
};

RunnerFiles open_runner_files(const EnvLookup& env) {
  RunnerFiles files;
  if (auto path = env_value(env, "GITHUB_OUTPUT")) files.output = std::make_unique<AppendFile>(*path, "GITHUB_OUTPUT");
  if (auto path = env_value(env, "GITHUB_STEP_SUMMARY")) {
    files.summary = std::make_unique<AppendFile>(*path, "GITHUB_STEP_SUMMARY");
  }
  try {
    files.event = load_pull_request_event(env_value(env, "GITHUB_EVENT_PATH").value_or(""));
  } catch (const UsageError& error) {
    files.event_error = error.what();
  }
  return files;
}

std::string heading(Command command) {
  return command == Command::check ? "RSOLV entitlement check" : "RSOLV fix report";
}

std::string verdict_line(const Outcome& outcome, OnApiError on_api_error) {
  switch (outcome.verdict) {
    case Verdict::success: return (outcome.notice ? "ℹ️ " : "✅ ") + outcome.message;
    case Verdict::api_error:
      return (on_api_error == OnApiError::warn ? "⚠️ " : "❌ ") + outcome.message +
             (on_api_error == OnApiError::warn ? " (continuing: on-api-error is warn)" : "");
    default: return "❌ " + outcome.message;
  }
}

void write_results(const Outcome& outcome, const Inputs& inputs, const RunOptions& options, RunnerFiles& files,
                   Console& console, Random& random) {
  if (files.output) files.output->append(console.redact(format_outputs(outcome.outputs, random)));
  if (files.summary) {
    files.summary->append(console.redact(
        render_summary(heading(inputs.command), verdict_line(outcome, inputs.on_api_error), outcome.rows)));
  }
  if (options.output_file) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const auto& [name, value] : outcome.outputs) object[name] = value;
    report::write_file_atomic(*options.output_file, console.redact(object.dump(2) + "\n"));
  }
}

void print_result(const Outcome& outcome, const Inputs& inputs, Console& console) {
  switch (outcome.verdict) {
    case Verdict::success:
      if (outcome.notice) {
        console.annotate(Level::notice, outcome.title, outcome.message);
      } else {
        console.line("rsolv-action " + std::string(to_string(inputs.command)) + ": " + outcome.message);
      }
      break;
    case Verdict::api_error:
      if (inputs.on_api_error == OnApiError::warn) {
        console.annotate(Level::warning, outcome.title, outcome.message + " (continuing: on-api-error is warn)");
      } else {
        console.annotate(Level::error, outcome.title, outcome.message);
      }
      break;
    case Verdict::refused:
    case Verdict::bad_input: console.annotate(Level::error, outcome.title, outcome.message); break;
  }
  if (!console.actions()) {
    // In a terminal the outputs are the readable result (on a runner they are in the summary).
    for (const auto& [name, value] : outcome.outputs) {
      if (name != "response" && name != "message") console.line("  " + name + ": " + value);
    }
  }
}

}  // namespace

bool on_runner(const EnvLookup& env) { return env("GITHUB_ACTIONS").value_or("") == "true"; }

int run(const RunOptions& options, const EnvLookup& env, Console& console, Clock& clock, Random& random) {
  if (auto key = find_api_key(options.flags, env)) console.protect(*key);
  const auto bad_input = [&](const std::string& message) {
    console.annotate(Level::error, "rsolv-action: bad input", message);
    return kExitBadInput;
  };

  RunnerFiles files;
  std::optional<std::string> dropped;
  try {
    files = open_runner_files(env);
    dropped = drop_privileges(env_value(env, "RSOLV_ACTION_RUN_AS"));
  } catch (const UsageError& error) {
    return bad_input(error.what());
  } catch (const Error& error) {
    console.annotate(Level::error, "rsolv-action failed", error.what());
    return kExitFailed;
  }

  Inputs inputs;
  try {
    inputs = resolve_inputs(options.flags, env, files.event);
  } catch (const UsageError& error) {
    return bad_input(error.what());
  }
  if (inputs.command == Command::report && files.event_error) return bad_input(*files.event_error);
  for (const auto& warning : inputs.warnings) console.annotate(Level::warning, "rsolv-action", warning);

  Outcome outcome;
  if (inputs.command == Command::report && inputs.pr_not_merged) {
    outcome = not_merged(inputs);
  } else {
    const auto path = inputs.command == Command::check ? "GET /api/v1/entitlement" : "POST /api/v1/fix-deployments";
    console.begin_group("RSOLV API: " + std::string(path) + " at " + inputs.api_url);
    if (dropped) console.detail(*dropped);
    auto client = client_options(inputs);
    client.log = [&console](std::string_view line) { console.detail(line); };
    outcome = call_platform(inputs, std::move(client), clock);
    console.end_group();
  }

  try {
    write_results(outcome, inputs, options, files, console, random);
  } catch (const Error& error) {
    print_result(outcome, inputs, console);
    console.annotate(Level::error, "rsolv-action: outputs not written", error.what());
    return kExitFailed;
  }
  print_result(outcome, inputs, console);
  return exit_code(outcome, inputs.on_api_error);
}

}  // namespace rsolv::action
