#include "rsolv/sandbox/domain.hpp"

#include <array>
#include <cstddef>

namespace rsolv::sandbox {

namespace {

// Each enum's text, indexed by its value: the one place a value's spelling is written.
constexpr std::array<std::string_view, 3> kSubscriptionTypes = {"trial", "pay_as_you_go", "pro"};
constexpr std::array<std::string_view, 5> kSubscriptionStates = {"active", "past_due", "canceled", "incomplete",
                                                                 "trialing"};
constexpr std::array<std::string_view, 2> kFixStatuses = {"pending", "merged"};
constexpr std::array<std::string_view, 2> kBillingStatuses = {"not_billed", "billed"};
constexpr std::array<std::string_view, 3> kFixOutcomes = {"credit_consumed", "charged", "already_billed"};
constexpr std::array<std::string_view, 5> kEntitlementReasons = {"credits", "payg", "pro_overage", "no_billing_info",
                                                                 "payment_past_due"};
constexpr std::array<std::string_view, 3> kWebhookOutcomes = {"processed", "ignored", "duplicate"};
constexpr std::array<std::string_view, 2> kChargeOutcomes = {"succeeded", "declined"};
constexpr std::array<std::string_view, 6> kLedgerSources = {"trial_signup", "billing_added", "pro_subscription_payment",
                                                            "purchased",    "fix_deployed",  "seed"};
constexpr std::array<std::string_view, 31> kErrorCodes = {
    "invalid_json", "nul_character",
    "invalid_name", "invalid_email", "email_taken", "invalid_api_key",
    "invalid_providers", "invalid_ttl", "usage_limit_exceeded",
    "raw_card_data_refused", "invalid_payment_method", "billing_consent_required",
    "invalid_plan", "no_billing_info", "subscription_exists", "no_subscription",
    "payment_past_due", "card_declined",
    "invalid_github_org", "invalid_repo_name", "invalid_pr_number", "invalid_issue_number", "invalid_pr_url",
    "invalid_commit_sha", "invalid_merged_at", "fix_attempt_exists",
    "invalid_idempotency_key", "idempotency_key_reuse",
    "invalid_signature", "invalid_event", "unknown_customer",
};
static_assert(static_cast<std::size_t>(ErrorCode::unknown_customer) + 1 == kErrorCodes.size());

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, Enum value) {
  return names.at(static_cast<std::size_t>(value));
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(SubscriptionType value) { return name_of(kSubscriptionTypes, value); }
std::string_view to_string(SubscriptionState value) { return name_of(kSubscriptionStates, value); }
std::string_view to_string(FixStatus value) { return name_of(kFixStatuses, value); }
std::string_view to_string(BillingStatus value) { return name_of(kBillingStatuses, value); }
std::string_view to_string(FixOutcome value) { return name_of(kFixOutcomes, value); }
std::string_view to_string(EntitlementReason value) { return name_of(kEntitlementReasons, value); }
std::string_view to_string(WebhookOutcome value) { return name_of(kWebhookOutcomes, value); }
std::string_view to_string(ChargeOutcome value) { return name_of(kChargeOutcomes, value); }
std::string_view to_string(LedgerSource value) { return name_of(kLedgerSources, value); }
std::string_view to_string(ErrorCode value) { return name_of(kErrorCodes, value); }

std::optional<SubscriptionType> parse_subscription_type(std::string_view text) {
  return value_of<SubscriptionType>(kSubscriptionTypes, text);
}
std::optional<SubscriptionState> parse_subscription_state(std::string_view text) {
  return value_of<SubscriptionState>(kSubscriptionStates, text);
}
std::optional<FixStatus> parse_fix_status(std::string_view text) { return value_of<FixStatus>(kFixStatuses, text); }
std::optional<BillingStatus> parse_billing_status(std::string_view text) {
  return value_of<BillingStatus>(kBillingStatuses, text);
}
std::optional<FixOutcome> parse_fix_outcome(std::string_view text) { return value_of<FixOutcome>(kFixOutcomes, text); }
std::optional<EntitlementReason> parse_entitlement_reason(std::string_view text) {
  return value_of<EntitlementReason>(kEntitlementReasons, text);
}
std::optional<WebhookOutcome> parse_webhook_outcome(std::string_view text) {
  return value_of<WebhookOutcome>(kWebhookOutcomes, text);
}
std::optional<ChargeOutcome> parse_charge_outcome(std::string_view text) {
  return value_of<ChargeOutcome>(kChargeOutcomes, text);
}
std::optional<LedgerSource> parse_ledger_source(std::string_view text) {
  return value_of<LedgerSource>(kLedgerSources, text);
}
std::optional<ErrorCode> parse_error_code(std::string_view text) { return value_of<ErrorCode>(kErrorCodes, text); }

}  // namespace rsolv::sandbox
