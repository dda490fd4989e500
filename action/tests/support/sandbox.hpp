#pragma once
// A real rsolv-sandbox for the action's tests: seeded, temp SQLite file, free loopback port,
// access log and stderr kept so tests can prove no key reached them.
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "rsolv/http/client.hpp"
#include "rsolv/process/server.hpp"

namespace rsolv::action::testing {

// A temporary directory, removed with its contents.
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

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

class Sandbox {
 public:
  Sandbox();
  std::string url() const { return server_->base_url(); }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path access_log() const { return dir_.path() / "access.log"; }
  std::filesystem::path stderr_log() const { return dir_.path() / "sandbox.err"; }

  // The raw key of a seeded state ("trial_no_billing", "payg", "pro_active", ...).
  std::string key(const std::string& state) const;

  // A direct call (no retries), for setting up and inspecting state.
  http::Response call(const std::string& method, const std::string& path, const std::string& key,
                      const std::string& body = {}, const http::Headers& headers = {});
  nlohmann::json json_call(const std::string& method, const std::string& path, const std::string& key,
                           const std::string& body = {}, long expected_status = 200);

  // Onboards a new customer; returns its key.
  std::string onboard();
  // Uses up every credit by reporting merged PRs of a throw-away repository.
  void drain_credits(const std::string& key);
  long long balance(const std::string& key);
  // Ledger rows (newest first) and counts by source.
  nlohmann::json ledger(const std::string& key);
  int ledger_count(const std::string& key, const std::string& source);
  // Sum of rsolv_sandbox_http_requests_total samples whose labels contain `label_fragment`.
  double requests_total(const std::string& label_fragment);

 private:
  TempDir dir_;
  std::unique_ptr<process::ServerProcess> server_;
  nlohmann::json keys_;
  http::Client client_;
  int drained_prs_ = 0;
};

}  // namespace rsolv::action::testing
