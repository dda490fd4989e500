// rsolv-loadgen against the real rsolv-sandbox: a signup flow that extracts the API key and uses
// it, and Stripe webhooks signed over the exact bytes sent, which the sandbox verifies.
#include <gtest/gtest.h>

#include <memory>

#include "rsolv/sandbox/testing/sandbox_process.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;

const std::string kSecret = "whsec_loadgen_test_secret";

class SandboxRun : public ::testing::Test {
 protected:
  void SetUp() override {
    rsolv::sandbox::testing::SandboxOptions options;
    options.seed = false;  // the scenario onboards its own customers
    options.webhook_secret = kSecret;
    options.pass_secret_flag = false;  // the way a deployment passes it: RSOLV_WEBHOOK_SECRET
    options.threads = "1";
    sandbox_ = std::make_unique<rsolv::sandbox::testing::SandboxProcess>(options);
  }

  std::string scenario(const std::string& secret) const {
    const auto base = sandbox_->url();
    return R"(name: sandbox
scenarios:
  signup:
    executor: per-vu-iterations
    vus: 4
    iterations: 3
    flow:
      - name: onboard
        method: POST
        url: )" + base + R"(/api/v1/customers/onboard
        json: {name: "Load ${vu}", email: "u${uuid}@example.test"}
        checks:
          - status: 201
        extract:
          api_key: {json: $.api_key}
      - name: entitlement
        url: )" + base + R"(/api/v1/entitlement
        headers: {x-api-key: "${api_key}"}
        checks:
          - status: 200
          - json: $.credit_balance
            gte: 0
  webhooks:
    executor: constant-arrival-rate
    rate: 40
    timeUnit: 1s
    duration: 1s
    preAllocatedVUs: 4
    flow:
      - name: webhook
        method: POST
        url: )" + base + R"(/api/webhooks/stripe
        sign: stripe
        secret: ")" + secret + R"("
        json: {id: "evt_${random_id}", object: event, type: "ping.load_test", data: {object: {}}}
        checks:
          - status: 200
thresholds:
  checks: ["rate==1"]
  http_reqs{scenario:signup}: ["count==24"]
  http_reqs{scenario:webhooks}: ["count==40"]
)";
  }

  TempDir dir_;
  std::unique_ptr<rsolv::sandbox::testing::SandboxProcess> sandbox_;
};

TEST_F(SandboxRun, SignupExtractsTheKeyAndSignedWebhooksAreAccepted) {
  const auto file = dir_.write("sandbox.yaml", scenario(kSecret));
  const auto result = loadgen({"run", file, "--out", dir_.file("s.json"), "--quiet"});
  EXPECT_EQ(result.exit_code, 0) << result.err << result.out;
  const auto summary = read_json(dir_.file("s.json"));
  EXPECT_EQ(metric(summary, "checks", "rate"), 1.0);
  EXPECT_EQ(metric(summary, "http_req_failed", "rate"), 0.0);
  // The secret never reaches a report.
  std::ifstream in(dir_.file("s.json"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(kSecret), std::string::npos);
}

TEST_F(SandboxRun, AWrongSecretIsRefusedByTheSandboxAndFailsTheChecks) {
  const auto file = dir_.write("sandbox.yaml", scenario("whsec_not_the_right_one"));
  const auto result = loadgen({"run", file, "--out", dir_.file("s.json"), "--quiet"});
  EXPECT_EQ(result.exit_code, 99) << result.err;
  const auto summary = read_json(dir_.file("s.json"));
  EXPECT_LT(metric(summary, "checks", "rate"), 1.0);
  EXPECT_GT(metric(summary, "http_req_failed", "rate"), 0.0);  // 401 is not an expected status
}

}  // namespace
}  // namespace rsolv::loadgen
