// What building a Stripe event costs, for callers that build one per request (the load generator's
// `sign: stripe` bodies): a whole invoice event with fresh ids, and rendering it.
#include <benchmark/benchmark.h>

#include "rsolv/common/clock.hpp"
#include "rsolv/stripe/events/catalogue.hpp"

namespace ev = rsolv::stripe::events;

static void BM_BuildInvoiceEvent(benchmark::State& state) {
  rsolv::Random random(1);
  rsolv::ManualClock clock;
  const auto vars = ev::flow_vars(random, clock.unix_seconds());
  for (auto _ : state) benchmark::DoNotOptimize(ev::build_event("invoice.payment_succeeded", vars, random, clock));
}
BENCHMARK(BM_BuildInvoiceEvent);

static void BM_BuildAndRenderCompact(benchmark::State& state) {
  rsolv::Random random(1);
  rsolv::ManualClock clock;
  const auto vars = ev::flow_vars(random, clock.unix_seconds());
  for (auto _ : state) {
    benchmark::DoNotOptimize(ev::render(ev::build_event("invoice.payment_succeeded", vars, random, clock), false));
  }
}
BENCHMARK(BM_BuildAndRenderCompact);

BENCHMARK_MAIN();
