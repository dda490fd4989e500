#pragma once
// The platform's domain values (docs/platform-contract.md). Each has one to_string, giving the
// text the contract shows and the database stores, and one parse_*, giving nullopt for any other
// text. The store works with these; only the database and the HTTP face see the text.
#include <optional>
#include <string_view>

namespace rsolv::sandbox {

enum class SubscriptionType { trial, pay_as_you_go, pro };
// A Stripe subscription's state as the platform keeps it (Stripe's other states map onto these).
enum class SubscriptionState { active, past_due, canceled, incomplete, trialing };
enum class FixStatus { pending, merged };
enum class BillingStatus { not_billed, billed };
// How a merged fix was paid for: the `outcome` of a fix deployment.
enum class FixOutcome { credit_consumed, charged, already_billed };
// Why a customer may (or may not) get a fix: the `reason` of an entitlement.
enum class EntitlementReason { credits, payg, pro_overage, no_billing_info, payment_past_due };
// What became of a delivered Stripe event: the `status` of a webhook answer.
enum class WebhookOutcome { processed, ignored, duplicate };
enum class ChargeOutcome { succeeded, declined };
// Why a credit balance changed: the `source` of a ledger entry.
enum class LedgerSource { trial_signup, billing_added, pro_subscription_payment, purchased, fix_deployed, seed };
// Why the platform refused a request: the `error` of an error answer.
enum class ErrorCode {
  invalid_json, nul_character,
  invalid_name, invalid_email, email_taken, invalid_api_key,
  invalid_providers, invalid_ttl, usage_limit_exceeded,
  raw_card_data_refused, invalid_payment_method, billing_consent_required,
  invalid_plan, no_billing_info, subscription_exists, no_subscription,
  payment_past_due, card_declined,
  invalid_github_org, invalid_repo_name, invalid_pr_number, invalid_issue_number, invalid_pr_url,
  invalid_commit_sha, invalid_merged_at, fix_attempt_exists,
  invalid_idempotency_key, idempotency_key_reuse,
  invalid_signature, invalid_event, unknown_customer,
};

std::string_view to_string(SubscriptionType value);
std::string_view to_string(SubscriptionState value);
std::string_view to_string(FixStatus value);
std::string_view to_string(BillingStatus value);
std::string_view to_string(FixOutcome value);
std::string_view to_string(EntitlementReason value);
std::string_view to_string(WebhookOutcome value);
std::string_view to_string(ChargeOutcome value);
std::string_view to_string(LedgerSource value);
std::string_view to_string(ErrorCode value);

std::optional<SubscriptionType> parse_subscription_type(std::string_view text);
std::optional<SubscriptionState> parse_subscription_state(std::string_view text);
std::optional<FixStatus> parse_fix_status(std::string_view text);
std::optional<BillingStatus> parse_billing_status(std::string_view text);
std::optional<FixOutcome> parse_fix_outcome(std::string_view text);
std::optional<EntitlementReason> parse_entitlement_reason(std::string_view text);
std::optional<WebhookOutcome> parse_webhook_outcome(std::string_view text);
std::optional<ChargeOutcome> parse_charge_outcome(std::string_view text);
std::optional<LedgerSource> parse_ledger_source(std::string_view text);
std::optional<ErrorCode> parse_error_code(std::string_view text);

}  // namespace rsolv::sandbox
