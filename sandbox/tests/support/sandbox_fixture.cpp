#include "sandbox_fixture.hpp"

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <stdexcept>

#include "rsolv/common/random.hpp"
#include "rsolv/common/secret.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::sandbox::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rsolv-sandbox-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string sandbox_binary() { return std::string(RSOLV_BIN_DIR) + "/rsolv-sandbox"; }

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string unique_id(const std::string& prefix) {
  static std::atomic<int> counter{0};
  thread_local Random random;
  return prefix + random.base62(16) + std::to_string(counter.fetch_add(1));
}

Sandbox::Sandbox(SandboxOptions options) : secret_("whsec_test_" + Random().base62(24)) {
  const auto db = db_path().string();
  if (options.seed) {
    const auto seeded = process::run(sandbox_binary(), {"seed", "--db", db, "--out", keys_path().string()});
    if (seeded.exit_code != 0) throw std::runtime_error("rsolv-sandbox seed failed: " + seeded.err);
    std::ifstream in(keys_path());
    keys_ = nlohmann::json::parse(in);
  }
  process::ServerOptions server;
  server.executable = sandbox_binary();
  server.args = {"serve", "--listen", "127.0.0.1:0", "--db", db, "--threads", options.threads,
                 "--access-log", access_log_path().string()};
  // Empty: the server's defaults (10/3600 onboarding, 500/3600 per key).
  if (!options.rate_limit_api.empty()) {
    server.args.insert(server.args.end(), {"--rate-limit-api", options.rate_limit_api});
  }
  if (!options.rate_limit_onboard.empty()) {
    server.args.insert(server.args.end(), {"--rate-limit-onboard", options.rate_limit_onboard});
  }
  if (options.pass_secret_flag) {
    server.args.push_back("--webhook-secret");
    server.args.push_back(secret_);
  } else {
    server.env.emplace_back("RSOLV_WEBHOOK_SECRET", secret_);
  }
  for (const auto& arg : options.extra_args) server.args.push_back(arg);
  for (const auto& pair : options.env) server.env.push_back(pair);
  server.ready_by = process::ReadyBy::first_stdout_line;
  server.stdout_file = (dir_.path() / "stdout.txt").string();
  server.stderr_file = stderr_path().string();
  server_ = std::make_unique<process::ServerProcess>(process::ServerProcess::start(server));
}

Sandbox::~Sandbox() = default;

std::string Sandbox::key(const std::string& state) const {
  for (const auto& customer : keys_.at("customers")) {
    if (customer.at("state") == state) return customer.at("api_key");
  }
  throw std::runtime_error("no seeded state " + state);
}

std::optional<std::string> Sandbox::stripe_customer(const std::string& state) const {
  for (const auto& customer : keys_.at("customers")) {
    if (customer.at("state") == state) {
      if (customer.at("stripe_customer_id").is_null()) return std::nullopt;
      return customer.at("stripe_customer_id").get<std::string>();
    }
  }
  throw std::runtime_error("no seeded state " + state);
}

Reply Sandbox::send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& api_key, const HeaderList& headers) {
  HttpConnection connection(port());
  HeaderList all = headers;
  if (!api_key.empty()) all.emplace_back("x-api-key", api_key);
  return connection.send(method, target, body, all);
}

Reply Sandbox::get(const std::string& target, const std::string& api_key, const HeaderList& headers) {
  return send("GET", target, {}, api_key, headers);
}

Reply Sandbox::post(const std::string& target, const std::string& body, const std::string& api_key,
                    const HeaderList& headers) {
  return send("POST", target, body, api_key, headers);
}

Reply Sandbox::del(const std::string& target, const std::string& api_key) { return send("DELETE", target, {}, api_key, {}); }

std::string Sandbox::onboard(const std::string& email_hint) {
  const auto reply = post("/api/v1/customers/onboard",
                          nlohmann::json{{"name", "Test " + email_hint},
                                         {"email", unique_id(email_hint + "-") + "@example.com"}}
                              .dump());
  if (reply.status != 201) throw std::runtime_error("onboard failed: " + std::to_string(reply.status) + " " + reply.body);
  return reply.json().at("api_key");
}

Reply Sandbox::add_billing(const std::string& api_key, const std::string& payment_method) {
  return post("/api/v1/billing/payment-methods",
              nlohmann::json{{"payment_method", payment_method}, {"billing_consent", true}}.dump(), api_key);
}

nlohmann::json Sandbox::me(const std::string& api_key) {
  const auto reply = get("/api/v1/customers/me", api_key);
  if (reply.status != 200) throw std::runtime_error("me failed: " + reply.body);
  return reply.json();
}

std::string Sandbox::sign(const std::string& payload, std::optional<std::int64_t> timestamp) const {
  return stripe::sign(Secret(secret_), timestamp.value_or(unix_now()), payload);
}

Reply Sandbox::webhook(const std::string& payload, std::optional<std::int64_t> timestamp) {
  return post("/api/webhooks/stripe", payload, {}, {{"Stripe-Signature", sign(payload, timestamp)}});
}

std::string stripe_event(const std::string& id, const std::string& type, const nlohmann::json& object) {
  return nlohmann::json{{"id", id},
                        {"object", "event"},
                        {"api_version", "2025-10-29.clover"},
                        {"created", unix_now()},
                        {"livemode", false},
                        {"pending_webhooks", 1},
                        {"request", {{"id", nullptr}, {"idempotency_key", nullptr}}},
                        {"type", type},
                        {"data", {{"object", object}}}}
      .dump();
}

nlohmann::json pro_invoice(const std::string& customer, const std::string& price) {
  return {{"id", unique_id("in_")},
          {"object", "invoice"},
          {"customer", customer},
          {"billing_reason", "subscription_cycle"},
          {"amount_paid", 59900},
          {"lines",
           {{"object", "list"},
            {"data",
             nlohmann::json::array({{{"id", unique_id("il_")},
                                     {"object", "line_item"},
                                     {"amount", 59900},
                                     {"pricing", {{"type", "price_details"}, {"price_details", {{"price", price}}}}}}})}}}};
}

}  // namespace rsolv::sandbox::testing
