// Faults between the action and the platform: a scripted server on loopback answers in place of
// the platform or relays to a real rsolv-sandbox. The action must retry within its budget, and
// the sandbox's ledger must never show a second charge.
#include <gtest/gtest.h>

#include <thread>

#include "rsolv/testing/scripted_server.hpp"
#include "support/runner_env.hpp"
#include "support/sandbox.hpp"

namespace rsolv::action {
namespace {

using namespace rsolv::action::testing;
using rsolv::testing::Action;
using rsolv::testing::ScriptedServer;

class Faults : public ::testing::Test {
 protected:
  RunnerStep step(const std::string& command, const std::string& key, long long pr = 77) {
    RunnerStep step;
    step.with("command", command).with("api-key", key).with("api-url", proxy.base_url());
    if (command == "report") step.event(pull_request_event(pr, true));
    return step;
  }
  void expect_clean(const StepResult& result, const std::string& key) {
    expect_key_never_leaked(result, key, true, {sandbox.access_log_path(), sandbox.stderr_path()});
  }
  // Every request that reached the proxy carried the same Idempotency-Key.
  void expect_one_idempotency_key() {
    const auto requests = proxy.requests();
    ASSERT_FALSE(requests.empty());
    const auto first = requests.front().header("Idempotency-Key");
    ASSERT_TRUE(first);
    for (const auto& request : requests) EXPECT_EQ(request.header("Idempotency-Key"), first);
  }

  Sandbox sandbox;
  ScriptedServer proxy;
};

TEST_F(Faults, ServerErrorIsRetried) {
  const auto key = sandbox.key("pro_active");
  proxy.enqueue(Action::respond(500, R"({"error":"internal_error"})"));
  proxy.set_default(Action::forward_to(sandbox.url()));
  const auto result = step("check", key).run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.output("entitled"), "true");
  EXPECT_EQ(proxy.request_count(), 2u);
  EXPECT_NE(result.out.find("-> 500"), std::string::npos) << "the retry is visible in the group:\n" << result.out;
  expect_clean(result, key);
}

TEST_F(Faults, DroppedConnectionsAreRetriedAndTheFixIsBilledOnce) {
  const auto key = sandbox.key("payg");
  proxy.enqueue(Action::close_connection());
  proxy.enqueue(Action::reset_connection());
  proxy.set_default(Action::forward_to(sandbox.url()));
  const auto result = step("report", key).run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.output("outcome"), "charged");
  EXPECT_EQ(proxy.request_count(), 3u);
  expect_one_idempotency_key();
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 1);
  expect_clean(result, key);
}

TEST_F(Faults, RateLimitIsWaitedOutAsRetryAfterSays) {
  const auto key = sandbox.key("pro_active");
  proxy.enqueue(Action::too_many_requests(1));
  proxy.set_default(Action::forward_to(sandbox.url()));
  const auto result = step("check", key).run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(proxy.request_count(), 2u);
  EXPECT_GE(result.seconds, 0.95) << "Retry-After: 1 was not honoured";
  expect_clean(result, key);
}

TEST_F(Faults, StalledAttemptIsAbandonedAndItsLateDeliveryIsNotBilledAgain) {
  const auto key = sandbox.key("payg");
  // Attempt 1 is held for 2.5 s, longer than the 2 s per-attempt share of a 6 s budget with two
  // retries; the retry goes through and bills; then the held request reaches the sandbox too.
  proxy.enqueue(Action::forward_to(sandbox.url()).after(std::chrono::milliseconds(2500)));
  proxy.set_default(Action::forward_to(sandbox.url()));
  auto reporting = step("report", key);
  reporting.with("timeout-seconds", "6").with("max-retries", "2");
  const double before = sandbox.requests_total("fix-deployments");
  const auto result = reporting.run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.output("outcome"), "charged");
  // The held attempt was abandoned and retried, not waited for (that would be one request, and the
  // 2.5 s answer would have billed it); exit 0 means the action's own 6 s budget held.
  EXPECT_GE(proxy.request_count(), 2u);
  expect_one_idempotency_key();
  // Wait (bounded) until the held first attempt has been delivered as well.
  for (int i = 0; i < 100 && sandbox.requests_total("fix-deployments") < before + 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(sandbox.requests_total("fix-deployments"), before + 2) << "the stalled attempt never arrived";
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 1);
  expect_clean(result, key);
}

TEST_F(Faults, ReportThroughAServerErrorAndARateLimitIsBilledOnce) {
  const auto key = sandbox.key("payg");
  proxy.enqueue(Action::respond(502, R"({"error":"bad_gateway"})"));
  proxy.enqueue(Action::too_many_requests(1));
  proxy.set_default(Action::forward_to(sandbox.url()));
  const auto result = step("report", key, 78).run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.output("outcome"), "charged");
  EXPECT_EQ(result.output("amount-cents"), "2900");
  EXPECT_EQ(proxy.request_count(), 3u);
  EXPECT_GE(result.seconds, 0.95) << "Retry-After: 1 was not honoured";
  expect_one_idempotency_key();
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 1);
  expect_clean(result, key);
}

TEST_F(Faults, ReportBilledAfterItTimedOutIsAlreadyBilledOnReRun) {
  const auto key = sandbox.key("payg");
  // The only attempt is held past the whole budget: the step fails, yet the platform then gets
  // the request and bills it, exactly what a user cannot see from the failed step.
  // Held well past the 1 s budget, so a slow start (sanitizers, a loaded runner) still ends the step
  // long before the platform answers.
  proxy.enqueue(Action::forward_to(sandbox.url()).after(std::chrono::milliseconds(3000)));
  proxy.set_default(Action::forward_to(sandbox.url()));
  const double before = sandbox.requests_total("fix-deployments");
  auto first = step("report", key, 79);
  first.with("timeout-seconds", "1").with("max-retries", "0");
  const auto failed = first.run();
  EXPECT_EQ(failed.exit_code, 1) << failed.out;
  // Had the step waited for the held answer instead of ending at its 1 s budget, it would have got
  // the 201 and said "charged": the outcome is the proof, not a wall-clock bound.
  EXPECT_EQ(failed.output("outcome"), "api_error") << "the step waited for the held answer";
  EXPECT_NE(failed.out.find("safe: a report bills once"), std::string::npos) << failed.out;
  for (int i = 0; i < 100 && sandbox.requests_total("fix-deployments") < before + 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(sandbox.ledger_count(key, "purchased"), 1) << "the held attempt should have been billed";
  // The user re-runs the job, as the error line says: same event, nothing charged again.
  const auto rerun = step("report", key, 79).run();
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out;
  EXPECT_EQ(rerun.output("outcome"), "already_billed");
  EXPECT_EQ(rerun.output("amount-cents"), "0");
  expect_one_idempotency_key();
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 1);
  expect_clean(failed, key);
  expect_clean(rerun, key);
}

TEST_F(Faults, PersistentOutageFailsWithinTheTimeout) {
  const auto key = sandbox.key("pro_active");
  proxy.set_default(Action::respond(503, R"({"error":"busy"})"));
  auto checking = step("check", key);
  checking.with("timeout-seconds", "3").with("max-retries", "2");
  const auto result = checking.run();
  EXPECT_EQ(result.exit_code, 1);
  // About 1 s: three quick 503s and two back-offs (250 ms, 500 ms). 5x that on a loaded machine.
  EXPECT_LT(result.seconds, 5.0);
  EXPECT_GE(proxy.request_count(), 2u);
  EXPECT_LE(proxy.request_count(), 3u);
  EXPECT_EQ(result.output("entitled"), "unknown");
  EXPECT_EQ(result.output("reason"), "api_error");
  const auto lines = result.out_lines();
  EXPECT_TRUE(lines.back().starts_with("::error ")) << result.out;
  EXPECT_NE(lines.back().find("on-api-error: warn"), std::string::npos) << lines.back();
  expect_clean(result, key);
}

TEST_F(Faults, OutageUnderWarnPassesWithAWarningAndBillsNothing) {
  const auto key = sandbox.key("payg");
  proxy.set_default(Action::respond(500, R"({"error":"internal_error"})"));
  auto reporting = step("report", key);
  reporting.with("on-api-error", "warn").with("timeout-seconds", "2").with("max-retries", "1");
  const auto result = reporting.run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.output("outcome"), "api_error");
  EXPECT_TRUE(result.out_lines().back().starts_with("::warning ")) << result.out;
  EXPECT_NE(result.summary_file.find("on-api-error is warn"), std::string::npos);
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 0);
  expect_clean(result, key);
}

TEST_F(Faults, UpstreamThatNeverAnswersEndsAtTheTimeout) {
  const auto key = sandbox.key("pro_active");
  proxy.set_default(Action::respond(200, "{}").after(std::chrono::milliseconds(20000)));
  auto checking = step("check", key);
  checking.with("timeout-seconds", "2").with("max-retries", "3");
  const auto result = checking.run();
  EXPECT_EQ(result.exit_code, 1) << result.out;
  // The 2 s budget is what the user sees: 5x it is still half the 20 s the upstream would take.
  EXPECT_LT(result.seconds, 10.0);
  EXPECT_NE(result.out.find("could not reach the RSOLV API"), std::string::npos) << result.out;
  expect_clean(result, key);
}

TEST_F(Faults, RetryAfterBeyondTheBudgetIsNotWaitedFor) {
  const auto key = sandbox.key("pro_active");
  proxy.set_default(Action::too_many_requests(120));
  auto checking = step("check", key);
  checking.with("timeout-seconds", "5");
  const auto result = checking.run();
  EXPECT_EQ(result.exit_code, 1);
  // One request, no sleep: about 0.1 s, so 2 s is over 5x that and still under the 5 s budget a
  // step that slept until its budget ran out would take.
  EXPECT_LT(result.seconds, 2.0);
  EXPECT_EQ(proxy.request_count(), 1u);
  EXPECT_EQ(result.output("reason"), "rate_limited");
  EXPECT_NE(result.out.find("Retry-After 120"), std::string::npos) << result.out;
}

TEST_F(Faults, UnreachableApiFailsFastWithWhatToCheck) {
  const auto key = sandbox.key("pro_active");
  RunnerStep unreachable;
  // A port that was free a moment ago: nothing listens there.
  unreachable.with("api-key", key).with("api-url", "http://127.0.0.1:" + std::to_string(process::find_free_port()));
  unreachable.with("timeout-seconds", "3").with("max-retries", "2");
  const auto result = unreachable.run();
  EXPECT_EQ(result.exit_code, 1);
  // About 1 s: refused at once, two back-offs (250 ms, 500 ms). 5x that on a loaded machine.
  EXPECT_LT(result.seconds, 5.0);
  EXPECT_NE(result.out.find("check api-url"), std::string::npos) << result.out;
  expect_clean(result, key);
}

TEST_F(Faults, AnswerThatIsNotTheApiIsAnApiError) {
  const auto key = sandbox.key("pro_active");
  proxy.set_default(Action::respond(200, "<html>captive portal</html>", {{"Content-Type", "text/html"}}));
  const auto result = step("check", key).run();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output("entitled"), "unknown");
  EXPECT_NE(result.out.find("check api-url"), std::string::npos) << result.out;
}

TEST_F(Faults, TruncatedAnswerIsRetried) {
  const auto key = sandbox.key("payg");
  proxy.enqueue(Action::respond(201, R"({"outcome":"charged","amount_cents":2900,"credit_balance":0,"fix_attempt_id":1})")
                    .truncated(10));
  proxy.set_default(Action::forward_to(sandbox.url()));
  const auto result = step("report", key).run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.output("outcome"), "charged");
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 1);
  expect_one_idempotency_key();
}

}  // namespace
}  // namespace rsolv::action
