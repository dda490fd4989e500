// TARGET.yaml parsing: what a user writes, and the one-line errors a mistake gets.
#include <gtest/gtest.h>

#include <cstdlib>

#include "rsolv/common/error.hpp"
#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/security/probe.hpp"
#include "rsolv/security/target.hpp"

namespace rsolv::security {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_target(text, "target.yaml");
  } catch (const std::exception& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(Target, AFullFileParsesWithDefaults) {
  const auto target = parse_target(R"(base_url: http://127.0.0.1:4000/
credentials: {api_key: rsolv_abc, webhook_secret: whsec_x}
endpoints:
  - {name: search, path: /api/v1/search, auth: true, query: {org: acme}, inputs: {query: [org]}}
webhook: {replay_probe: true}
limits:
  - {path: /api/v1/entitlement, requests: 50, window_seconds: 60}
)", "t.yaml");
  EXPECT_EQ(target.base_url, "http://127.0.0.1:4000") << "the trailing slash is dropped";
  EXPECT_EQ(target.host(), "127.0.0.1");
  ASSERT_EQ(target.endpoints.size(), 1u);
  EXPECT_EQ(target.endpoints[0].method, "GET");
  EXPECT_EQ(target.endpoints[0].inputs.query, std::vector<std::string>{"org"});
  ASSERT_TRUE(target.webhook);
  EXPECT_EQ(target.webhook->path, "/api/webhooks/stripe");
  ASSERT_EQ(target.limits.size(), 1u);
  EXPECT_EQ(target.limits[0].per, "api_key");
  EXPECT_EQ(target.secrets().size(), 2u);
}

TEST(Target, LimitsAndLogsComeFromTheEnvironment) {
  ::setenv("RSOLV_TEST_LIMIT", "77", 1);
  ::unsetenv("RSOLV_TEST_NO_LOG");
  const auto target = parse_target(R"(base_url: http://127.0.0.1:1
limits:
  - {path: /a, requests: "${env.RSOLV_TEST_LIMIT:-5}", window_seconds: "${env.RSOLV_TEST_UNSET_WINDOW:-60}"}
logs: ["${env.RSOLV_TEST_NO_LOG:-}", /var/log/x.log]
)", "t.yaml");
  EXPECT_EQ(target.limits.at(0).requests, 77);
  EXPECT_EQ(target.limits.at(0).window_seconds, 60);
  EXPECT_EQ(target.logs, std::vector<std::string>{"/var/log/x.log"}) << "an empty expansion means no log";
}

TEST(Target, TheFlowSuitesSectionsParse) {
  const auto target = parse_target(R"(base_url: http://127.0.0.1:1
bola:
  - name: attempt
    plant: {method: POST, path: /a, body: {repo: "r-${marker}"}}
    access: {path: "/a/{id}"}
    watch: {path: /me, field: /ledger}
race:
  - {request: {method: POST, path: /r, headers: {Idempotency-Key: "k-${marker}"}}, copies: 5}
  - {name: invoice, webhook: invoice.payment_succeeded}
business_logic:
  - {request: {method: POST, path: /b, body: {n: 1, m: "${marker}"}}, fields: [/n], idempotency_header: Idempotency-Key}
)", "t.yaml");
  ASSERT_EQ(target.bola.size(), 1u);
  EXPECT_EQ(target.bola[0].owner, "/api/v1/customers/me");
  ASSERT_TRUE(target.bola[0].plant);
  EXPECT_EQ(target.bola[0].access.method, "GET");
  EXPECT_EQ(target.bola[0].watch->field, "/ledger");
  ASSERT_EQ(target.race.size(), 2u);
  EXPECT_EQ(target.race[0].copies, 5);
  EXPECT_EQ(target.race[0].request->headers.at(0).second, "k-${marker}");
  EXPECT_EQ(target.race[1].webhook_event, "invoice.payment_succeeded");
  EXPECT_EQ(target.race[1].copies, 20);
  EXPECT_EQ(target.race[1].watch.field, "/credit_balance");
  ASSERT_EQ(target.business_logic.size(), 1u);
  EXPECT_EQ(target.business_logic[0].values.size(), 4u);
}

TEST(Target, FlowSuiteMistakesNameTheLine) {
  const std::string base = "base_url: http://127.0.0.1:1\n";
  const auto expect_error = [&](const std::string& body, const std::string& line, const std::string& words) {
    const auto error = error_of(base + body);
    EXPECT_EQ(error.rfind("target.yaml:" + line + ":", 0), 0u) << error;
    EXPECT_NE(error.find(words), std::string::npos) << error;
  };
  expect_error("bola:\n  - {access: {path: /a}}\n", "3", "access names no object of the owner");
  expect_error("bola:\n  - {access: {path: \"/a/{id}\"}}\n", "3", "give 'plant'");
  expect_error("race:\n  - {request: {path: /a}, copies: 1000}\n", "3", "copies must be 2..100");
  expect_error("race:\n  - {copies: 3}\n", "3", "either 'request' or 'webhook'");
  expect_error("race:\n  - {webhook: charge.refunded}\n", "3", "webhook must be invoice.payment_succeeded");
  expect_error("business_logic:\n  - {request: {path: /a, body: {n: 1}}, fields: [/x]}\n", "3", "'/x' is not in the request's body");
  expect_error("business_logic:\n  - {request: {path: /a, body: {n: 1}}, fields: [/n], values: [tiny]}\n", "3",
               "'tiny' is not one of negative, zero, huge, fractional");
  expect_error("business_logic:\n  - {request: {path: /a, body: {n: 1}}, idempotency_header: Idempotency-Key}\n", "3",
               "needs ${marker} in the request body");
  expect_error("business_logic:\n  - {request: {path: /a, method: DROP}, fields: [/n]}\n", "3", "method 'DROP'");
  // Found by fuzz_security_target: a malformed ${env...} in a body had no file:line.
  expect_error("endpoints:\n  - {path: /a, body: {email: \"x-${env.\"}}\n", "3", "${env.");
}

TEST(Target, MistakesNameTheFileLineAndWhatIsWrong) {
  EXPECT_EQ(error_of("base_url: http://127.0.0.1:1\nendpoint: []\n").rfind("target.yaml:2:1:", 0), 0u)
      << error_of("base_url: http://127.0.0.1:1\nendpoint: []\n");
  EXPECT_NE(error_of("base_url: http://127.0.0.1:1\nendpoint: []\n").find("endpoints"), std::string::npos)
      << "suggests the key meant";
  EXPECT_NE(error_of("base_url: ftp://x\n").find("must start with http"), std::string::npos);
  EXPECT_NE(error_of("credentials: {}\n").find("base_url"), std::string::npos);
  const auto bad_int = error_of("base_url: http://127.0.0.1:1\nlimits:\n  - {path: /a, requests: lots, window_seconds: 1}\n");
  EXPECT_EQ(bad_int.rfind("target.yaml:3:", 0), 0u) << bad_int;
  EXPECT_NE(bad_int.find("requests must be an integer"), std::string::npos) << bad_int;
  EXPECT_NE(error_of("base_url: http://127.0.0.1:1\nlimits:\n  - {path: /a, requests: 0, window_seconds: 1}\n")
                .find("requests must be 1..100000"),
            std::string::npos);
  EXPECT_NE(error_of("base_url: http://127.0.0.1:1\nlimits:\n  - {path: /a, requests: 5, window_seconds: 1, per: user}\n")
                .find("per must be api_key or ip"),
            std::string::npos);
  const auto bad_input = error_of(
      "base_url: http://127.0.0.1:1\nendpoints:\n  - {path: /a, body: {name: x}, inputs: {body: [email]}}\n");
  EXPECT_NE(bad_input.find("input 'email' is not a field"), std::string::npos) << bad_input;
  const auto unset = error_of("base_url: http://127.0.0.1:1\ncredentials: {api_key: \"${env.RSOLV_TEST_SURELY_UNSET}\"}\n");
  EXPECT_EQ(unset.rfind("target.yaml:2:", 0), 0u) << unset;
  EXPECT_NE(unset.find("RSOLV_TEST_SURELY_UNSET"), std::string::npos) << unset;
  EXPECT_EQ(error_of("base_url: [unclosed\n").rfind("target.yaml:", 0), 0u);
}

TEST(Target, OnlyLoopbackIsProbedUnlessTheUserAllowsTheHost) {
  const auto local = parse_target("base_url: http://localhost:4000\n", "t.yaml");
  EXPECT_NO_THROW(check_host_allowed(local, {}));
  const auto remote = parse_target("base_url: https://api.example.com\nallow_hosts: [api.example.com]\n", "t.yaml");
  try {
    check_host_allowed(remote, {});
    FAIL() << "a remote host was allowed without --allow-host";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("--allow-host api.example.com"), std::string::npos) << error.what();
  }
  EXPECT_NO_THROW(check_host_allowed(remote, {"api.example.com"}));
}

TEST(Target, AllowHostAloneDoesNotAllowAHostTheFileDoesNotListAndRefusalsSayWhere) {
  const auto unlisted = parse_target("endpoints: [{path: /a}]\nbase_url: https://api.example.com\n", "t.yaml");
  try {
    check_host_allowed(unlisted, {"api.example.com"});
    FAIL() << "--allow-host alone allowed a host the file does not list";
  } catch (const UsageError& error) {
    const std::string what = error.what();
    EXPECT_EQ(what.rfind("t.yaml:2:", 0), 0u) << "file:line of base_url: " << what;
    EXPECT_NE(what.find("allow_hosts does not list it"), std::string::npos) << what;
  }
  const auto listed = parse_target("base_url: https://api.example.com\nallow_hosts: [other.example.com]\n", "t.yaml");
  EXPECT_THROW(check_host_allowed(listed, {"api.example.com"}), UsageError);
  try {
    check_host_allowed(unlisted, {});
    FAIL();
  } catch (const UsageError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("t.yaml:2:", 0), 0u) << error.what();
  }
}

TEST(Target, MassAssignmentEntriesNeedAWayToReadTheAccountBack) {
  const auto target = parse_target(
      "base_url: http://127.0.0.1:1\nmass_assignment:\n"
      "  - {path: /api/v1/customers/onboard, body: {name: P}, key_field: api_key, fields: {credit_balance: 999}}\n",
      "t.yaml");
  ASSERT_EQ(target.mass_assignment.size(), 1u);
  EXPECT_EQ(target.mass_assignment[0].method, "POST");
  EXPECT_EQ(target.mass_assignment[0].read, "/api/v1/customers/me");
  EXPECT_EQ(target.mass_assignment[0].fields, nlohmann::json({{"credit_balance", 999}}));
  const auto error = error_of("base_url: http://127.0.0.1:1\nmass_assignment:\n  - {path: /a}\n");
  EXPECT_EQ(error.rfind("target.yaml:3:", 0), 0u) << error;
  EXPECT_NE(error.find("key_field"), std::string::npos) << error;
}

TEST(Target, UnknownMethodsAreRefusedWhereTheyAreWritten) {
  for (const std::string yaml : {"base_url: http://127.0.0.1:1\nendpoints:\n  - {path: /a, method: DROP}\n",
                                 "base_url: http://127.0.0.1:1\nlimits:\n  - {path: /a, method: get, requests: 1, window_seconds: 1}\n",
                                 "base_url: http://127.0.0.1:1\npreflight: {method: TRACE}\n"}) {
    try {
      parse_target(yaml, "t.yaml");
      FAIL() << "accepted: " << yaml;
    } catch (const config::ConfigError& error) {
      const std::string what = error.what();
      EXPECT_TRUE(what.rfind("t.yaml:3:", 0) == 0 || what.rfind("t.yaml:2:", 0) == 0) << what;
      EXPECT_NE(what.find("is not one of GET, POST"), std::string::npos) << what;
    }
  }
}

TEST(Target, AQueryInBaseUrlGoesAfterEveryProbePathAndItsValuesAreSecrets) {
  ::setenv("RSOLV_TEST_URL_KEY", "k3y_in_the_url_0001", 1);
  const auto target = parse_target("base_url: http://127.0.0.1:4000/v1/?api_key=${env.RSOLV_TEST_URL_KEY}&region=eu\n", "t.yaml");
  ::unsetenv("RSOLV_TEST_URL_KEY");
  EXPECT_EQ(target.base_url, "http://127.0.0.1:4000/v1");
  EXPECT_EQ(target.url_for("/api/health"), "http://127.0.0.1:4000/v1/api/health?api_key=k3y_in_the_url_0001&region=eu");
  EXPECT_EQ(target.url_for("/s?q=1"), "http://127.0.0.1:4000/v1/s?q=1&api_key=k3y_in_the_url_0001&region=eu");
  Probe probe(target);
  const auto shown = probe.redact("GET " + target.url_for("/api/health") + " -> 200");
  EXPECT_EQ(shown.find("k3y_in_the_url_0001"), std::string::npos) << shown;
  EXPECT_EQ(probe.location("GET", "/api/health").find("k3y"), std::string::npos);
  EXPECT_THROW(parse_target("base_url: http://127.0.0.1:4000/#x\n", "t.yaml"), config::ConfigError);
}

TEST(Target, NamesThatOnlyLookLikeLoopbackAreRefused) {
  for (const std::string url : {"http://127.0.0.1.evil.example/", "http://127.evil.example:4000", "http://[::2]:4000"}) {
    const auto target = parse_target("base_url: " + url + "\n", "t.yaml");
    EXPECT_THROW(check_host_allowed(target, {}), UsageError) << url;
  }
  for (const std::string url : {"http://127.0.0.2:4000", "http://[::1]:4000", "http://[::ffff:127.0.0.1]:4000", "http://LOCALHOST"}) {
    const auto target = parse_target("base_url: " + url + "\n", "t.yaml");
    EXPECT_NO_THROW(check_host_allowed(target, {})) << url;
  }
}

TEST(Target, CredentialsInBaseUrlAreRefusedWithoutEchoingThem) {
  // curl would send this to evil.example: the host must not pass as loopback, and the password
  // must not reach the error line.
  try {
    parse_target("base_url: http://127.0.0.1:s3cretpw@evil.example/\n", "t.yaml");
    FAIL() << "a base_url with credentials was accepted";
  } catch (const config::ConfigError& error) {
    const std::string what = error.what();
    EXPECT_EQ(what.rfind("t.yaml:1:", 0), 0u) << what;
    EXPECT_NE(what.find("evil.example"), std::string::npos) << what;
    EXPECT_EQ(what.find("s3cretpw"), std::string::npos) << what;
  }
  try {
    parse_target("base_url: http://127.0.0.1:99999/\n", "t.yaml");
    FAIL() << "an invalid port was accepted";
  } catch (const config::ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("invalid port"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace rsolv::security
