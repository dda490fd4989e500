#pragma once
// A Platform on a real SQLite file in a fresh temp directory per test, plus the few steps most
// tests repeat (onboard, add billing, deploy, deliver a signed event) and direct reads of the file,
// as an auditor would make them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/secret.hpp"
#include "rsolv/sandbox/database.hpp"
#include "rsolv/sandbox/platform.hpp"
#include "rsolv/sandbox/server/platform_api.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::sandbox::testing {

using nlohmann::json;
using server::ApiResult;

inline const Secret& webhook_secret() {
  static const Secret secret("whsec_platform_fixture_secret");
  return secret;
}

class PlatformFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("rsolv_platform_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    open();
  }
  void TearDown() override {
    platform_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Override to change the configuration before the platform opens.
  virtual void configure(PlatformConfig& /*config*/) {}

  PlatformConfig base_config() const {
    PlatformConfig config;
    config.db_path = db_path();
    config.webhook_secrets = {webhook_secret()};
    config.connections = 8;
    return config;
  }
  void open() {
    auto config = base_config();
    configure(config);
    platform_ = std::make_unique<Platform>(std::move(config), clock_);
    api_ = std::make_unique<server::PlatformApi>(*platform_);
  }
  std::string db_path() const { return (dir_ / "sandbox.db").string(); }
  Platform& platform() { return *platform_; }
  // The endpoints with their answers as the server sends them (status, body bytes, headers).
  server::PlatformApi& api() { return *api_; }

  // ---- customer steps ----
  CustomerId onboard(const std::string& email, std::string* key_out = nullptr) {
    const auto result = api_->onboard(json{{"name", "Dev"}, {"email", email}}.dump());
    EXPECT_EQ(result.status, 201) << result.body;
    const auto body = json::parse(result.body);
    if (key_out) *key_out = body.at("api_key").get<std::string>();
    return CustomerId{body.at("customer").at("id").get<std::int64_t>()};
  }
  json me(CustomerId id) { return json::parse(api_->me(id).body); }
  std::int64_t balance(CustomerId id) { return me(id).at("credit_balance").get<std::int64_t>(); }
  json entitlement(CustomerId id) { return json::parse(api_->entitlement(id).body); }
  void add_billing(CustomerId id, const std::string& payment_method = "pm_card_visa") {
    const auto result =
        api_->add_payment_method(id, json{{"payment_method", payment_method}, {"billing_consent", true}}.dump());
    ASSERT_EQ(result.status, 201) << result.body;
  }
  std::string stripe_customer(CustomerId id) { return me(id).at("stripe_customer_id").get<std::string>(); }

  static json pr_body(int pr, const std::string& org = "acme", const std::string& repo = "web") {
    return {{"github_org", org}, {"repo_name", repo}, {"pr_number", pr}, {"commit_sha", "abcdef1"}};
  }
  ApiResult deploy(CustomerId id, int pr, std::optional<std::string_view> key = std::nullopt) {
    return api_->fix_deployment(id, pr_body(pr).dump(), key);
  }
  // Spends every credit on fixes numbered from `first_pr`; returns the next free PR number.
  int spend_all_credits(CustomerId id, int first_pr = 1000) {
    const auto credits = balance(id);
    for (std::int64_t i = 0; i < credits; ++i) {
      EXPECT_EQ(json::parse(deploy(id, first_pr).body).at("outcome"), "credit_consumed");
      ++first_pr;
    }
    EXPECT_EQ(balance(id), 0);
    return first_pr;
  }

  // ---- Stripe events ----
  ApiResult deliver(const json& event, std::optional<std::int64_t> timestamp = std::nullopt) {
    const auto payload = event.dump();
    return api_->stripe_webhook(
        payload, stripe::sign(webhook_secret(), timestamp.value_or(clock_.unix_seconds()), payload));
  }
  static json event(const std::string& id, const std::string& type, const json& object,
                    std::optional<json> previous_attributes = std::nullopt) {
    json data = {{"object", object}};
    if (previous_attributes) data["previous_attributes"] = *previous_attributes;
    return {{"id", id},
            {"object", "event"},
            {"api_version", "2025-10-29.clover"},
            {"created", 1760000000},
            {"type", type},
            {"livemode", false},
            {"data", data}};
  }
  static json pro_invoice(const std::string& customer, const std::string& price = "price_pro_monthly") {
    return {{"id", "in_fixture"},
            {"object", "invoice"},
            {"customer", customer},
            {"billing_reason", "subscription_cycle"},
            {"lines",
             {{"object", "list"}, {"data", json::array({{{"pricing", {{"price_details", {{"price", price}}}}}}})}}}};
  }
  static std::string status_of(const ApiResult& result) { return json::parse(result.body).at("status"); }
  static std::string error_of(const ApiResult& result) { return json::parse(result.body).at("error"); }

  // A customer on an active Pro plan with `credits` left (reached through the same events Stripe sends).
  CustomerId pro_customer(const std::string& email) {
    const auto id = onboard(email);
    add_billing(id);
    const auto cus = stripe_customer(id);
    EXPECT_EQ(status_of(deliver(event("evt_sub_" + email, "customer.subscription.created",
                                      {{"id", "sub_" + email},
                                       {"object", "subscription"},
                                       {"customer", cus},
                                       {"status", "active"},
                                       {"cancel_at_period_end", false}}))),
              "processed");
    EXPECT_EQ(status_of(deliver(event("evt_inv_" + email, "invoice.payment_succeeded", pro_invoice(cus)))),
              "processed");
    return id;
  }

  // ---- direct reads of the file ----
  std::int64_t scalar(const std::string& sql, std::optional<std::int64_t> bound = std::nullopt) {
    Connection db(db_path());
    Statement query(db, sql);
    if (bound) query.bind(1, *bound);
    EXPECT_TRUE(query.step()) << sql;
    return query.int64(0);
  }
  std::int64_t ledger_sum(CustomerId id) {
    return scalar("SELECT COALESCE(SUM(amount), 0) FROM credit_ledger WHERE customer_id = ?1", id.value);
  }
  std::int64_t ledger_rows(CustomerId id) {
    return scalar("SELECT COUNT(*) FROM credit_ledger WHERE customer_id = ?1", id.value);
  }
  std::int64_t webhook_rows() { return scalar("SELECT COUNT(*) FROM webhook_events"); }

  ManualClock clock_{1760000000};
  std::filesystem::path dir_;
  std::unique_ptr<Platform> platform_;
  std::unique_ptr<server::PlatformApi> api_;  // on *platform_: recreated with it
};

}  // namespace rsolv::sandbox::testing
