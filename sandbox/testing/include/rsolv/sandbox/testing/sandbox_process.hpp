#pragma once
// The real rsolv-sandbox binary for integration tests: a temp SQLite file (seeded unless told
// otherwise), a free loopback port, its access log and output kept in its own temp directory,
// all stopped and removed with the object. The component suites wrap it with their own calls.
// Owned by the sandbox (CMake target rsolv_sandbox_testing, built with the tests), so its command
// line and keys file change together with the server's.
//
//   rsolv::sandbox::testing::SandboxProcess sandbox;   // seeded and answering once constructed
//   ... GET sandbox.url() + "/api/v1/entitlement" with x-api-key: sandbox.key("pro_active") ...
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rsolv/process/server.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace rsolv::sandbox::testing {

// <build>/bin/rsolv-sandbox. rsolv_sandbox_testing is compiled with the build's RSOLV_BIN_DIR, as every
// rsolv_test is, so no suite passes the path; the library depends on the rsolv-sandbox target, so
// every suite that links it gets the binary built first.
std::string sandbox_binary();

struct SandboxOptions {
  bool seed = true;  // run `seed` first and read keys.json back (key(), stripe_customer())
  std::string webhook_secret;  // empty: a random whsec_test_...
  // false: the secret only in RSOLV_WEBHOOK_SECRET. The flag is the default because
  // ServerOptions::env trips a Boost.Process 1.74 bug under ASan.
  bool pass_secret_flag = true;
  // High enough that tests which do not count requests never meet them; empty: the server's
  // defaults (500/3600 per key, 10/3600 onboarding).
  std::string rate_limit_api = "100000/3600";
  std::string rate_limit_onboard = "100000/3600";
  std::string threads = "2";
  bool access_log = true;                                // --access-log access_log_path()
  std::vector<std::string> extra_args;                   // appended to `serve ...`
  std::vector<std::pair<std::string, std::string>> env;  // added to the server's environment
  // Ready once the address line is printed; when set, also once this GET path answers 200.
  std::optional<std::string> health_path;
};

class SandboxProcess {
 public:
  // Throws when seeding fails or the server does not become ready (with the tail of its stderr).
  explicit SandboxProcess(SandboxOptions options = {});
  ~SandboxProcess();
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;

  std::string url() const { return server_->base_url(); }  // "http://127.0.0.1:PORT"
  int port() const { return server_->port(); }
  process::ServerProcess& process() { return *server_; }
  const std::string& secret() const { return secret_; }

  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path db_path() const { return dir() / "sandbox.db"; }
  std::filesystem::path keys_path() const { return dir() / "keys.json"; }
  std::filesystem::path access_log_path() const { return dir() / "access.log"; }
  std::filesystem::path stdout_path() const { return dir() / "stdout.txt"; }  // after the address line
  std::filesystem::path stderr_path() const { return dir() / "stderr.txt"; }

  // keys.json as the seed wrote it (null when not seeded).
  const nlohmann::json& keys() const { return keys_; }
  // The raw API key of a seeded state ("trial_no_billing", "payg", "pro_active", ...).
  std::string key(const std::string& state) const;
  // Its cus_ id, or nullopt for a state without one.
  std::optional<std::string> stripe_customer(const std::string& state) const;

 private:
  const nlohmann::json& seeded_customer(const std::string& state) const;

  rsolv::testing::TempDir dir_;  // declared first: removed after the server has stopped
  std::string secret_;
  nlohmann::json keys_;
  std::unique_ptr<process::ServerProcess> server_;
};

}  // namespace rsolv::sandbox::testing
