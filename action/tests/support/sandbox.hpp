#pragma once
// A real rsolv-sandbox for the action's tests (seeded, temp SQLite file, free loopback port; its
// access log and stderr kept so tests can prove no key reached them), with the calls they set up
// and inspect state with.
#include <nlohmann/json.hpp>
#include <string>

#include "rsolv/http/client.hpp"
#include "rsolv/sandbox/testing/sandbox_process.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace rsolv::action::testing {

using rsolv::testing::read_file;
using rsolv::testing::TempDir;
using rsolv::testing::write_file;

class Sandbox : public rsolv::sandbox::testing::SandboxProcess {
 public:
  Sandbox();

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
  http::Client client_;
  int drained_prs_ = 0;
};

}  // namespace rsolv::action::testing
