#include "rsolv/action/event.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rsolv/common/error.hpp"

namespace rsolv::action {

namespace {

std::optional<std::string> string_at(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  auto value = it->get<std::string>();
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<PullRequestEvent> parse_pull_request_event(std::string_view json_text, std::string_view label) {
  const auto payload = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded() || !payload.is_object()) {
    throw UsageError(std::string(label) + ": the event payload is not a JSON object (GITHUB_EVENT_PATH must point to the runner's event file)");
  }
  const auto pr = payload.find("pull_request");
  if (pr == payload.end() || !pr->is_object()) return std::nullopt;
  const auto number = pr->find("number");
  if (number == pr->end() || !number->is_number_integer() || number->get<long long>() < 1) {
    throw UsageError(std::string(label) + ": pull_request.number is missing or not a positive integer (set the pr-number input)");
  }
  PullRequestEvent event;
  event.number = number->get<long long>();
  const auto merged = pr->find("merged");
  event.merged = merged != pr->end() && merged->is_boolean() && merged->get<bool>();
  event.state = string_at(*pr, "state").value_or("");
  event.merge_commit_sha = string_at(*pr, "merge_commit_sha");
  event.merged_at = string_at(*pr, "merged_at");
  if (const auto head = pr->find("head"); head != pr->end() && head->is_object()) {
    event.head_sha = string_at(*head, "sha");
  }
  return event;
}

std::optional<PullRequestEvent> load_pull_request_event(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw UsageError("cannot read the event payload " + path + " (GITHUB_EVENT_PATH); unset it or point it to a readable file");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return parse_pull_request_event(text.str(), path);
}

}  // namespace rsolv::action
