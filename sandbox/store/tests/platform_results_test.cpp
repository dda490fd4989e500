// The store's own answers, before the server maps them to HTTP: typed outcomes and refusals, and
// the domain values' text, which is what the database holds and the contract shows.
#include <array>

#include "platform_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;

class PlatformResults : public PlatformFixture {
 protected:
  FixDeployment deployed(const Result<FixDeployment>& result) {
    if (const auto* refused = std::get_if<Failure>(&result)) {
      ADD_FAILURE() << "refused: " << to_string(refused->code) << ": " << refused->message;
      return {};
    }
    return std::get<FixDeployment>(result);
  }
  Result<FixDeployment> report(CustomerId id, int pr, std::optional<std::string_view> key = std::nullopt) {
    return platform().fix_deployment(id, pr_body(pr).dump(), key);
  }
};

TEST_F(PlatformResults, ADeploymentSaysHowItWasPaidForAndThatARetryWasBilledBefore) {
  const auto id = onboard("typed-deploy@example.com");
  const auto first = deployed(report(id, 1));
  EXPECT_EQ(first.outcome, FixOutcome::credit_consumed);
  EXPECT_EQ(first.credit_balance, balance(id));
  EXPECT_FALSE(first.replayed);
  const auto again = deployed(report(id, 1));
  EXPECT_EQ(again.outcome, FixOutcome::already_billed);
  EXPECT_EQ(again.fix_attempt_id, first.fix_attempt_id);
  EXPECT_EQ(again.credit_balance, first.credit_balance);
}

TEST_F(PlatformResults, AReplayedKeyGivesTheFirstAnswerBackMarkedReplayed) {
  const auto id = onboard("typed-replay@example.com");
  const auto first = deployed(report(id, 7, "key-typed"));
  deployed(report(id, 8));  // the balance moves on
  const auto replay = deployed(report(id, 7, "key-typed"));
  EXPECT_TRUE(replay.replayed);
  EXPECT_EQ(replay.outcome, first.outcome);
  EXPECT_EQ(replay.credit_balance, first.credit_balance);
  EXPECT_EQ(replay.fix_attempt_id, first.fix_attempt_id);
}

TEST_F(PlatformResults, RefusalsCarryAKindAndACode) {
  const auto id = onboard("typed-refusal@example.com");
  const int next_pr = spend_all_credits(id);
  const auto unpaid = report(id, next_pr);
  ASSERT_TRUE(std::holds_alternative<Failure>(unpaid));
  EXPECT_EQ(std::get<Failure>(unpaid).kind, FailureKind::payment_required);
  EXPECT_EQ(std::get<Failure>(unpaid).code, ErrorCode::no_billing_info);

  // The same code is a different kind where no payment is due: subscribing without billing.
  const auto subscribe = platform().create_subscription(id, R"({"plan":"pro"})");
  ASSERT_TRUE(std::holds_alternative<Failure>(subscribe));
  EXPECT_EQ(std::get<Failure>(subscribe).kind, FailureKind::invalid);
  EXPECT_EQ(std::get<Failure>(subscribe).code, ErrorCode::no_billing_info);

  const auto taken = platform().onboard(json{{"name", "Dev"}, {"email", "typed-refusal@example.com"}}.dump());
  ASSERT_TRUE(std::holds_alternative<Failure>(taken));
  EXPECT_EQ(std::get<Failure>(taken).kind, FailureKind::conflict);
  EXPECT_EQ(std::get<Failure>(taken).code, ErrorCode::email_taken);
}

TEST_F(PlatformResults, TheAccountReadsBackTheTypedPlanTheDatabaseHolds) {
  const auto id = pro_customer("typed-plan@example.com");
  const auto account = std::get<Account>(platform().me(id));
  EXPECT_EQ(account.subscription_type, SubscriptionType::pro);
  EXPECT_EQ(account.subscription_state, SubscriptionState::active);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM customers WHERE id = ?1 AND subscription_type = 'pro' AND "
                   "subscription_state = 'active'",
                   id.value),
            1);
}

// Every value's text parses back to it, and text the database or a client could hold otherwise does not.
template <class Enum, std::size_t N, class Parse>
void expect_round_trip(const std::array<Enum, N>& values, Parse parse) {
  for (const auto value : values) {
    EXPECT_EQ(parse(to_string(value)), value) << to_string(value);
    EXPECT_FALSE(parse(std::string(to_string(value)) + " ").has_value());
  }
  EXPECT_FALSE(parse("").has_value());
}

TEST(DomainValues, EachValueHasOneTextThatParsesBack) {
  using T = SubscriptionType;
  using S = SubscriptionState;
  expect_round_trip(std::array{T::trial, T::pay_as_you_go, T::pro}, parse_subscription_type);
  expect_round_trip(std::array{S::active, S::past_due, S::canceled, S::incomplete, S::trialing},
                    parse_subscription_state);
  expect_round_trip(std::array{FixStatus::pending, FixStatus::merged}, parse_fix_status);
  expect_round_trip(std::array{BillingStatus::not_billed, BillingStatus::billed}, parse_billing_status);
  expect_round_trip(std::array{FixOutcome::credit_consumed, FixOutcome::charged, FixOutcome::already_billed},
                    parse_fix_outcome);
  expect_round_trip(std::array{EntitlementReason::credits, EntitlementReason::payg, EntitlementReason::pro_overage,
                               EntitlementReason::no_billing_info, EntitlementReason::payment_past_due},
                    parse_entitlement_reason);
  expect_round_trip(std::array{WebhookOutcome::processed, WebhookOutcome::ignored, WebhookOutcome::duplicate},
                    parse_webhook_outcome);
  expect_round_trip(std::array{ChargeOutcome::succeeded, ChargeOutcome::declined}, parse_charge_outcome);
  expect_round_trip(std::array{LedgerSource::trial_signup, LedgerSource::billing_added,
                               LedgerSource::pro_subscription_payment, LedgerSource::purchased,
                               LedgerSource::fix_deployed, LedgerSource::seed},
                    parse_ledger_source);
  expect_round_trip(std::array{ErrorCode::invalid_json, ErrorCode::no_billing_info, ErrorCode::unknown_customer},
                    parse_error_code);
}

}  // namespace
}  // namespace rsolv::sandbox
