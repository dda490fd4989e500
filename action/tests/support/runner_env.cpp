#include "support/runner_env.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "rsolv/process/server.hpp"

namespace rsolv::action::testing {

std::string action_binary() { return std::string(RSOLV_BIN_DIR) + "/rsolv-action"; }

ActionYml load_action_yml() {
  const auto root = YAML::LoadFile(std::string(RSOLV_SOURCE_DIR) + "/action.yml");
  ActionYml yml;
  for (const auto& input : root["inputs"]) {
    std::optional<std::string> fallback;
    if (input.second["default"]) fallback = input.second["default"].as<std::string>();
    yml.inputs[input.first.as<std::string>()] = fallback;
  }
  for (const auto& output : root["outputs"]) yml.outputs.push_back(output.first.as<std::string>());
  return yml;
}

nlohmann::json pull_request_event(long long number, bool merged, const std::string& merge_sha,
                                  const std::string& head_sha) {
  nlohmann::json pr = {{"number", number},
                       {"state", "closed"},
                       {"merged", merged},
                       {"merge_commit_sha", merge_sha},
                       {"merged_at", merged ? nlohmann::json("2025-11-20T10:00:00Z") : nlohmann::json(nullptr)},
                       {"head", {{"sha", head_sha}, {"ref", "rsolv/fix-sqli"}}},
                       {"base", {{"ref", "main"}}}};
  return {{"action", "closed"}, {"number", number}, {"pull_request", pr},
          {"repository", {{"full_name", "octo-org/octo-repo"}}}};
}

std::vector<std::string> StepResult::out_lines() const {
  std::vector<std::string> lines;
  std::istringstream stream(out);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

std::string StepResult::output(const std::string& name) const {
  const auto it = outputs.values.find(name);
  return it == outputs.values.end() ? std::string() : it->second;
}

RunnerStep::RunnerStep() : dir_(std::make_unique<TempDir>()) {
  env_ = {{"GITHUB_ACTIONS", "true"},
          {"CI", "true"},
          {"GITHUB_REPOSITORY", "octo-org/octo-repo"},
          {"GITHUB_SHA", "2222222222222222222222222222222222222222"},
          {"GITHUB_WORKSPACE", dir_->path().string()},
          {"HOME", dir_->path().string()},
          {"GITHUB_OUTPUT", (dir_->path() / "set_output").string()},
          {"GITHUB_STEP_SUMMARY", (dir_->path() / "step_summary").string()}};
  // The runner creates both files before the step starts.
  write_file(dir_->path() / "set_output", "");
  write_file(dir_->path() / "step_summary", "");
}

RunnerStep& RunnerStep::with(const std::string& input, const std::string& value) {
  with_[input] = value;
  return *this;
}

RunnerStep& RunnerStep::env(const std::string& name, const std::string& value) {
  env_[name] = value;
  return *this;
}

RunnerStep& RunnerStep::without_env(const std::string& name) {
  env_.erase(name);
  return *this;
}

RunnerStep& RunnerStep::event(const nlohmann::json& payload, const std::string& event_name) {
  const auto path = dir_->path() / "event.json";
  write_file(path, payload.dump(2));
  env_["GITHUB_EVENT_PATH"] = path.string();
  env_["GITHUB_EVENT_NAME"] = event_name;
  return *this;
}

namespace {

StepResult finish(const process::CommandResult& run, double seconds) {
  StepResult result;
  result.exit_code = run.exit_code;
  result.timed_out = run.timed_out;
  result.out = run.out;
  result.err = run.err;
  result.seconds = seconds;
  return result;
}

}  // namespace

StepResult RunnerStep::run(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::pair<std::string, std::string>> env(env_.begin(), env_.end());
  for (const auto& [name, fallback] : load_action_yml().inputs) {
    std::string input_name = "INPUT_";
    for (const char c : name) input_name += c == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto given = with_.find(name);
    env.emplace_back(input_name, given != with_.end() ? given->second : fallback.value_or(""));
  }
  for (const auto& [name, value] : with_) {
    if (!load_action_yml().inputs.contains(name)) ADD_FAILURE() << "the step sets input '" << name << "' that action.yml does not declare";
  }
  const auto started = std::chrono::steady_clock::now();
  const auto run = process::run(action_binary(), args, env, timeout, {}, /*clear_env=*/true);
  auto result = finish(run, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  result.output_file = read_file(dir_->path() / "set_output");
  result.summary_file = read_file(dir_->path() / "step_summary");
  result.outputs = parse_github_output(result.output_file);
  return result;
}

StepResult run_cli(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env,
                   std::chrono::milliseconds timeout) {
  const auto started = std::chrono::steady_clock::now();
  const auto run = process::run(action_binary(), args, env, timeout, {}, /*clear_env=*/true);
  return finish(run, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

void expect_key_never_leaked(const StepResult& result, const std::string& key, bool masked,
                             const std::vector<std::filesystem::path>& extra_files) {
  ASSERT_GE(key.size(), 20u);
  auto out = result.out;
  if (masked) {
    const auto mask_line = "::add-mask::" + key + "\n";
    ASSERT_TRUE(out.starts_with(mask_line)) << "the first stdout line must mask the key; stdout:\n" << result.out;
    out = out.substr(mask_line.size());
  }
  EXPECT_EQ(out.find(key), std::string::npos) << "key in stdout";
  EXPECT_EQ(result.err.find(key), std::string::npos) << "key in stderr";
  EXPECT_EQ(result.output_file.find(key), std::string::npos) << "key in GITHUB_OUTPUT";
  EXPECT_EQ(result.summary_file.find(key), std::string::npos) << "key in GITHUB_STEP_SUMMARY";
  for (const auto& file : extra_files) {
    EXPECT_EQ(read_file(file).find(key), std::string::npos) << "key in " << file;
  }
}

}  // namespace rsolv::action::testing
