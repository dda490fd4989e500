#include "support/sandbox.hpp"

#include <chrono>
#include <sstream>
#include <stdexcept>

#include "rsolv/common/random.hpp"

namespace rsolv::action::testing {

namespace {

http::ClientOptions direct_options() {
  http::ClientOptions options;
  options.retry.max_retries = 0;
  options.attempt_timeout = std::chrono::milliseconds(10000);
  return options;
}

}  // namespace

Sandbox::Sandbox() : client_(direct_options()) {}

http::Response Sandbox::call(const std::string& method, const std::string& path, const std::string& key,
                             const std::string& body, const http::Headers& headers) {
  http::Headers all = headers;
  if (!key.empty()) all.emplace_back("x-api-key", key);
  if (!body.empty()) all.emplace_back("Content-Type", "application/json");
  return client_.send({method, url() + path, all, body});
}

nlohmann::json Sandbox::json_call(const std::string& method, const std::string& path, const std::string& key,
                                  const std::string& body, long expected_status) {
  const auto response = call(method, path, key, body);
  if (response.status != expected_status) {
    throw std::runtime_error(method + " " + path + " answered " + std::to_string(response.status) + ": " + response.body);
  }
  return nlohmann::json::parse(response.body);
}

std::string Sandbox::onboard() {
  Random random;
  const auto email = "action-" + random.hex(12) + "@example.com";
  const auto answer = json_call("POST", "/api/v1/customers/onboard", "",
                                nlohmann::json{{"name", "Action Test"}, {"email", email}}.dump(), 201);
  return answer["api_key"].get<std::string>();
}

long long Sandbox::balance(const std::string& key) {
  return json_call("GET", "/api/v1/customers/me", key)["credit_balance"].get<long long>();
}

void Sandbox::drain_credits(const std::string& key) {
  for (auto left = balance(key); left > 0; --left) {
    const nlohmann::json body = {{"github_org", "drain"},
                                 {"repo_name", "credits"},
                                 {"pr_number", ++drained_prs_},
                                 {"commit_sha", "0123456789abcdef0123456789abcdef01234567"}};
    json_call("POST", "/api/v1/fix-deployments", key, body.dump(), 201);
  }
}

nlohmann::json Sandbox::ledger(const std::string& key) {
  return json_call("GET", "/api/v1/credits/transactions", key)["transactions"];
}

int Sandbox::ledger_count(const std::string& key, const std::string& source) {
  int count = 0;
  for (const auto& row : ledger(key)) {
    if (row["source"] == source) ++count;
  }
  return count;
}

double Sandbox::requests_total(const std::string& label_fragment) {
  const auto metrics = call("GET", "/metrics", "").body;
  double total = 0;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("rsolv_sandbox_http_requests_total{") || line.find(label_fragment) == std::string::npos) continue;
    total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

}  // namespace rsolv::action::testing
