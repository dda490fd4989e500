// Stripe webhook endpoint: anything not signed right must be refused, a replay must not apply twice,
// and oversized bodies must be refused. A correctly signed probe is sent first as a control, so a
// target that refuses everything is reported as misconfigured instead of passing.
#include "rsolv/common/random.hpp"
#include "rsolv/security/suite.hpp"
#include "rsolv/stripe/signature.hpp"
#include "declared_request.hpp"  // accepted
#include "probe_events.hpp"

namespace rsolv::security {

namespace {

// One delivery to the webhook endpoint, with a Stripe-Signature header when `signature` is set.
Exchange deliver(Probe& probe, const WebhookTarget& hook, const std::string& payload,
                 const std::optional<std::string>& signature) {
  http::Headers headers = {{"Content-Type", "application/json"}};
  if (signature) headers.emplace_back("Stripe-Signature", *signature);
  return probe.send("POST", hook.path, headers, payload);
}

// A way to get the signature wrong: `sign` returns the header (none: no header) and may change the
// body sent, which starts as the signed payload.
struct Forgery {
  std::string check;
  const char* rule;
  std::function<std::optional<std::string>(const std::string& payload, std::string& body)> sign;
};

std::vector<Forgery> forgeries(const Secret& secret, std::int64_t t) {
  return {
      {"missing signature is refused", "RSOLV-WH-001", [](const std::string&, std::string&) { return std::nullopt; }},
      {"malformed signature is refused", "RSOLV-WH-001",
       [](const std::string&, std::string&) { return std::optional<std::string>("t=abc,v1=zz"); }},
      {"signature with a wrong secret is refused", "RSOLV-WH-001",
       [t](const std::string& payload, std::string&) {
         return stripe::sign(Secret("whsec_rsolv_security_wrong_secret"), t, payload);
       }},
      {"tampered body is refused", "RSOLV-WH-001",
       [&secret, t](const std::string& payload, std::string& body) {
         const auto header = stripe::sign(secret, t, payload);
         body = payload;
         body.replace(body.find("probe"), 5, "admin");
         return header;
       }},
      {"clear-text 't.payload' pseudo-signature is refused", "RSOLV-WH-001",
       [t](const std::string& payload, std::string&) {
         return "t=" + std::to_string(t) + ",v1=" + std::to_string(t) + "." + payload.substr(0, 20);
       }},
      {"stale timestamp (10 minutes old) is refused", "RSOLV-WH-002",
       [&secret, t](const std::string& payload, std::string&) { return stripe::sign(secret, t - 600, payload); }},
      {"future timestamp (10 minutes ahead) is refused", "RSOLV-WH-002",
       [&secret, t](const std::string& payload, std::string&) { return stripe::sign(secret, t + 600, payload); }},
      {"v0-only signature is refused", "RSOLV-WH-003",
       [&secret, t](const std::string& payload, std::string&) {
         return "t=" + std::to_string(t) + ",v0=" + stripe::compute_v1(secret, t, payload);
       }},
  };
}

class WebhooksSuite final : public Suite {
 public:
  std::string_view name() const override { return "webhooks"; }
  std::string_view description() const override {
    return "unsigned, forged, tampered, stale, future, v0-only and oversized deliveries refused; replays not applied";
  }

  std::vector<CheckResult> run(SuiteContext& context) override {
    std::vector<CheckResult> results;
    if (!context.target.webhook) return results;
    const auto& hook = *context.target.webhook;
    const auto& secret = context.target.webhook_secret;
    Random random;
    bool control_ok = false;
    results.push_back(control_check(context, hook, random, control_ok));
    for (const auto& forgery : forgeries(secret, now_unix())) {
      results.push_back(forgery_check(context, hook, forgery, random, control_ok));
    }
    results.push_back(oversized_check(context, hook, random));
    if (hook.replay_probe) {
      results.push_back(run_check(context, name(), "a replayed event is not applied twice", [&](std::string& detail) {
        return replay(context, hook, secret, random, detail);
      }));
    }
    return results;
  }

 private:
  // A correctly signed probe must be accepted; otherwise every refusal below would prove nothing.
  CheckResult control_check(SuiteContext& context, const WebhookTarget& hook, Random& random, bool& control_ok) {
    return run_check(context, name(), "a correctly signed event is accepted (control)", [&](std::string& detail) {
      const auto payload = probe_event(random).dump();
      const auto exchange = deliver(context.probe, hook, payload, stripe::sign(context.target.webhook_secret, now_unix(), payload));
      control_ok = accepted(exchange);
      detail = "signed probe answered " + std::to_string(exchange.response.status);
      // Not a vulnerability, but every refusal below would prove nothing.
      if (!control_ok) throw NoAnswer(detail + ": a correctly signed event was not accepted (check webhook_secret)");
      return std::vector<Finding>{};
    });
  }

  // A forged delivery must be refused; an acceptance is confirmed with a fresh event before it is reported.
  CheckResult forgery_check(SuiteContext& context, const WebhookTarget& hook, const Forgery& forgery, Random& random,
                            bool control_ok) {
    return run_check(context, name(), forgery.check, [&](std::string& detail) {
      std::vector<Finding> findings;
      const auto forge = [&] {
        const auto payload = probe_event(random).dump();
        std::string body = payload;
        const auto signature = forgery.sign(payload, body);
        return deliver(context.probe, hook, body, signature);
      };
      const auto first = forge();
      detail = "answered " + std::to_string(first.response.status);
      if (!accepted(first)) {
        if (!control_ok) throw NoAnswer(detail + ", but so did the correctly signed control: the refusal proves nothing");
        return findings;
      }
      const auto second = forge();  // confirmed with a fresh event
      if (accepted(second)) {
        findings.push_back(make_finding(forgery.rule, context.probe.location("POST", hook.path), context.probe.evidence(second)));
      }
      return findings;
    });
  }

  // A correctly signed body over max_body_bytes must be refused (RSOLV-WH-005).
  CheckResult oversized_check(SuiteContext& context, const WebhookTarget& hook, Random& random) {
    return run_check(context, name(), "oversized body is refused", [&](std::string& detail) {
      std::vector<Finding> findings;
      auto& probe = context.probe;
      auto event = probe_event(random);
      event["data"]["object"]["padding"] = std::string(static_cast<std::size_t>(hook.max_body_bytes) + 1024, 'x');
      const auto payload = event.dump();
      // A server may refuse an oversized body by closing the connection: that is a refusal too.
      const auto oversized = [&] {
        http::Headers headers = {{"Content-Type", "application/json"},
                                 {"Stripe-Signature", stripe::sign(context.target.webhook_secret, now_unix(), payload)}};
        return probe.attempt("POST", hook.path, headers, payload);
      };
      const auto exchange = oversized();
      if (accepted(exchange) && accepted(oversized())) {
        findings.push_back(make_finding("RSOLV-WH-005", probe.location("POST", hook.path), probe.evidence(exchange)));
      }
      detail = std::to_string(payload.size()) + " bytes answered " +
               (exchange.response.status == 0 ? "by closing the connection" : std::to_string(exchange.response.status));
      return findings;
    });
  }

  // Grants credits with a real Pro invoice event, then replays it: the balance must move once.
  std::vector<Finding> replay(SuiteContext& context, const WebhookTarget& hook, const Secret& secret, Random& random,
                              std::string& detail) {
    std::vector<Finding> findings;
    auto& probe = context.probe;
    const auto balance = [&]() -> std::optional<nlohmann::json> {
      const auto exchange = probe.send_json("GET", hook.balance_path, nullptr, &context.target.api_key);
      auto json = nlohmann::json::parse(exchange.response.body, nullptr, false);
      if (json.is_discarded() || !json.contains("credit_balance")) return std::nullopt;
      return json;
    };
    const auto before = balance();
    if (!before || !(*before)["stripe_customer_id"].is_string()) {
      detail = "skipped: the api_key's customer has no stripe_customer_id (add billing to observe replays)";
      return findings;
    }
    const auto event = pro_invoice_event(random, (*before)["stripe_customer_id"], hook.pro_price_id);
    const auto payload = event.dump();
    const auto first = probe.send("POST", hook.path,
                                  {{"Content-Type", "application/json"}, {"Stripe-Signature", stripe::sign(secret, now_unix(), payload)}},
                                  payload);
    const auto after_first = balance();
    // Stripe retries with a fresh signature over the same bytes.
    const auto second = probe.send("POST", hook.path,
                                   {{"Content-Type", "application/json"}, {"Stripe-Signature", stripe::sign(secret, now_unix(), payload)}},
                                   payload);
    const auto after_second = balance();
    if (!after_first || !after_second) {
      detail = "could not read the balance";
      return findings;
    }
    const auto b0 = (*before)["credit_balance"].get<std::int64_t>();
    const auto b1 = (*after_first)["credit_balance"].get<std::int64_t>();
    const auto b2 = (*after_second)["credit_balance"].get<std::int64_t>();
    detail = "balance " + std::to_string(b0) + " -> " + std::to_string(b1) + " (first) -> " + std::to_string(b2) + " (replay)";
    if (b2 != b1 && b1 != b0) {
      // Confirmed by a third delivery of the same bytes, which must move the balance again.
      const auto third = probe.send("POST", hook.path,
                                    {{"Content-Type", "application/json"}, {"Stripe-Signature", stripe::sign(secret, now_unix(), payload)}},
                                    payload);
      const auto after_third = balance();
      if (after_third && (*after_third)["credit_balance"].get<std::int64_t>() != b2) {
        findings.push_back(make_finding("RSOLV-WH-004", probe.location("POST", hook.path),
                                        detail + ", moved again by a third delivery\n" + probe.evidence(third)));
      }
    }
    (void)first;
    return findings;
  }
};

}  // namespace

std::unique_ptr<Suite> make_webhooks_suite() { return std::make_unique<WebhooksSuite>(); }

}  // namespace rsolv::security
