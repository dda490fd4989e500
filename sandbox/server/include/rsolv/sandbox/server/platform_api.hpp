#pragma once
// The platform's results as HTTP: each Failure kind has one status, each result one JSON body,
// byte for byte the contract's (docs/platform-contract.md). PlatformApi is the platform's
// endpoints with their answers mapped; App calls it after routing, authentication and rate limits.
#include <optional>
#include <string_view>
#include <variant>

#include "rsolv/http/server.hpp"
#include "rsolv/sandbox/platform.hpp"

namespace rsolv::sandbox::server {

// Status, JSON body and any extra headers of one answer.
using ApiResult = http::ServerResponse;

int http_status(FailureKind kind);

// {"error": code, "message": ...} with http_status(kind).
ApiResult to_response(const Failure& failure);
// Accounts and access: 201 onboarded, else 200.
ApiResult to_response(const Onboarded& result);
ApiResult to_response(const Account& result);
ApiResult to_response(const EntitlementView& result);
ApiResult to_response(const Credentials& result);
// Billing: 201 for what was created, 200 for a cancellation.
ApiResult to_response(const PaymentMethodAdded& result);
ApiResult to_response(const SubscriptionCreated& result);
ApiResult to_response(const SubscriptionCanceled& result);
// Fixes and the ledger.
ApiResult to_response(const FixAttemptCreated& result);
ApiResult to_response(const FixDeployment& result);  // 201 billed now, 200 billed before; replays marked
ApiResult to_response(const Transactions& result);
ApiResult to_response(const WebhookReceipt& result);

template <class T>
ApiResult to_response(const Result<T>& result) {
  return std::visit([](const auto& value) { return to_response(value); }, result);
}

class PlatformApi {
 public:
  explicit PlatformApi(Platform& platform) : platform_(platform) {}

  ApiResult onboard(std::string_view body) { return to_response(platform_.onboard(body)); }
  ApiResult me(CustomerId customer) { return to_response(platform_.me(customer)); }
  ApiResult entitlement(CustomerId customer) { return to_response(platform_.entitlement(customer)); }
  ApiResult exchange_credentials(CustomerId customer, std::string_view body) {
    return to_response(platform_.exchange_credentials(customer, body));
  }
  ApiResult add_payment_method(CustomerId customer, std::string_view body) {
    return to_response(platform_.add_payment_method(customer, body));
  }
  ApiResult create_subscription(CustomerId customer, std::string_view body) {
    return to_response(platform_.create_subscription(customer, body));
  }
  ApiResult cancel_subscription(CustomerId customer, bool at_period_end) {
    return to_response(platform_.cancel_subscription(customer, at_period_end));
  }
  ApiResult create_fix_attempt(CustomerId customer, std::string_view body) {
    return to_response(platform_.create_fix_attempt(customer, body));
  }
  ApiResult fix_deployment(CustomerId customer, std::string_view body, std::optional<std::string_view> idempotency_key) {
    return to_response(platform_.fix_deployment(customer, body, idempotency_key));
  }
  ApiResult transactions(CustomerId customer) { return to_response(platform_.transactions(customer)); }
  ApiResult stripe_webhook(std::string_view raw_body, std::string_view signature_header) {
    return to_response(platform_.stripe_webhook(raw_body, signature_header));
  }

  Platform& platform() { return platform_; }

 private:
  Platform& platform_;
};

}  // namespace rsolv::sandbox::server
