#pragma once
// Starts the real rsolv-sandbox binary (seeded, temp SQLite file, free loopback port) through
// rsolv::process::ServerProcess, and offers the calls the integration tests make.
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http_test_client.hpp"
#include "rsolv/process/server.hpp"

namespace rsolv::sandbox::testing {

// A temporary directory removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string sandbox_binary();

struct SandboxOptions {
  bool seed = true;
  std::vector<std::string> extra_args;                         // appended to `serve ...`
  std::vector<std::pair<std::string, std::string>> env;        // for the server process
  bool pass_secret_flag = true;                                // false: only RSOLV_WEBHOOK_SECRET
  std::string rate_limit_api = "100000/3600";                  // tests that count use their own
  std::string rate_limit_onboard = "100000/3600";
  std::string threads = "2";
};

class Sandbox {
 public:
  explicit Sandbox(SandboxOptions options = {});
  ~Sandbox();

  int port() const { return server_->port(); }
  std::string url() const { return server_->base_url(); }
  process::ServerProcess& process() { return *server_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path db_path() const { return dir_.path() / "sandbox.db"; }
  std::filesystem::path keys_path() const { return dir_.path() / "keys.json"; }
  std::filesystem::path access_log_path() const { return dir_.path() / "access.log"; }
  std::filesystem::path stderr_path() const { return dir_.path() / "stderr.txt"; }
  const std::string& secret() const { return secret_; }

  // The API key of a seeded state ("pro_active", "payg", ...).
  std::string key(const std::string& state) const;
  std::optional<std::string> stripe_customer(const std::string& state) const;

  // One request on a fresh connection of this thread's own.
  Reply get(const std::string& target, const std::string& api_key = {}, const HeaderList& headers = {});
  Reply post(const std::string& target, const std::string& body, const std::string& api_key = {},
             const HeaderList& headers = {});
  Reply del(const std::string& target, const std::string& api_key = {});
  Reply send(const std::string& method, const std::string& target, const std::string& body,
             const std::string& api_key, const HeaderList& headers);

  // Onboards a new customer and returns its raw key.
  std::string onboard(const std::string& email_hint = "user");
  // Adds pm_card_visa (or another token) to a customer; returns the reply.
  Reply add_billing(const std::string& api_key, const std::string& payment_method = "pm_card_visa");
  nlohmann::json me(const std::string& api_key);

  // Signs with the server's secret at `timestamp` (default: now) and posts to the webhook route.
  Reply webhook(const std::string& payload, std::optional<std::int64_t> timestamp = std::nullopt);
  std::string sign(const std::string& payload, std::optional<std::int64_t> timestamp = std::nullopt) const;

 private:
  TempDir dir_;
  std::string secret_;
  nlohmann::json keys_;
  std::unique_ptr<process::ServerProcess> server_;
};

// A Stripe event envelope around `object`.
std::string stripe_event(const std::string& id, const std::string& type, const nlohmann::json& object);
// An invoice for `customer` whose one line has `pricing.price_details.price` = price.
nlohmann::json pro_invoice(const std::string& customer, const std::string& price = "price_pro_monthly");
std::string unique_id(const std::string& prefix);
std::int64_t unix_now();

}  // namespace rsolv::sandbox::testing
