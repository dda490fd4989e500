#include "rsolv/action/platform_api.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "rsolv/action/idempotency.hpp"
#include "rsolv/http/beast_transport.hpp"

namespace rsolv::action {

namespace {

using nlohmann::json;

json parse_object(const std::string& body) {
  auto parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return json();
  return parsed;
}

std::string string_field(const json& body, const char* key, std::string fallback = {}) {
  const auto it = body.find(key);
  if (it == body.end()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_null()) return fallback;
  return it->dump();
}

std::optional<long long> integer_field(const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<long long>();
}

std::string plural(long long n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The platform's own explanation, kept short and on one line.
std::string platform_message(const json& body) {
  auto message = string_field(body, "message");
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\r', ' ');
  if (message.size() > 200) message = message.substr(0, 200) + "...";
  return message;
}

Outcome failure(Command command, Verdict verdict, std::string code, std::string message, const json& body) {
  Outcome outcome;
  outcome.verdict = verdict;
  outcome.title = command == Command::check ? "RSOLV entitlement check failed" : "RSOLV fix report failed";
  outcome.message = std::move(message);
  if (command == Command::check) {
    outcome.outputs = {{"entitled", verdict == Verdict::api_error ? "unknown" : "false"}, {"reason", code}};
  } else {
    outcome.outputs = {{"outcome", code}, {"amount-cents", "0"}};
  }
  outcome.rows = {{command == Command::check ? "Reason" : "Outcome", code}};
  if (!body.is_null()) outcome.outputs.emplace_back("response", body.dump(2));
  outcome.outputs.emplace_back("message", outcome.message);
  return outcome;
}

// What to do after an outage. A report may have been billed by an attempt whose answer was lost;
// saying that re-running is safe keeps users from paying twice out of caution (it cannot happen).
std::string outage_advice(Command command) {
  return command == Command::report
             ? "re-run the job later (safe: a report bills once however often it runs), or set on-api-error: warn"
             : "re-run the job later, or set on-api-error: warn to let workflows pass during outages";
}

std::string retry_hint(const http::Response& response) {
  return " after " + plural(response.attempts, "attempt");
}

// Answers that mean the same for both calls: bad key, wrong URL, rate limit, outage, garbage.
Outcome common_failure(Command command, const http::Response& response, const std::string& path) {
  const auto body = parse_object(response.body);
  const auto code = string_field(body, "error");
  const auto status = std::to_string(response.status);
  if (response.status == 401) {
    return failure(command, Verdict::bad_input, code.empty() ? "invalid_api_key" : code,
                   "the RSOLV API rejected the api-key (401): set api-key to the key shown at onboarding, e.g. "
                   "`api-key: ${{ secrets.RSOLV_API_KEY }}`",
                   body);
  }
  if (response.status == 404 || response.status == 405) {
    return failure(command, Verdict::bad_input, "not_found",
                   "the server at api-url answered " + status + " for " + path +
                       ": set api-url to the RSOLV API base URL (default https://api.rsolv.dev)",
                   body);
  }
  if (response.status == 422 || response.status == 400) {
    const auto detail = platform_message(body);
    return failure(command, Verdict::bad_input, code.empty() ? "invalid_request" : code,
                   "the RSOLV API refused the request (" + status + (code.empty() ? "" : " " + code) + ")" +
                       (detail.empty() ? "" : ": " + detail) + "; fix the inputs named there",
                   body);
  }
  if (response.status == 429) {
    const auto retry_after = response.header("Retry-After");
    return failure(command, Verdict::api_error, "rate_limited",
                   "the RSOLV API is rate limiting this key (429" +
                       (retry_after ? ", Retry-After " + *retry_after + " s" : std::string()) + ")" +
                       retry_hint(response) + ": " + outage_advice(command),
                   body);
  }
  if (response.status >= 500) {
    return failure(command, Verdict::api_error, "api_error",
                   "the RSOLV API answered " + status + retry_hint(response) + ": " + outage_advice(command),
                   body);
  }
  return failure(command, Verdict::api_error, "api_error",
                 "the RSOLV API gave an unexpected answer (" + status + ") for " + path +
                     ": check api-url, or report this to RSOLV support",
                 body);
}

std::string reason_text(const std::string& reason, long long balance, long long cents) {
  if (reason == "credits") return "entitled: " + plural(balance, "credit") + " left";
  if (reason == "payg") return "entitled: no credits left; each merged fix is charged " + format_cents(cents) + " (pay as you go)";
  if (reason == "pro_overage") return "entitled: no credits left; each merged fix is charged " + format_cents(cents) + " (Pro overage)";
  if (reason == "no_billing_info") {
    return "not entitled: no credits left and no payment method on file; add a payment method to your RSOLV account, "
           "then re-run this job";
  }
  if (reason == "payment_past_due") {
    return "not entitled: the subscription's last payment failed (past due); update the payment method on your RSOLV "
           "account, then re-run this job";
  }
  return "not entitled (" + reason + "): see your RSOLV account's billing page, then re-run this job";
}

}  // namespace

int exit_code(const Outcome& outcome, OnApiError on_api_error) {
  switch (outcome.verdict) {
    case Verdict::success: return 0;
    case Verdict::refused: return 1;
    case Verdict::api_error: return on_api_error == OnApiError::warn ? 0 : 1;
    case Verdict::bad_input: return 2;
  }
  return 1;
}

http::Request entitlement_request(const Inputs& inputs) {
  return {"GET", inputs.api_url + "/api/v1/entitlement",
          {{"x-api-key", inputs.api_key.reveal()}, {"Accept", "application/json"}}};
}

std::string deployment_body(const Inputs& inputs) {
  // nlohmann::ordered_json keeps this order, so one report always has one byte-identical body.
  nlohmann::ordered_json body;
  body["github_org"] = inputs.github_org;
  body["repo_name"] = inputs.repo_name;
  body["pr_number"] = inputs.pr_number.value_or(0);
  body["commit_sha"] = inputs.commit_sha.value_or("");
  if (inputs.merged_at) body["merged_at"] = *inputs.merged_at;
  return body.dump();
}

http::Request deployment_request(const Inputs& inputs) {
  return {"POST",
          inputs.api_url + "/api/v1/fix-deployments",
          {{"x-api-key", inputs.api_key.reveal()},
           {"Accept", "application/json"},
           {"Content-Type", "application/json"},
           {"Idempotency-Key", deployment_idempotency_key(inputs.repository, inputs.pr_number.value_or(0),
                                                          inputs.commit_sha.value_or(""), inputs.merged_at)}},
          deployment_body(inputs)};
}

Outcome interpret_entitlement(const http::Response& response) {
  const auto body = parse_object(response.body);
  if (response.status != 200) return common_failure(Command::check, response, "/api/v1/entitlement");
  const auto entitled = body.find("entitled");
  const auto balance = integer_field(body, "credit_balance");
  if (body.is_null() || entitled == body.end() || !entitled->is_boolean() || !balance) {
    return failure(Command::check, Verdict::api_error, "api_error",
                   "the RSOLV API answered 200 without an entitlement: check api-url points to the RSOLV API", body);
  }
  const auto reason = string_field(body, "reason", "unknown");
  const auto cents = integer_field(body, "charge_per_fix_cents").value_or(0);
  const auto type = string_field(body, "subscription_type", "unknown");
  Outcome outcome;
  outcome.verdict = entitled->get<bool>() ? Verdict::success : Verdict::refused;
  outcome.title = outcome.verdict == Verdict::success ? "RSOLV: entitled" : "RSOLV: not entitled";
  outcome.message = reason_text(reason, *balance, cents);
  outcome.outputs = {{"entitled", entitled->get<bool>() ? "true" : "false"},
                     {"reason", reason},
                     {"credit-balance", std::to_string(*balance)},
                     {"subscription-type", type},
                     {"charge-per-fix-cents", std::to_string(cents)},
                     {"response", body.dump(2)},
                     {"message", outcome.message}};
  outcome.rows = {{"Entitled", entitled->get<bool>() ? "yes" : "no"},
                  {"Reason", reason},
                  {"Credit balance", std::to_string(*balance)},
                  {"Subscription", type},
                  {"Charge per fix without credits", format_cents(cents)}};
  return outcome;
}

Outcome interpret_deployment(const http::Response& response, const Inputs& inputs) {
  const auto body = parse_object(response.body);
  const auto pr = inputs.repository + "#" + std::to_string(inputs.pr_number.value_or(0));
  if (response.status == 402) {
    const auto code = string_field(body, "error", "payment_required");
    std::string what;
    if (code == "card_declined") {
      what = "the card on file was declined";
    } else if (code == "payment_past_due") {
      what = "the subscription is past due";
    } else if (code == "no_billing_info") {
      what = "no credits are left and no payment method is on file";
    } else {
      what = "payment is required (" + code + ")";
    }
    return failure(Command::report, Verdict::refused, code,
                   pr + " not billed: " + what +
                       "; update the payment method on your RSOLV account, then re-run this job (it bills once)",
                   body);
  }
  if (response.status != 200 && response.status != 201) {
    return common_failure(Command::report, response, "/api/v1/fix-deployments");
  }
  auto outcome_code = string_field(body, "outcome");
  const auto amount = integer_field(body, "amount_cents");
  const auto balance = integer_field(body, "credit_balance");
  const auto attempt_id = integer_field(body, "fix_attempt_id");
  if (body.is_null() || !amount || !balance || !attempt_id ||
      (outcome_code != "credit_consumed" && outcome_code != "charged" && outcome_code != "already_billed")) {
    return failure(Command::report, Verdict::api_error, "api_error",
                   "the RSOLV API answered " + std::to_string(response.status) +
                       " without a billing outcome: check api-url points to the RSOLV API",
                   body);
  }
  long long charged_now = *amount;
  const auto replayed = response.header("Idempotent-Replayed");
  const bool earlier_run = replayed && http::iequals(*replayed, "true") && response.attempts <= 1;
  if (earlier_run) {
    outcome_code = "already_billed";
    charged_now = 0;
  }
  Outcome outcome;
  outcome.title = "RSOLV: fix reported";
  if (outcome_code == "credit_consumed") {
    outcome.message = pr + " reported: 1 credit used, " + plural(*balance, "credit") + " left";
  } else if (outcome_code == "charged") {
    outcome.message = pr + " reported: charged " + format_cents(*amount) + " (no credits were left)";
  } else {
    outcome.message = pr + " was billed before" + std::string(earlier_run ? " by an earlier run" : "") +
                      ": nothing charged now";
  }
  outcome.outputs = {{"outcome", outcome_code},
                     {"amount-cents", std::to_string(charged_now)},
                     {"credit-balance", std::to_string(*balance)},
                     {"fix-attempt-id", std::to_string(*attempt_id)},
                     {"response", body.dump(2)},
                     {"message", outcome.message}};
  outcome.rows = {{"Pull request", pr},
                  {"Commit", inputs.commit_sha.value_or("")},
                  {"Outcome", outcome_code},
                  {"Charged now", format_cents(charged_now)},
                  {"Credit balance", std::to_string(*balance)},
                  {"Fix attempt", std::to_string(*attempt_id)}};
  return outcome;
}

Outcome transport_failure(Command command, const std::string& what) {
  return failure(command, Verdict::api_error, "api_error",
                 "could not reach the RSOLV API (" + what + "): check api-url and the runner's network; " +
                     outage_advice(command),
                 json());
}

Outcome not_merged(const Inputs& inputs) {
  Outcome outcome;
  outcome.notice = true;
  outcome.title = "RSOLV: nothing to bill";
  const auto pr = inputs.repository.empty() ? "PR #" + std::to_string(inputs.pr_number.value_or(0))
                                            : inputs.repository + "#" + std::to_string(inputs.pr_number.value_or(0));
  outcome.message = pr + " is " + (inputs.pr_state == "closed" ? "closed without being merged" : "not merged (" + inputs.pr_state + ")") +
                    ": nothing billed (run report only when `github.event.pull_request.merged` is true)";
  outcome.outputs = {{"outcome", "not_merged"}, {"amount-cents", "0"}, {"message", outcome.message}};
  outcome.rows = {{"Pull request", pr}, {"Outcome", "not_merged"}, {"Charged now", format_cents(0)}};
  return outcome;
}

http::ClientOptions client_options(const Inputs& inputs) {
  http::ClientOptions options;
  const std::chrono::milliseconds total(inputs.timeout_seconds * 1000LL);
  options.total_timeout = total;
  // Each attempt gets an equal share of the budget (at least a second), so a stalled attempt
  // leaves room for the retries instead of eating the whole timeout.
  options.attempt_timeout =
      std::max(std::chrono::milliseconds(1000), total / (inputs.max_retries + 1));
  options.attempt_timeout = std::min(options.attempt_timeout, total);
  options.connect_timeout = std::min(std::chrono::milliseconds(5000), options.attempt_timeout);
  options.retry.max_retries = inputs.max_retries;
  options.retry.base_delay = std::chrono::milliseconds(250);
  options.retry.max_delay = std::chrono::milliseconds(4000);
  options.retry.max_retry_after = total;
  options.user_agent = "rsolv-action";
  return options;
}

Outcome call_platform(const Inputs& inputs, http::ClientOptions options, Clock& clock) {
  const auto request = inputs.command == Command::check ? entitlement_request(inputs) : deployment_request(inputs);
  try {
    http::Client client(std::move(options), clock);
    const auto response = client.send(request);
    return inputs.command == Command::check ? interpret_entitlement(response) : interpret_deployment(response, inputs);
  } catch (const http::TransportError& error) {
    return transport_failure(inputs.command, error.what());
  }
}

}  // namespace rsolv::action
