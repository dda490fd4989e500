#include "rsolv/action/platform_api.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "rsolv/action/idempotency.hpp"

namespace rsolv::action {
namespace {

http::Response answer(long status, const std::string& body, http::Headers headers = {}, int attempts = 1) {
  http::Response response;
  response.status = status;
  response.body = body;
  response.headers = std::move(headers);
  response.attempts = attempts;
  return response;
}

std::map<std::string, std::string> outputs_of(const Outcome& outcome) {
  return {outcome.outputs.begin(), outcome.outputs.end()};
}

Inputs report_inputs() {
  Inputs inputs;
  inputs.command = Command::report;
  inputs.api_key = Secret("rsolv_TESTKEYtestkeyTESTKEYtestkeyTESTKEYtes");
  inputs.api_url = "http://127.0.0.1:4000";
  inputs.repository = "octo-org/octo-repo";
  inputs.github_org = "octo-org";
  inputs.repo_name = "octo-repo";
  inputs.pr_number = 42;
  inputs.commit_sha = "abcdef0123";
  return inputs;
}

TEST(PlatformApi, EntitledByCreditsIsSuccessWithEveryOutput) {
  const auto outcome = interpret_entitlement(answer(200,
      R"({"entitled":true,"reason":"credits","credit_balance":45,"subscription_type":"pro","charge_per_fix_cents":0})"));
  EXPECT_EQ(outcome.verdict, Verdict::success);
  const auto out = outputs_of(outcome);
  EXPECT_EQ(out.at("entitled"), "true");
  EXPECT_EQ(out.at("reason"), "credits");
  EXPECT_EQ(out.at("credit-balance"), "45");
  EXPECT_EQ(out.at("subscription-type"), "pro");
  EXPECT_EQ(out.at("charge-per-fix-cents"), "0");
  EXPECT_EQ(nlohmann::json::parse(out.at("response"))["credit_balance"], 45);
  EXPECT_NE(outcome.message.find("45 credits"), std::string::npos);
  EXPECT_EQ(exit_code(outcome, OnApiError::fail), 0);
}

TEST(PlatformApi, PaygAndOverageSayWhatAFixWillCost) {
  const auto payg = interpret_entitlement(answer(200,
      R"({"entitled":true,"reason":"payg","credit_balance":0,"subscription_type":"pay_as_you_go","charge_per_fix_cents":2900})"));
  EXPECT_EQ(payg.verdict, Verdict::success);
  EXPECT_NE(payg.message.find("$29.00"), std::string::npos) << payg.message;
  const auto pro = interpret_entitlement(answer(200,
      R"({"entitled":true,"reason":"pro_overage","credit_balance":0,"subscription_type":"pro","charge_per_fix_cents":1500})"));
  EXPECT_NE(pro.message.find("$15.00"), std::string::npos) << pro.message;
}

TEST(PlatformApi, NotEntitledIsRefusedWithWhatToDo) {
  for (const std::string reason : {"no_billing_info", "payment_past_due"}) {
    const auto outcome = interpret_entitlement(answer(200, R"({"entitled":false,"reason":")" + reason +
                                                               R"(","credit_balance":0,"subscription_type":"trial","charge_per_fix_cents":2900})"));
    EXPECT_EQ(outcome.verdict, Verdict::refused);
    EXPECT_EQ(outputs_of(outcome).at("entitled"), "false");
    EXPECT_EQ(outputs_of(outcome).at("reason"), reason);
    EXPECT_NE(outcome.message.find("payment method"), std::string::npos) << outcome.message;
    EXPECT_EQ(exit_code(outcome, OnApiError::fail), 1);
    EXPECT_EQ(exit_code(outcome, OnApiError::warn), 1) << "a refusal is not an outage";
  }
}

TEST(PlatformApi, RejectedKeyIsBadInputEvenUnderWarn) {
  const auto outcome = interpret_entitlement(answer(401, R"({"error":"invalid_api_key","message":"Invalid"})"));
  EXPECT_EQ(outcome.verdict, Verdict::bad_input);
  EXPECT_EQ(exit_code(outcome, OnApiError::warn), 2);
  EXPECT_NE(outcome.message.find("api-key"), std::string::npos);
}

TEST(PlatformApi, OutagesAreApiErrorsThatWarnCanLetPass) {
  for (const auto& response : {answer(503, R"({"error":"busy"})", {}, 4), answer(429, R"({"error":"rate_limited"})", {{"Retry-After", "30"}}),
                               answer(200, "<html>maintenance</html>"), answer(302, "")}) {
    const auto outcome = interpret_entitlement(response);
    EXPECT_EQ(outcome.verdict, Verdict::api_error) << response.status;
    EXPECT_EQ(outputs_of(outcome).at("entitled"), "unknown");
    EXPECT_EQ(exit_code(outcome, OnApiError::fail), 1);
    EXPECT_EQ(exit_code(outcome, OnApiError::warn), 0);
  }
  const auto limited = interpret_entitlement(answer(429, "{}", {{"Retry-After", "30"}}));
  EXPECT_NE(limited.message.find("Retry-After 30"), std::string::npos) << limited.message;
  const auto transport = transport_failure(Command::report, "Connection refused");
  EXPECT_EQ(outputs_of(transport).at("outcome"), "api_error");
  EXPECT_NE(transport.message.find("Connection refused"), std::string::npos);
}

TEST(PlatformApi, DeploymentOutcomesMapToOutputs) {
  const auto inputs = report_inputs();
  const auto consumed = interpret_deployment(
      answer(201, R"({"outcome":"credit_consumed","amount_cents":0,"credit_balance":2,"fix_attempt_id":17})"), inputs);
  EXPECT_EQ(consumed.verdict, Verdict::success);
  EXPECT_EQ(outputs_of(consumed).at("outcome"), "credit_consumed");
  EXPECT_EQ(outputs_of(consumed).at("fix-attempt-id"), "17");
  EXPECT_EQ(outputs_of(consumed).at("credit-balance"), "2");
  const auto charged = interpret_deployment(
      answer(201, R"({"outcome":"charged","amount_cents":2900,"credit_balance":0,"fix_attempt_id":18,"charge_id":"ch_1"})"), inputs);
  EXPECT_EQ(outputs_of(charged).at("amount-cents"), "2900");
  EXPECT_NE(charged.message.find("$29.00"), std::string::npos);
  const auto billed = interpret_deployment(
      answer(200, R"({"outcome":"already_billed","amount_cents":0,"credit_balance":2,"fix_attempt_id":17})"), inputs);
  EXPECT_EQ(billed.verdict, Verdict::success);
  EXPECT_EQ(outputs_of(billed).at("outcome"), "already_billed");
}

TEST(PlatformApi, ReplayOnTheFirstAttemptMeansAnEarlierRunBilled) {
  const auto inputs = report_inputs();
  const std::string body = R"({"outcome":"charged","amount_cents":2900,"credit_balance":0,"fix_attempt_id":18})";
  const auto rerun = interpret_deployment(answer(201, body, {{"Idempotent-Replayed", "true"}}, 1), inputs);
  EXPECT_EQ(outputs_of(rerun).at("outcome"), "already_billed");
  EXPECT_EQ(outputs_of(rerun).at("amount-cents"), "0");
  // After retries the replay is most likely this run's own lost first answer: keep its outcome.
  const auto retried = interpret_deployment(answer(201, body, {{"Idempotent-Replayed", "true"}}, 3), inputs);
  EXPECT_EQ(outputs_of(retried).at("outcome"), "charged");
}

TEST(PlatformApi, PaymentRequiredAnswersAreRefusals) {
  for (const std::string code : {"no_billing_info", "payment_past_due", "card_declined"}) {
    const auto outcome = interpret_deployment(answer(402, R"({"error":")" + code + R"(","message":"x"})"), report_inputs());
    EXPECT_EQ(outcome.verdict, Verdict::refused) << code;
    EXPECT_EQ(outputs_of(outcome).at("outcome"), code);
    EXPECT_EQ(outputs_of(outcome).at("amount-cents"), "0");
    EXPECT_NE(outcome.message.find("re-run"), std::string::npos) << outcome.message;
    EXPECT_EQ(outcome.message.find('\n'), std::string::npos);
  }
}

TEST(PlatformApi, PlatformValidationErrorIsBadInputQuotingTheReason) {
  const auto outcome = interpret_deployment(
      answer(422, R"({"error":"invalid_commit_sha","message":"commit_sha is required: 7-64 hex characters.\nsecond line"})"),
      report_inputs());
  EXPECT_EQ(outcome.verdict, Verdict::bad_input);
  EXPECT_NE(outcome.message.find("invalid_commit_sha"), std::string::npos);
  EXPECT_EQ(outcome.message.find('\n'), std::string::npos);
}

TEST(PlatformApi, DeploymentRequestIsCanonicalAndCarriesTheDerivedKey) {
  auto inputs = report_inputs();
  inputs.merged_at = "2025-11-20T10:00:00Z";
  const auto request = deployment_request(inputs);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "http://127.0.0.1:4000/api/v1/fix-deployments");
  EXPECT_EQ(request.body,
            R"({"github_org":"octo-org","repo_name":"octo-repo","pr_number":42,"commit_sha":"abcdef0123","merged_at":"2025-11-20T10:00:00Z"})");
  EXPECT_EQ(http::find_header(request.headers, "Idempotency-Key"),
            deployment_idempotency_key("octo-org/octo-repo", 42, "abcdef0123", inputs.merged_at));
  EXPECT_EQ(http::find_header(request.headers, "x-api-key"), inputs.api_key.reveal());
  EXPECT_EQ(deployment_request(inputs).body, request.body);
}

TEST(PlatformApi, ClientBudgetFollowsTimeoutAndRetries) {
  auto inputs = report_inputs();
  inputs.timeout_seconds = 6;
  inputs.max_retries = 2;
  const auto options = client_options(inputs);
  EXPECT_EQ(options.total_timeout, std::chrono::milliseconds(6000));
  EXPECT_EQ(options.attempt_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(options.retry.max_retries, 2);
  inputs.timeout_seconds = 1;
  inputs.max_retries = 5;
  EXPECT_EQ(client_options(inputs).attempt_timeout, std::chrono::milliseconds(1000));
}

TEST(PlatformApi, NotMergedBillsNothing) {
  auto inputs = report_inputs();
  inputs.pr_not_merged = true;
  inputs.pr_state = "closed";
  const auto outcome = not_merged(inputs);
  EXPECT_EQ(outcome.verdict, Verdict::success);
  EXPECT_TRUE(outcome.notice);
  EXPECT_EQ(outputs_of(outcome).at("outcome"), "not_merged");
  EXPECT_NE(outcome.message.find("closed without being merged"), std::string::npos);
}

}  // namespace
}  // namespace rsolv::action
