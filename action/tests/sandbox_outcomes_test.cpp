// Every billing outcome, end to end: the real rsolv-action binary in a runner-like environment
// against a real rsolv-sandbox.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/runner_env.hpp"
#include "support/sandbox.hpp"

namespace rsolv::action {
namespace {

using namespace rsolv::action::testing;

class Outcomes : public ::testing::Test {
 protected:
  RunnerStep check(const std::string& key) {
    RunnerStep step;
    step.with("command", "check").with("api-key", key).with("api-url", sandbox.url());
    return step;
  }
  RunnerStep report(const std::string& key, long long pr) {
    RunnerStep step;
    step.with("command", "report").with("api-key", key).with("api-url", sandbox.url()).event(pull_request_event(pr, true));
    return step;
  }
  void expect_clean(const StepResult& result, const std::string& key) {
    expect_key_never_leaked(result, key, /*masked=*/true, {sandbox.access_log_path(), sandbox.stderr_path()});
  }

  Sandbox sandbox;
};

TEST_F(Outcomes, CheckEntitledByCredits) {
  const auto key = sandbox.key("trial_no_billing");
  const auto result = check(key).run();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.output("entitled"), "true");
  EXPECT_EQ(result.output("reason"), "credits");
  EXPECT_EQ(result.output("credit-balance"), "3");
  EXPECT_EQ(result.output("subscription-type"), "trial");
  EXPECT_NE(result.summary_file.find("| Entitled | yes |"), std::string::npos) << result.summary_file;
  EXPECT_NE(result.out.find("3 credits left"), std::string::npos) << result.out;
  expect_clean(result, key);
}

TEST_F(Outcomes, CheckPayAsYouGoIsEntitledAtTheFixPrice) {
  const auto key = sandbox.key("payg");
  const auto result = check(key).run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.output("entitled"), "true");
  EXPECT_EQ(result.output("reason"), "payg");
  EXPECT_EQ(result.output("charge-per-fix-cents"), "2900");
  EXPECT_EQ(result.output("credit-balance"), "0");
  expect_clean(result, key);
}

TEST_F(Outcomes, ProWithoutCreditsIsEntitledToOverageAndReportCharges) {
  const auto key = sandbox.key("pro_active");
  sandbox.drain_credits(key);
  const auto checked = check(key).run();
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
  EXPECT_EQ(checked.output("reason"), "pro_overage");
  EXPECT_EQ(checked.output("charge-per-fix-cents"), "1500");
  EXPECT_EQ(checked.output("subscription-type"), "pro");

  const int purchased_before = sandbox.ledger_count(key, "purchased");
  const auto reported = report(key, 501).run();
  EXPECT_EQ(reported.exit_code, 0) << reported.out;
  EXPECT_EQ(reported.output("outcome"), "charged");
  EXPECT_EQ(reported.output("amount-cents"), "1500");
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), purchased_before + 1);
  EXPECT_EQ(sandbox.balance(key), 0);
  EXPECT_EQ(nlohmann::json::parse(reported.output("response"))["charge_id"].get<std::string>().substr(0, 3), "ch_");
  expect_clean(checked, key);
  expect_clean(reported, key);
}

TEST_F(Outcomes, CheckNotEntitledFailsWithWhatToDo) {
  const auto key = sandbox.key("trial_expired");
  const auto result = check(key).run();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output("entitled"), "false");
  EXPECT_EQ(result.output("reason"), "no_billing_info");
  const auto lines = result.out_lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.back().starts_with("::error title=RSOLV%3A not entitled::")) << result.out;
  EXPECT_NE(lines.back().find("add a payment method"), std::string::npos);
  expect_clean(result, key);
}

TEST_F(Outcomes, CheckPastDueFails) {
  const auto key = sandbox.key("pro_past_due");
  const auto result = check(key).run();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output("entitled"), "false");
  EXPECT_EQ(result.output("reason"), "payment_past_due");
  expect_clean(result, key);
}

TEST_F(Outcomes, ReportUsesACreditOfAMergedPullRequest) {
  const auto key = sandbox.key("trial_no_billing");
  const auto result = report(key, 42).run();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.output("outcome"), "credit_consumed");
  EXPECT_EQ(result.output("amount-cents"), "0");
  EXPECT_EQ(result.output("credit-balance"), "2");
  EXPECT_FALSE(result.output("fix-attempt-id").empty());
  EXPECT_EQ(sandbox.balance(key), 2);
  EXPECT_NE(result.summary_file.find("octo-org/octo-repo#42"), std::string::npos) << result.summary_file;
  expect_clean(result, key);
}

TEST_F(Outcomes, ReportPayAsYouGoCharges) {
  const auto key = sandbox.key("payg");
  const auto result = report(key, 7).run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.output("outcome"), "charged");
  EXPECT_EQ(result.output("amount-cents"), "2900");
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 1);
  expect_clean(result, key);
}

TEST_F(Outcomes, ReportWithoutBillingIsRefusedAndChangesNothing) {
  const auto key = sandbox.key("trial_expired");
  const auto rows_before = sandbox.ledger(key).size();
  const auto result = report(key, 8).run();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output("outcome"), "no_billing_info");
  EXPECT_EQ(sandbox.ledger(key).size(), rows_before);
  expect_clean(result, key);
}

TEST_F(Outcomes, ReportPastDueIsRefused) {
  const auto key = sandbox.key("pro_past_due");
  const auto result = report(key, 9).run();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output("outcome"), "payment_past_due");
  EXPECT_NE(result.out.find("past due"), std::string::npos);
  expect_clean(result, key);
}

TEST_F(Outcomes, DeclinedCardIsRefusedAndNothingIsCharged) {
  const auto key = sandbox.onboard();
  sandbox.json_call("POST", "/api/v1/billing/payment-methods", key,
                    R"({"payment_method":"pm_card_chargeDeclined","billing_consent":true})", 201);
  sandbox.drain_credits(key);
  const auto rows_before = sandbox.ledger(key).size();
  const auto result = report(key, 10).run();
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_EQ(result.output("outcome"), "card_declined");
  EXPECT_NE(result.out.find("declined"), std::string::npos);
  EXPECT_EQ(sandbox.ledger(key).size(), rows_before);
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 0);
  expect_clean(result, key);
}

TEST_F(Outcomes, ReRunsAreAlreadyBilledAndChargeOnce) {
  const auto key = sandbox.key("payg");
  const auto first = report(key, 11).run();
  ASSERT_EQ(first.exit_code, 0) << first.out;
  EXPECT_EQ(first.output("outcome"), "charged");
  // The same workflow re-run: same event, same key.
  const auto rerun = report(key, 11).run();
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out;
  EXPECT_EQ(rerun.output("outcome"), "already_billed");
  EXPECT_EQ(rerun.output("amount-cents"), "0");
  EXPECT_EQ(rerun.output("fix-attempt-id"), first.output("fix-attempt-id"));
  // A report of the same PR with another commit: a different key, still billed once.
  auto other = report(key, 11);
  other.with("commit-sha", "feedfacefeedface");
  const auto third = other.run();
  EXPECT_EQ(third.exit_code, 0) << third.out;
  EXPECT_EQ(third.output("outcome"), "already_billed");
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 1);
  EXPECT_EQ(sandbox.ledger_count(key, "fix_deployed"), 2);  // the seed's drain row + this PR's one
  expect_clean(first, key);
  expect_clean(rerun, key);
  expect_clean(third, key);
}

TEST_F(Outcomes, PullRequestClosedWithoutMergeBillsNothing) {
  const auto key = sandbox.key("payg");
  RunnerStep step;
  step.with("command", "report").with("api-key", key).with("api-url", sandbox.url()).event(pull_request_event(12, false));
  const double requests_before = sandbox.requests_total("fix-deployments");
  const auto result = step.run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.output("outcome"), "not_merged");
  const auto lines = result.out_lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.back().starts_with("::notice ")) << result.out;
  EXPECT_EQ(sandbox.requests_total("fix-deployments"), requests_before);
  EXPECT_EQ(sandbox.ledger_count(key, "purchased"), 0);
  expect_clean(result, key);
}

}  // namespace
}  // namespace rsolv::action
