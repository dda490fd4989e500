#pragma once
// A flawless but hostile target: a loopback proxy in front of the real rsolv-sandbox (which
// implements the platform contract correctly) that makes every answer as awkward for a scanner
// as a correct API may be:
//   - echoes its input: every JSON answer gets {"echo": {"target": "<path?query as sent>",
//     "fields": {<the request body's string fields>}}} (payment routes excepted: a flawless
//     payment API returns tokens only);
//   - random tokens and numbers in every answer ("request_id", "server_time_ms");
//   - jitter: 0-40 ms before every answer;
//   - load shedding: about one request in 50 gets 429 with Retry-After: 1 and no rate-limit
//     headers, before it reaches the sandbox (never the health route);
//   - a generic 500 {"error":"internal_error"} for a body that is not JSON.
// Requests reach the sandbox from the client's own loopback address, so per-IP limits still see
// the prober's 127.0.0.2/127.0.0.3.
#include <atomic>
#include <mutex>
#include <random>
#include <string>

#include "rsolv/testing/scripted_server.hpp"

namespace rsolv::security::testing {

class HostileProxy {
 public:
  explicit HostileProxy(std::string upstream_base_url);
  std::string base_url() const { return server_.base_url(); }
  std::size_t shed_count() const { return shed_; }
  std::size_t bad_json_count() const { return bad_json_; }
  std::size_t request_count() const { return server_.request_count(); }

 private:
  rsolv::testing::Action answer(const rsolv::testing::RecordedRequest& request);
  int random_below(int bound);

  std::string upstream_;
  std::mutex random_mutex_;
  std::mt19937 random_{std::random_device{}()};
  std::atomic<std::size_t> shed_{0}, bad_json_{0};
  rsolv::testing::ScriptedServer server_;  // last: its threads use the members above
};

}  // namespace rsolv::security::testing
