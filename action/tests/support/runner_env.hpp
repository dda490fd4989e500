#pragma once
// One step of a GitHub workflow, as the runner sets it up for a container action: every input
// declared in action.yml passed as INPUT_<NAME> (hyphens kept; the declared default, or "" when
// none, unless the step's `with:` sets it), temp files for GITHUB_OUTPUT and GITHUB_STEP_SUMMARY,
// an event payload at GITHUB_EVENT_PATH, and nothing inherited from the test's environment.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/github_output.hpp"
#include "support/sandbox.hpp"

namespace rsolv::action::testing {

struct ActionYml {
  std::map<std::string, std::optional<std::string>> inputs;  // name -> default
  std::vector<std::string> outputs;
};
ActionYml load_action_yml();

// A pull_request event payload ("closed"), merged or not.
nlohmann::json pull_request_event(long long number, bool merged, const std::string& merge_sha = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
                                  const std::string& head_sha = "1111111111111111111111111111111111111111");

struct StepResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string out, err;
  std::string output_file, summary_file;
  ParsedOutputs outputs;
  double seconds = 0;
  std::vector<std::string> out_lines() const;
  std::string output(const std::string& name) const;  // "" when absent
};

class RunnerStep {
 public:
  RunnerStep();
  // `with:` of the step.
  RunnerStep& with(const std::string& input, const std::string& value);
  // Any other environment variable (GITHUB_REPOSITORY is "octo-org/octo-repo" by default).
  RunnerStep& env(const std::string& name, const std::string& value);
  RunnerStep& without_env(const std::string& name);
  RunnerStep& event(const nlohmann::json& payload, const std::string& event_name = "pull_request");
  const std::filesystem::path& dir() const { return dir_->path(); }

  StepResult run(const std::vector<std::string>& args = {},
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(60000));

 private:
  std::unique_ptr<TempDir> dir_;  // a pointer so steps can be returned from helpers
  std::map<std::string, std::string> with_;
  std::map<std::string, std::string> env_;
};

// The binary run as a plain command (no runner environment): env is all it gets.
StepResult run_cli(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(60000));

std::string action_binary();

// Asserts the raw key appears only as the first stdout line's ::add-mask:: (when masked is
// true) and nowhere else: not in the rest of stdout, stderr, the output file, the summary, or
// any extra file given.
void expect_key_never_leaked(const StepResult& result, const std::string& key, bool masked,
                             const std::vector<std::filesystem::path>& extra_files = {});

}  // namespace rsolv::action::testing
