// The scenario loader: what a user writes, what the run gets, and the message a mistake produces.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/loadgen/scenario/request_render.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::loadgen::scenario {
namespace {

LoadOptions env(std::map<std::string, std::string> values = {}) {
  LoadOptions o;
  o.env = [values](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
  return o;
}

TestPlan load(const std::string& yaml, std::map<std::string, std::string> values = {}) {
  return load_test_plan_string(yaml, "plan.yaml", env(std::move(values)));
}

// The message of the ConfigError a file produces ("" when it loads).
std::string error_of(const std::string& yaml, std::map<std::string, std::string> values = {}) {
  try {
    (void)load(yaml, std::move(values));
  } catch (const config::ConfigError& error) {
    return error.what();
  }
  return "";
}

const char* kFull = R"(name: signup and webhooks
base_url: ${env.RSOLV_TARGET:-http://127.0.0.1:4000}
headers:
  Accept: application/json
metrics:
  signups: counter
  credits: {type: trend}
  signup_time: {type: trend, time: true}
thresholds:
  http_req_duration{scenario:signup}: ["p(95)<500", "avg<200"]
  http_req_failed: rate<0.01
  checks:
    - threshold: rate>0.99
      abortOnFail: true
      delayAbortEval: 10s
scenarios:
  signup:
    executor: ramping-vus
    startVUs: 0
    stages:
      - {duration: 30s, target: 20}
      - {duration: 1m, target: 20}
      - {duration: 10s, target: 0}
    gracefulRampDown: 5s
    tags: {flow: onboarding}
    flow:
      - name: onboard
        method: post
        url: /api/v1/customers/onboard
        json:
          name: "Load ${vu}-${iter}"
          email: "load+${uuid}@example.com"
          count: 3
          consent: true
        expect: [201, 429]
        checks:
          - status: 201
          - header: X-RateLimit-Limit
            exists: true
          - json: $.customer.credit_balance
            equals: 5
          - latency: 500ms
        extract:
          api_key: $.api_key
        record:
          - metric: signups
          - metric: signup_time
            from: duration
          - metric: credits
            json: $.customer.credit_balance
        sleep: 1s-3s
      - url: /api/v1/entitlement
        headers: {x-api-key: "${api_key}"}
        checks:
          - body: {contains: entitled}
  hooks:
    executor: constant-arrival-rate
    rate: 1000/1m
    duration: 2m
    preAllocatedVUs: 10
    maxVUs: 50
    startTime: 10s
    gracefulStop: 5s
    flow:
      - url: http://127.0.0.1:5000/api/webhooks/stripe
        method: POST
        sign: stripe
        secret: ${env.HOOK_SECRET:-whsec_test_123}
        json: {id: "evt_${random_id}", type: invoice.payment_succeeded}
)";

TEST(TestPlan, LoadsScenariosExecutorsFlowsAndThresholds) {
  const auto plan = load(kFull);
  EXPECT_EQ(plan.name, "signup and webhooks");
  ASSERT_EQ(plan.scenarios.size(), 2u);
  const auto& signup = plan.scenarios[0];
  EXPECT_EQ(signup.name, "signup");
  EXPECT_EQ(signup.executor.kind, executors::ExecutorKind::ramping_vus);
  EXPECT_EQ(signup.executor.start_vus, 0);
  ASSERT_EQ(signup.executor.stages.size(), 3u);
  EXPECT_EQ(signup.executor.stages[1].duration, std::chrono::minutes(1));
  EXPECT_EQ(signup.executor.stages[1].target, 20);
  EXPECT_EQ(signup.executor.graceful_ramp_down, std::chrono::seconds(5));
  EXPECT_EQ(signup.tags, (metrics::Tags{{"flow", "onboarding"}}));
  ASSERT_EQ(signup.flow.size(), 2u);
  const auto& onboard = signup.flow[0];
  EXPECT_EQ(onboard.name, "onboard");
  EXPECT_EQ(onboard.request.method, "POST");
  ASSERT_EQ(onboard.checks.size(), 4u);
  EXPECT_EQ(onboard.checks[0].name, "status is 201");
  EXPECT_EQ(onboard.checks[1].kind, Check::Kind::header);
  EXPECT_EQ(onboard.captured_headers, std::vector<std::string>{"x-ratelimit-limit"});
  EXPECT_EQ(onboard.checks[3].max_latency, std::chrono::milliseconds(500));
  EXPECT_TRUE(onboard.needs_json);
  EXPECT_EQ(onboard.sleep.min, std::chrono::seconds(1));
  EXPECT_EQ(onboard.sleep.max, std::chrono::seconds(3));
  ASSERT_EQ(onboard.records.size(), 3u);
  EXPECT_EQ(onboard.records[1].source, Recording::Source::duration);
  EXPECT_TRUE(status_in(onboard.request.expected_statuses, 429));
  EXPECT_FALSE(status_in(onboard.request.expected_statuses, 200));
  // The second step has the default name (its URL) and the default expectation.
  EXPECT_EQ(signup.flow[1].name, "/api/v1/entitlement");
  EXPECT_TRUE(status_in(signup.flow[1].request.expected_statuses, 302));

  const auto& hooks = plan.scenarios[1];
  EXPECT_EQ(hooks.executor.kind, executors::ExecutorKind::constant_arrival_rate);
  EXPECT_EQ(hooks.executor.rate, 1000);
  EXPECT_EQ(hooks.executor.time_unit, std::chrono::minutes(1));
  EXPECT_EQ(hooks.executor.pre_allocated_vus, 10);
  EXPECT_EQ(hooks.executor.max_vus, 50);
  EXPECT_EQ(hooks.executor.start_time, std::chrono::seconds(10));
  EXPECT_EQ(hooks.executor.graceful_stop, std::chrono::seconds(5));
  EXPECT_TRUE(hooks.flow[0].request.sign_stripe);
  // Two origins: the base URL and the webhook's own.
  ASSERT_EQ(plan.origins.size(), 2u);
  EXPECT_EQ(plan.origins[0].port, 4000);
  EXPECT_EQ(plan.origins[1].port, 5000);
  EXPECT_EQ(hooks.flow[0].request.endpoint, 1);

  ASSERT_EQ(plan.thresholds.size(), 3u);
  EXPECT_EQ(plan.thresholds[0].metric, "http_req_duration");
  EXPECT_EQ(plan.thresholds[0].filter, (metrics::Tags{{"scenario", "signup"}}));
  EXPECT_EQ(plan.thresholds[0].conditions.size(), 2u);
  EXPECT_TRUE(plan.thresholds[2].conditions[0].abort_on_fail);
  EXPECT_EQ(plan.thresholds[2].conditions[0].delay_abort_eval, std::chrono::seconds(10));
  ASSERT_EQ(plan.custom_metrics.size(), 3u);
  EXPECT_EQ(plan.custom_metrics[2].contains, metrics::ValueKind::time);
  // startTime 10s + 2m + gracefulStop 5s is the longest.
  EXPECT_EQ(plan.max_duration(), std::chrono::seconds(135));
}

TEST(TestPlan, RendersTemplatedRequestsWithVariablesAndJsonEscaping) {
  auto plan = load(kFull);
  const auto& step = plan.scenarios[0].flow[0];
  FastRandom random(7);
  std::vector<std::string> variables(plan.variables.size());
  TemplateContext context;
  context.vu = 3;
  context.iter = 12;
  context.now_ms = 1'700'000'000'123;
  context.variables = &variables;
  context.random = &random;
  std::string out;
  RenderScratch scratch;
  render_request(out, step.request, plan, context, scratch);
  const auto head_end = out.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  const auto head = out.substr(0, head_end);
  const auto body = out.substr(head_end + 4);
  EXPECT_TRUE(head.starts_with("POST /api/v1/customers/onboard HTTP/1.1\r\n")) << head;
  EXPECT_NE(head.find("\r\nHost: 127.0.0.1:4000"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nAccept: application/json"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Type: application/json"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Length: " + std::to_string(body.size())), std::string::npos);
  const auto json = nlohmann::json::parse(body);
  EXPECT_EQ(json["name"], "Load 3-12");
  EXPECT_EQ(json["count"], 3);
  EXPECT_EQ(json["consent"], true);
  const auto email = json["email"].get<std::string>();
  EXPECT_EQ(email.size(), std::string("load+@example.com").size() + 36);

  // The second step reads the variable the first extracted.
  const auto api_key = plan.variables.find("api_key");
  ASSERT_TRUE(api_key.has_value());
  variables[static_cast<std::size_t>(*api_key)] = "rsolv_abc";
  out.clear();
  render_request(out, plan.scenarios[0].flow[1].request, plan, context, scratch);
  EXPECT_NE(out.find("\r\nx-api-key: rsolv_abc\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.starts_with("GET /api/v1/entitlement HTTP/1.1\r\n"));
}

TEST(TestPlan, SignsStripeWebhooksOverTheExactBodySent) {
  const auto plan = load(kFull, {{"HOOK_SECRET", "whsec_from_env"}});
  const auto& request = plan.scenarios[1].flow[0].request;
  FastRandom random(1);
  TemplateContext context;
  context.now_ms = 1'700'000'000'000;
  context.random = &random;
  std::string out;
  RenderScratch scratch;
  render_request(out, request, plan, context, scratch);
  const auto head_end = out.find("\r\n\r\n");
  const auto body = out.substr(head_end + 4);
  const auto at = out.find("Stripe-Signature: ");
  ASSERT_NE(at, std::string::npos);
  const auto header = out.substr(at + 18, out.find("\r\n", at) - at - 18);
  EXPECT_TRUE(stripe::verify(header, body, Secret("whsec_from_env"), 1'700'000'000).ok());
  EXPECT_FALSE(stripe::verify(header, body, Secret("whsec_test_123"), 1'700'000'000).ok());
  EXPECT_TRUE(nlohmann::json::parse(body)["id"].get<std::string>().starts_with("evt_"));
  // The secret is held for redaction and never printed.
  ASSERT_FALSE(plan.secrets.empty());
  EXPECT_EQ(redact("got whsec_from_env", plan.secrets).find("whsec_from_env"), std::string::npos);
}

TEST(TestPlan, StripeEventsComeFromTheCatalogueWithFreshIdsPerDelivery) {
  const auto plan = load(R"(
base_url: http://127.0.0.1:4000
vars: {customer: cus_fixed}
scenarios:
  hooks:
    executor: shared-iterations
    iterations: 2
    flow:
      - url: /api/webhooks/stripe
        method: POST
        sign: stripe
        secret: whsec_catalogue
        event: invoice.payment_succeeded
        event_vars: {customer: "${customer}", price: "${env.PRICE:-price_pro_monthly}"}
)");
  const auto& request = plan.scenarios[0].flow[0].request;
  std::vector<std::string> variables{"cus_from_signup"};
  FastRandom random(11);
  TemplateContext context;
  context.now_ms = 1'764'000'000'000;
  context.variables = &variables;
  context.random = &random;
  std::string first, second;
  RenderScratch scratch;
  render_request(first, request, plan, context, scratch);
  render_request(second, request, plan, context, scratch);
  const auto body = first.substr(first.find("\r\n\r\n") + 4);
  const auto event = nlohmann::json::parse(body);
  const auto again = nlohmann::json::parse(second.substr(second.find("\r\n\r\n") + 4));
  EXPECT_EQ(event["type"], "invoice.payment_succeeded");
  EXPECT_EQ(event["object"], "event");
  EXPECT_EQ(event["created"], 1'764'000'000);
  EXPECT_TRUE(event["id"].get<std::string>().starts_with("evt_"));
  EXPECT_NE(event["id"], again["id"]);  // a new event each delivery, so the platform processes each
  EXPECT_TRUE(event["data"]["object"]["id"].get<std::string>().starts_with("in_"));
  EXPECT_NE(event["data"]["object"]["id"], again["data"]["object"]["id"]);
  EXPECT_EQ(event["data"]["object"]["customer"], "cus_from_signup");
  EXPECT_NE(body.find("\"price_pro_monthly\""), std::string::npos);
  const auto at = first.find("Stripe-Signature: ") + 18;
  EXPECT_TRUE(stripe::verify(first.substr(at, first.find("\r\n", at) - at), body, Secret("whsec_catalogue"), 1'764'000'000).ok());
  EXPECT_NE(error_of(R"(
base_url: http://127.0.0.1:4000
scenarios:
  s:
    executor: shared-iterations
    flow: [{url: /, method: POST, event: invoice.no_such_event}]
)").find("plan.yaml:6:"), std::string::npos);
}

TEST(TestPlan, VarsNumbersInJsonAndSecretsOfHeaders) {
  const auto plan = load(R"(
base_url: http://127.0.0.1:4000
vars:
  api_key: ${env.KEY:-rsolv_default_key}
  plan: pro
headers: {Authorization: "Bearer tok_constant_123"}
scenarios:
  s:
    executor: constant-vus
    duration: 1s
    flow:
      - url: /x
        method: POST
        headers: {x-api-key: "${api_key}"}
        json: {plan: "${plan}", n: "${iter}", vu: "${vu}", at: "${now}", text: "iteration ${iter}"}
)",
                         {{"KEY", "rsolv_live_secret"}});
  ASSERT_EQ(plan.initial_values.size(), plan.variables.size());
  EXPECT_EQ(plan.initial_values[static_cast<std::size_t>(*plan.variables.find("api_key"))], "rsolv_live_secret");
  // Key-like vars and constant auth headers are secrets: redacted from anything printed.
  const auto redacted = redact("rsolv_live_secret and Bearer tok_constant_123", plan.secrets);
  EXPECT_EQ(redacted.find("rsolv_live_secret"), std::string::npos) << redacted;
  EXPECT_EQ(redacted.find("tok_constant_123"), std::string::npos) << redacted;

  std::vector<std::string> variables;
  for (const auto& v : plan.initial_values) variables.push_back(v.value_or(""));
  FastRandom random;
  TemplateContext context;
  context.vu = 7;
  context.iter = 2;
  context.now_ms = 1234;
  context.variables = &variables;
  context.random = &random;
  std::string out;
  RenderScratch scratch;
  render_request(out, plan.scenarios[0].flow[0].request, plan, context, scratch);
  EXPECT_NE(out.find("\r\nAuthorization: Bearer tok_constant_123\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nx-api-key: rsolv_live_secret\r\n"), std::string::npos);
  const auto json = nlohmann::json::parse(out.substr(out.find("\r\n\r\n") + 4));
  EXPECT_EQ(json, nlohmann::json::parse(R"({"plan":"pro","n":2,"vu":7,"at":1234,"text":"iteration 2"})"));
}

TEST(TestPlan, PrebuildsConstantRequests) {
  const auto plan = load(R"(
base_url: http://localhost:8080/api
scenarios:
  s:
    executor: constant-vus
    duration: 5s
    flow:
      - url: /health
)");
  const auto& request = plan.scenarios[0].flow[0].request;
  EXPECT_EQ(request.prebuilt, "GET /api/health HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: rsolv-loadgen\r\n\r\n");
}

TEST(TestPlan, ExecutorDefaultsFollowK6) {
  const auto plan = load(R"(
base_url: http://127.0.0.1:1
scenarios:
  a: {executor: per-vu-iterations, flow: [{url: /}]}
  b: {executor: shared-iterations, vus: 2, iterations: 10, flow: [{url: /}]}
  c: {executor: ramping-arrival-rate, startRate: 5, timeUnit: 1m, preAllocatedVUs: 2, stages: [{duration: 1s, target: 50}], flow: [{url: /}]}
)");
  const auto& a = plan.scenarios[0].executor;
  EXPECT_EQ(a.vus, 1);
  EXPECT_EQ(a.iterations, 1);
  EXPECT_EQ(a.max_duration, std::chrono::minutes(10));
  EXPECT_EQ(a.graceful_stop, std::chrono::seconds(30));
  EXPECT_EQ(plan.scenarios[1].executor.iterations, 10);
  EXPECT_EQ(plan.scenarios[2].executor.time_unit, std::chrono::minutes(1));
  EXPECT_EQ(plan.scenarios[2].executor.start_rate, 5);
}

// --- mistakes: each names file:line:col and what to do ---------------------------------------------

const char* kHead = "base_url: http://127.0.0.1:4000\nscenarios:\n  s:\n";

TEST(TestPlanErrors, UnknownExecutorSuggestsTheClosest) {
  const auto message = error_of(std::string(kHead) + "    executor: constant-vu\n    duration: 1s\n    flow: [{url: /}]\n");
  EXPECT_TRUE(message.starts_with("plan.yaml:4:15: unknown executor 'constant-vu'")) << message;
  EXPECT_NE(message.find("did you mean 'constant-vus'"), std::string::npos) << message;
}

TEST(TestPlanErrors, OptionOfAnotherExecutorIsNamed) {
  const auto message = error_of(std::string(kHead) +
                                "    executor: constant-arrival-rate\n    rate: 5\n    duration: 1s\n"
                                "    preAllocatedVUs: 1\n    vus: 10\n    flow: [{url: /}]\n");
  EXPECT_TRUE(message.starts_with("plan.yaml:8:5: 'vus' does not apply to the constant-arrival-rate executor")) << message;
}

TEST(TestPlanErrors, MissingRequiredOptionAndBadValues) {
  EXPECT_TRUE(error_of(std::string(kHead) + "    executor: constant-vus\n    flow: [{url: /}]\n")
                  .starts_with("plan.yaml:4:5: the constant-vus executor needs `duration:`"));
  const auto bare = error_of(std::string(kHead) + "    executor: constant-vus\n    duration: 30\n    flow: [{url: /}]\n");
  EXPECT_TRUE(bare.starts_with("plan.yaml:5:15: ")) << bare;
  const auto zero = error_of(std::string(kHead) + "    executor: constant-vus\n    vus: 0\n    duration: 1s\n    flow: [{url: /}]\n");
  EXPECT_TRUE(zero.starts_with("plan.yaml:4:15: vus must be between 1")) << zero;
}

TEST(TestPlan, MaxResponseBytesDefaultsTo64MiBAndMustBePositive) {
  const std::string scenarios = "scenarios:\n  s: {executor: constant-vus, duration: 1s, flow: [{url: /}]}\n";
  EXPECT_EQ(load("base_url: http://127.0.0.1:1\n" + scenarios).max_response_bytes, 64 * 1024 * 1024);
  EXPECT_EQ(load("base_url: http://127.0.0.1:1\nmaxResponseBytes: 1024\n" + scenarios).max_response_bytes, 1024);
  const auto zero = error_of("base_url: http://127.0.0.1:1\nmaxResponseBytes: 0\n" + scenarios);
  EXPECT_TRUE(zero.starts_with("plan.yaml:2:19: maxResponseBytes must be a positive number of bytes")) << zero;
}

TEST(TestPlanErrors, TypoInAStepKeySuggestsTheKey) {
  const auto message = error_of(std::string(kHead) + "    executor: constant-vus\n    duration: 1s\n    flow:\n"
                                "      - url: /\n        chekcs: []\n");
  EXPECT_TRUE(message.starts_with("plan.yaml:8:9: ")) << message;
  EXPECT_NE(message.find("checks"), std::string::npos) << message;
}

TEST(TestPlanErrors, VariableNeverExtractedPointsAtItsUse) {
  const auto message = error_of(std::string(kHead) + "    executor: constant-vus\n    duration: 1s\n    flow:\n"
                                "      - url: /x\n        headers: {x-api-key: \"${apikey}\"}\n");
  EXPECT_TRUE(message.starts_with("plan.yaml:8:30: variable 'apikey' is never extracted")) << message;
}

TEST(TestPlanErrors, UnsetEnvironmentVariableWithoutDefault) {
  const auto message = error_of("base_url: ${env.RSOLV_TARGET}\nscenarios: {}\n");
  EXPECT_TRUE(message.starts_with("plan.yaml:1:11: ")) << message;
  EXPECT_NE(message.find("RSOLV_TARGET"), std::string::npos);
}

TEST(TestPlanErrors, ThresholdMistakes) {
  const std::string scenario = std::string(kHead) + "    executor: constant-vus\n    duration: 1s\n    flow: [{url: /}]\n";
  const auto unknown = error_of(scenario + "thresholds:\n  http_req_duraton: [\"p(95)<500\"]\n");
  EXPECT_TRUE(unknown.starts_with("plan.yaml:8:3: unknown metric 'http_req_duraton'")) << unknown;
  EXPECT_NE(unknown.find("did you mean 'http_req_duration'"), std::string::npos);
  const auto syntax = error_of(scenario + "thresholds:\n  http_req_duration: [\"p(95)=>500\"]\n");
  EXPECT_TRUE(syntax.starts_with("plan.yaml:8:23: ")) << syntax;
  const auto wrong = error_of(scenario + "thresholds:\n  http_req_failed: [\"p(95)<1\"]\n");
  EXPECT_TRUE(wrong.starts_with("plan.yaml:8:21: ")) << wrong;
  EXPECT_NE(wrong.find("does not apply to http_req_failed"), std::string::npos) << wrong;
}

#define EXPECT_ERROR_STARTS(yaml, prefix)                       \
  do {                                                          \
    const auto message_ = error_of(yaml);                       \
    EXPECT_TRUE(message_.starts_with(prefix)) << message_;      \
  } while (false)

TEST(TestPlanErrors, CheckAndRequestMistakes) {
  const std::string head = std::string(kHead) + "    executor: constant-vus\n    duration: 1s\n    flow:\n";
  EXPECT_ERROR_STARTS(head + "      - url: /\n        checks: [{status: 2xy}]\n", "plan.yaml:8:27: invalid status");
  EXPECT_ERROR_STARTS(head + "      - url: /\n        checks: [{json: \"$.a[\"}]\n", "plan.yaml:8:25: invalid JSON path");
  EXPECT_ERROR_STARTS(head + "      - url: /\n        checks: [{header: A, matches: \"(\"}]\n",
                      "plan.yaml:8:39: invalid regular expression");
  EXPECT_NE(error_of(head + "      - url: /\n        sign: stripe\n").find("sign: stripe signs the body"), std::string::npos);
  EXPECT_ERROR_STARTS(head + "      - url: ftp://x/\n", "plan.yaml:7:14: ");
  EXPECT_ERROR_STARTS(head + "      - url: /\n        sleep: 3s-1s\n", "plan.yaml:8:16: sleep's minimum");
  EXPECT_ERROR_STARTS(head + "      - url: /\n        record: [{metric: nope}]\n", "plan.yaml:8:27: metric 'nope' is not declared");
  EXPECT_ERROR_STARTS(head + "      - url: /\n        body: x\n        json: {}\n", "plan.yaml:7:9: a step takes one of");
}

TEST(TestPlan, CheckNamesShowEnvironmentValuesAsWritten) {
  const auto plan = load(std::string(kHead) + "    executor: constant-vus\n    duration: 1s\n    flow:\n"
                         "      - url: /\n        checks: [{header: X-Token, equals: \"${env.TOKEN}\"}]\n",
                         {{"TOKEN", "tok_live_value"}});
  const auto& check = plan.scenarios[0].flow[0].checks[0];
  EXPECT_EQ(check.name, "header X-Token equals ${env.TOKEN}");
  EXPECT_EQ(check.matcher.expected, "tok_live_value");  // compared with the value, named by the reference
}

TEST(TestPlanErrors, SecretNeverAppearsInAMessage) {
  const std::string head = std::string(kHead) + "    executor: constant-vus\n    duration: 1s\n    flow:\n";
  const auto message = error_of(head + "      - url: /\n        body: x\n        secret: whsec_topsecret\n");
  EXPECT_FALSE(message.empty());
  EXPECT_EQ(message.find("whsec_topsecret"), std::string::npos) << message;
}

TEST(TestPlanErrors, ScenarioNamesAreK6Names) {
  const auto message = error_of("base_url: http://127.0.0.1:1\nscenarios:\n  \"sign up\": {executor: per-vu-iterations, flow: [{url: /}]}\n");
  EXPECT_TRUE(message.starts_with("plan.yaml:3:3: invalid scenario name 'sign up'")) << message;
}

TEST(TestPlanErrors, YamlSyntaxErrorHasALocation) {
  const auto message = error_of("scenarios:\n  s: [unclosed\n");
  EXPECT_TRUE(message.starts_with("plan.yaml:")) << message;
}

TEST(TestPlanErrors, MissingFileIsAnError) {
  EXPECT_THROW((void)load_test_plan_file("/nonexistent/plan.yaml"), UsageError);
}

// A body_file is held in memory for the whole run: /dev/zero (or a pipe that never ends) used to
// be read until memory ran out.
TEST(TestPlanErrors, BodyFileIsReadOnlyUpToItsLimit) {
  const auto message =
      error_of(std::string(kHead) + "    executor: per-vu-iterations\n    flow: [{url: /, method: POST, body_file: /dev/zero}]\n");
  EXPECT_TRUE(message.starts_with("plan.yaml:")) << message;
  EXPECT_NE(message.find("/dev/zero: larger than 16777216 bytes (limit 16777216 bytes for a body_file)"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace rsolv::loadgen::scenario
