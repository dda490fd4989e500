// The platform layer without HTTP, on a real SQLite file (WAL, synchronous=FULL): what one
// server worker can do per second for the hot routes. ci/bench/ measures the whole server.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "rsolv/sandbox/platform.hpp"
#include "rsolv/sandbox/server/platform_api.hpp"
#include "rsolv/stripe/signature.hpp"

namespace {

using rsolv::sandbox::CustomerId;
using rsolv::sandbox::Platform;
using rsolv::sandbox::PlatformConfig;

const rsolv::Secret kSecret("whsec_platform_bench");

// One platform for the whole run, on a file in a temp directory removed at exit.
struct Fixture {
  std::filesystem::path dir;
  rsolv::ManualClock clock{1760000000};
  std::unique_ptr<Platform> platform;
  std::unique_ptr<rsolv::sandbox::server::PlatformApi> api;  // answers as the server sends them
  CustomerId customer{};
  std::string api_key, stripe_customer;
  std::atomic<std::int64_t> next{1};

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("rsolv_platform_bench_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    PlatformConfig config;
    config.db_path = (dir / "bench.db").string();
    config.webhook_secrets = {kSecret};
    config.connections = 4;
    platform = std::make_unique<Platform>(config, clock);
    api = std::make_unique<rsolv::sandbox::server::PlatformApi>(*platform);
    const auto onboarded =
        nlohmann::json::parse(api->onboard(R"({"name":"Bench","email":"bench@example.com"})").body);
    customer = CustomerId{onboarded["customer"]["id"].get<std::int64_t>()};
    api_key = onboarded["api_key"];
    api->add_payment_method(customer, R"({"payment_method":"pm_card_visa","billing_consent":true})");
    stripe_customer = nlohmann::json::parse(api->me(customer).body)["stripe_customer_id"];
  }
  ~Fixture() {
    api.reset();
    platform.reset();
    std::filesystem::remove_all(dir);
  }
};

Fixture& fixture() {
  static Fixture instance;
  return instance;
}

void BM_Entitlement(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(f.api->entitlement(f.customer));
}
BENCHMARK(BM_Entitlement)->Threads(1)->Threads(2)->UseRealTime();

void BM_Authenticate(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(f.platform->authenticate(f.api_key));
}
BENCHMARK(BM_Authenticate)->Threads(1)->Threads(2)->UseRealTime();

// Every iteration bills a new PR: once the credits are gone, each is a charge (3 ledger rows'
// worth of writes, one fsync'd commit).
void BM_FixDeployment(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    const auto pr = f.next.fetch_add(1);
    const auto body =
        nlohmann::json{{"github_org", "acme"}, {"repo_name", "bench"}, {"pr_number", pr}, {"commit_sha", "abcdef1"}}
            .dump();
    benchmark::DoNotOptimize(f.api->fix_deployment(f.customer, body, std::nullopt));
  }
}
BENCHMARK(BM_FixDeployment)->Threads(1)->Threads(2)->UseRealTime();

// A signed Pro invoice with a fresh event id: verify, record, +60 credits. Signing is included
// (about a microsecond), as a sender would pay it anyway.
void BM_WebhookInvoicePaid(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    const auto id = f.next.fetch_add(1);
    const auto payload =
        nlohmann::json{
            {"id", "evt_bench_" + std::to_string(id)},
            {"object", "event"},
            {"type", "invoice.payment_succeeded"},
            {"data",
             {{"object",
               {{"id", "in_bench"},
                {"customer", f.stripe_customer},
                {"lines",
                 {{"data",
                   nlohmann::json::array({{{"pricing", {{"price_details", {{"price", "price_pro_monthly"}}}}}}})}}}}}}}}
            .dump();
    const auto header = rsolv::stripe::sign(kSecret, f.clock.unix_seconds(), payload);
    benchmark::DoNotOptimize(f.api->stripe_webhook(payload, header));
  }
}
BENCHMARK(BM_WebhookInvoicePaid)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
