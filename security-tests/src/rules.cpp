#include "rsolv/security/rules.hpp"

#include "rsolv/common/error.hpp"

namespace rsolv::security {

const std::vector<Rule>& rules() {
  static const std::vector<Rule> all = {
      {"RSOLV-PCI-001", "pci", "CardNumberEchoed", "A card number sent in a request came back in a response",
       "Never echo payment data. Refuse raw card fields and return only tokens (pm_...).", Severity::critical},
      {"RSOLV-PCI-002", "pci", "CardDataInLogs", "A card number or CVV sent in a request appears in a log file",
       "Filter request bodies out of logs; log route templates and ids only.", Severity::critical},
      {"RSOLV-PCI-003", "pci", "RawCardDataAccepted", "An endpoint accepted raw card fields instead of refusing them",
       "Refuse card_number/number/cvc fields with 422; accept Stripe payment method ids only.", Severity::high},
      {"RSOLV-PCI-004", "pci", "AccountDataCacheable", "A response with account data lacks Cache-Control: no-store",
       "Send Cache-Control: no-store on every authenticated response.", Severity::medium},
      {"RSOLV-PCI-005", "pci", "MissingHsts", "An HTTPS endpoint does not send Strict-Transport-Security",
       "Send Strict-Transport-Security: max-age=31536000; includeSubDomains on HTTPS responses.", Severity::medium},
      {"RSOLV-SQLI-001", "sqli", "ErrorBasedSqlInjection", "A quote in an input produced a database error in the response",
       "Use prepared statements with bound parameters; never concatenate input into SQL; hide database errors.",
       Severity::critical},
      {"RSOLV-SQLI-002", "sqli", "BooleanBasedSqlInjection", "True and false SQL conditions in an input changed the response",
       "Use prepared statements with bound parameters for every query.", Severity::critical},
      {"RSOLV-SQLI-003", "sqli", "TimeBasedSqlInjection", "A time-delay payload in an input delayed the response",
       "Use prepared statements with bound parameters for every query.", Severity::critical},
      {"RSOLV-SQLI-004", "sqli", "UnionBasedSqlInjection", "A UNION SELECT in an input returned injected rows",
       "Use prepared statements with bound parameters for every query; never build SQL from input.", Severity::critical},
      {"RSOLV-MA-001", "mass-assignment", "MassAssignment",
       "A privileged field sent by the client changed the account (balance, plan, billing)",
       "Bind request bodies to an allow-list of client-writable fields; set balances, plans and billing state "
       "server-side only.",
       Severity::critical},
      {"RSOLV-BOLA-001", "bola", "BrokenObjectLevelAuthorization",
       "Another customer's object was read or changed with this customer's key",
       "Scope every lookup by the authenticated customer (WHERE customer_id = the caller's) and answer 404 for the "
       "objects of others, also where the object is named by a business key (org, repo, PR) instead of an id.",
       Severity::critical},
      {"RSOLV-RACE-001", "race", "RaceConditionDoubleEffect", "Concurrent identical requests took effect more than once",
       "Make the effect and its deduplication one transaction: a unique constraint on the idempotency or business key, "
       "or a row lock (SELECT ... FOR UPDATE); never check, then act, in separate statements.",
       Severity::critical},
      {"RSOLV-BL-001", "business-logic", "AbsurdValueAccepted", "A negative, zero, huge or fractional value was accepted",
       "Validate numbers against their business range (positive integers that fit the column) and answer 422.",
       Severity::high},
      {"RSOLV-BL-002", "business-logic", "IdempotencyKeyReuseAccepted",
       "An idempotency key replayed with another body was accepted",
       "Bind each Idempotency-Key to a hash of its request body and answer 422 to the same key with another body.",
       Severity::high},
      {"RSOLV-WH-001", "webhooks", "UnsignedWebhookAccepted", "A webhook without a valid Stripe signature was accepted",
       "Verify Stripe-Signature (HMAC-SHA256 over t.payload, constant-time, 300 s tolerance) before any effect.",
       Severity::critical},
      {"RSOLV-WH-002", "webhooks", "StaleWebhookAccepted", "A webhook with a timestamp outside the tolerance was accepted",
       "Refuse signatures whose timestamp is more than 300 s from now, past or future.", Severity::high},
      {"RSOLV-WH-003", "webhooks", "LegacyV0SignatureAccepted", "A webhook signed only with the v0 scheme was accepted",
       "Accept v1 signatures only.", Severity::high},
      {"RSOLV-WH-004", "webhooks", "WebhookReplayApplied", "A replayed webhook event changed state a second time",
       "Record each event id and apply its effect in one transaction; answer duplicates without effect.",
       Severity::high},
      {"RSOLV-WH-005", "webhooks", "OversizedWebhookAccepted", "An oversized webhook body was accepted",
       "Limit request bodies (1 MiB) and answer 413.", Severity::low},
      {"RSOLV-RL-001", "rate-limit", "RateLimitMissing", "The declared rate limit did not trigger",
       "Enforce the documented per-key and per-IP limits with 429.", Severity::high},
      {"RSOLV-RL-002", "rate-limit", "RateLimitOffTarget", "The rate limit triggered far from the declared count",
       "Make the limit match the documented count (within 2 %).", Severity::medium},
      {"RSOLV-RL-003", "rate-limit", "RateLimitHeadersMissing", "Rate-limit headers are missing or inconsistent",
       "Send X-RateLimit-Limit, X-RateLimit-Remaining (decreasing), X-RateLimit-Reset and, on 429, Retry-After.",
       Severity::medium},
      {"RSOLV-RL-004", "rate-limit", "RateLimitNotIsolated", "One client's requests used up another client's limit",
       "Key limits per API key (authenticated routes) or per client IP as documented.", Severity::medium},
      {"RSOLV-AUTH-001", "auth", "MissingAuthentication", "A protected route answered without a valid API key",
       "Refuse missing, malformed and revoked keys with 401 before any work.", Severity::critical},
      {"RSOLV-AUTH-002", "auth", "KeyEchoed", "A response echoed the API key that was sent",
       "Never include credentials in responses or error messages.", Severity::high},
      {"RSOLV-AUTH-003", "auth", "InternalsLeaked", "An error response leaked a stack trace, SQL or internal paths",
       "Return generic error bodies; log details server-side only.", Severity::medium},
  };
  return all;
}

std::string_view owasp_api_category(std::string_view rule_id) {
  // OWASP API Security Top 10 (2023), for the rules that map onto one of its risks.
  if (rule_id.starts_with("RSOLV-BOLA-")) return "API1:2023"; // Broken Object Level Authorization
  if (rule_id.starts_with("RSOLV-MA-")) return "API3:2023";   // Broken Object Property Level Authorization
  if (rule_id.starts_with("RSOLV-AUTH-")) return "API2:2023"; // Broken Authentication
  if (rule_id.starts_with("RSOLV-WH-")) return "API2:2023";   // unauthenticated webhook deliveries
  if (rule_id.starts_with("RSOLV-RL-")) return "API4:2023";   // Unrestricted Resource Consumption
  if (rule_id.starts_with("RSOLV-RACE-") || rule_id == "RSOLV-BL-002") {
    return "API6:2023";  // Unrestricted Access to Sensitive Business Flows
  }
  if (rule_id == "RSOLV-BL-001") return "API8:2023";  // Security Misconfiguration: no input validation
  if (rule_id == "RSOLV-PCI-004" || rule_id == "RSOLV-PCI-005") return "API8:2023";  // Security Misconfiguration
  return {};
}

const Rule& rule(std::string_view id) {
  for (const auto& candidate : rules()) {
    if (candidate.id == id) return candidate;
  }
  throw Error("unknown security rule " + std::string(id));
}

}  // namespace rsolv::security
