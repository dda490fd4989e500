// Stripe-Signature sign and verify throughput. ci/bench/stripe-signing.sh runs this next to
// Stripe's own Node library on the same payload and prints the ratio.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "rsolv/stripe/signature.hpp"

namespace {

const rsolv::Secret kSecret{"whsec_bench_secret_0123456789"};
constexpr std::int64_t kTimestamp = 1700000000;
constexpr std::string_view kSmallPayload =
    R"({"id":"evt_1","object":"event","type":"invoice.payment_succeeded","data":{"object":{"id":"in_1"}}})";

// The realistic invoice event; RSOLV_BENCH_PAYLOAD overrides the path so the comparison script
// hands the same bytes to both implementations.
const std::string& invoice_payload() {
  static const std::string payload = [] {
    const char* path = std::getenv("RSOLV_BENCH_PAYLOAD");
    std::ifstream in(path ? path : RSOLV_DEFAULT_BENCH_PAYLOAD, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }();
  return payload;
}

void sign_payload(benchmark::State& state, std::string_view payload) {
  for (auto _ : state) benchmark::DoNotOptimize(rsolv::stripe::sign(kSecret, kTimestamp, payload));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload.size()));
}

void verify_payload(benchmark::State& state, std::string_view payload) {
  const auto header = rsolv::stripe::sign(kSecret, kTimestamp, payload);
  for (auto _ : state) {
    auto result = rsolv::stripe::verify(header, payload, kSecret, kTimestamp + 1);
    if (!result.ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload.size()));
}

void BM_SignSmall(benchmark::State& state) { sign_payload(state, kSmallPayload); }
void BM_VerifySmall(benchmark::State& state) { verify_payload(state, kSmallPayload); }
void BM_SignInvoice(benchmark::State& state) {
  if (invoice_payload().empty()) state.SkipWithError("payload file not found (set RSOLV_BENCH_PAYLOAD)");
  sign_payload(state, invoice_payload());
}
void BM_VerifyInvoice(benchmark::State& state) {
  if (invoice_payload().empty()) state.SkipWithError("payload file not found (set RSOLV_BENCH_PAYLOAD)");
  verify_payload(state, invoice_payload());
}
void BM_ParseHeader(benchmark::State& state) {
  const auto header = rsolv::stripe::sign(kSecret, kTimestamp, kSmallPayload) + ",v0=" + std::string(64, 'a');
  for (auto _ : state) benchmark::DoNotOptimize(rsolv::stripe::parse_signature_header(header));
}

BENCHMARK(BM_SignSmall);
BENCHMARK(BM_VerifySmall);
BENCHMARK(BM_SignInvoice);
BENCHMARK(BM_VerifyInvoice);
BENCHMARK(BM_ParseHeader);

}  // namespace

// RSOLV_BENCH_PRINT_HEADER=1 prints the header for the payload file and exits, so the comparison
// script can check that both implementations agree byte for byte before timing them.
int main(int argc, char** argv) {
  if (std::getenv("RSOLV_BENCH_PRINT_HEADER") != nullptr) {
    std::printf("%s\n", rsolv::stripe::sign(kSecret, kTimestamp, invoice_payload()).c_str());
    return invoice_payload().empty() ? 1 : 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
