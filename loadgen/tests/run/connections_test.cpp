// 10,000 concurrent keep-alive connections from one rsolv-loadgen process to one local server,
// without a failed request (the binary raises its own descriptor limit).
#include <gtest/gtest.h>

#include "delay_server.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;

TEST(Connections, TenThousandConcurrentConnectionsRunWithoutErrors) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("10k.yaml", R"(
name: ten-thousand
scenarios:
  crowd:
    executor: constant-vus
    vus: 10000
    duration: 4s
    flow:
      - url: )" + server.base_url() + R"(/
        timeout: 20s
        sleep: 1s
)");
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--quiet", "--threads", "2"},
                              std::chrono::seconds(90));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto summary = read_json(dir.file("s.json"));
  EXPECT_EQ(metric(summary, "http_req_failed", "rate"), 0.0);
  EXPECT_GE(metric(summary, "http_reqs", "count"), 10000);
  EXPECT_GE(server.peak_connections(), 10000u);
  EXPECT_EQ(metric(summary, "vus_max", "value"), 10000);
}

}  // namespace
}  // namespace rsolv::loadgen
