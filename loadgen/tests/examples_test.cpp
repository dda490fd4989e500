// The three load-test examples load, and say what the load references of
// docs/platform-contract.md#load-and-timing-references ask for.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rsolv/loadgen/scenario/request_render.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::loadgen {
namespace {

scenario::TestPlan example(const std::string& name, std::map<std::string, std::string> env = {}) {
  scenario::LoadOptions options;
  options.env = [env](std::string_view key) -> std::optional<std::string> {
    const auto it = env.find(std::string(key));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return scenario::load_test_plan_file(std::string(RSOLV_SOURCE_DIR) + "/examples/loadgen/" + name, options);
}

const scenario::Step& step_named(const scenario::Scenario& scenario, const std::string& name) {
  for (const auto& step : scenario.flow) {
    if (step.name == name) return step;
  }
  throw std::runtime_error("no step " + name);
}

std::vector<std::string> threshold_sources(const scenario::TestPlan& plan, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& t : plan.thresholds) {
    if (t.key != key) continue;
    for (const auto& c : t.conditions) out.push_back(c.source);
  }
  return out;
}

TEST(Examples, SignupRampsVusWithItsThresholds) {
  const auto plan = example("signup.yaml");
  ASSERT_EQ(plan.scenarios.size(), 1u);
  const auto& s = plan.scenarios[0];
  EXPECT_EQ(s.executor.kind, executors::ExecutorKind::ramping_vus);
  ASSERT_EQ(s.executor.stages.size(), 3u);
  EXPECT_EQ(s.executor.stages[0].target, 20);
  EXPECT_EQ(plan.origins.at(0).str(), "http://127.0.0.1:4000");
  EXPECT_EQ(threshold_sources(plan, "http_req_duration{name:onboard}"), std::vector<std::string>{"p(95)<500"});
  EXPECT_EQ(threshold_sources(plan, "http_req_failed"), std::vector<std::string>{"rate<0.01"});
  // The environment reshapes it for CI without editing the file.
  const auto short_run = example("signup.yaml", {{"SIGNUP_VUS", "3"}, {"SIGNUP_HOLD", "2s"}, {"RSOLV_TARGET", "http://127.0.0.1:9"}});
  EXPECT_EQ(short_run.scenarios[0].executor.stages[1].target, 3);
  EXPECT_EQ(short_run.scenarios[0].executor.stages[1].duration, std::chrono::seconds(2));
  EXPECT_EQ(short_run.origins.at(0).port, 9);
}

TEST(Examples, WebhooksAreSignedForRealAtTheirDeclaredRates) {
  const auto plan = example("webhooks.yaml", {{"RSOLV_WEBHOOK_SECRET", "whsec_example_test"}});
  ASSERT_EQ(plan.scenarios.size(), 2u);
  const auto& steady = plan.scenarios[0];
  EXPECT_EQ(steady.executor.kind, executors::ExecutorKind::constant_arrival_rate);
  EXPECT_EQ(steady.executor.rate, 1000);
  EXPECT_EQ(steady.executor.time_unit, std::chrono::minutes(1));
  const auto& burst = plan.scenarios[1];
  EXPECT_EQ(burst.executor.rate, 50);
  EXPECT_EQ(burst.executor.time_unit, std::chrono::seconds(1));
  EXPECT_GT(burst.executor.start_time, std::chrono::seconds(0));
  EXPECT_EQ(threshold_sources(plan, "http_req_duration{name:webhook}"), std::vector<std::string>{"p(99)<200"});
  EXPECT_EQ(threshold_sources(plan, "http_req_failed{name:webhook}"), std::vector<std::string>{"rate<0.001"});

  const auto& hook = step_named(steady, "webhook");
  ASSERT_TRUE(hook.request.sign_stripe);
  EXPECT_TRUE(step_named(steady, "onboard").once);
  std::vector<std::string> variables(plan.variables.size());
  for (std::size_t i = 0; i < variables.size(); ++i) variables[i] = plan.initial_values[i].value_or("");
  variables[static_cast<std::size_t>(*plan.variables.find("customer"))] = "cus_TEST";
  scenario::FastRandom random(3);
  scenario::TemplateContext context;
  context.now_ms = 1'764'000'000'000;
  context.variables = &variables;
  context.random = &random;
  std::string out;
  scenario::RenderScratch scratch;
  scenario::render_request(out, hook.request, plan, context, scratch);
  const auto body = out.substr(out.find("\r\n\r\n") + 4);
  const auto event = nlohmann::json::parse(body);
  EXPECT_EQ(event["type"], "invoice.payment_succeeded");
  EXPECT_EQ(event["created"], 1'764'000'000);  // a number, as Stripe sends it
  EXPECT_EQ(event["data"]["object"]["customer"], "cus_TEST");
  EXPECT_EQ(event["data"]["object"]["lines"]["data"][0]["pricing"]["price_details"]["price"], "price_pro_monthly");
  EXPECT_EQ(event["id"].get<std::string>().size(), 4u + 24u);
  const auto at = out.find("Stripe-Signature: ") + 18;
  const auto header = out.substr(at, out.find("\r\n", at) - at);
  EXPECT_TRUE(stripe::verify(header, body, Secret("whsec_example_test"), 1'764'000'000).ok());
}

TEST(Examples, RateLimitExpects429At500WithHeaders) {
  const auto plan = example("rate-limit.yaml");
  const auto& s = plan.scenarios.at(0);
  EXPECT_EQ(s.executor.kind, executors::ExecutorKind::per_vu_iterations);
  EXPECT_EQ(s.executor.vus, 1);
  EXPECT_EQ(s.executor.iterations, 520);
  const auto& probe = step_named(s, "entitlement");
  EXPECT_TRUE(scenario::status_in(probe.request.expected_statuses, 429));
  EXPECT_EQ(probe.captured_headers,
            (std::vector<std::string>{"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"}));
  EXPECT_EQ(threshold_sources(plan, "http_reqs{name:entitlement,status:200}"),
            (std::vector<std::string>{"count>=490", "count<=510"}));
  EXPECT_EQ(threshold_sources(plan, "http_reqs{name:entitlement,status:429}"), std::vector<std::string>{"count>=10"});
}

}  // namespace
}  // namespace rsolv::loadgen
