// Cost of recording into and reading from the latency histogram (the load generator records one
// value per request on its hot path; the sandbox records from every worker thread).
#include <benchmark/benchmark.h>

#include <random>

#include "rsolv/metrics/atomic_histogram.hpp"
#include "rsolv/metrics/histogram.hpp"

namespace {

std::vector<std::int64_t> latencies() {
  std::mt19937_64 random(1);
  std::lognormal_distribution<double> distribution(8.0, 1.5);  // around 3 ms with a long tail
  std::vector<std::int64_t> values(4096);
  for (auto& v : values) v = static_cast<std::int64_t>(distribution(random));
  return values;
}

void BM_Record(benchmark::State& state) {
  rsolv::metrics::Histogram histogram;
  const auto values = latencies();
  std::size_t i = 0;
  for (auto _ : state) histogram.record(values[i++ & 4095]);
  benchmark::DoNotOptimize(histogram.count());
}

void BM_AtomicRecord(benchmark::State& state) {
  static rsolv::metrics::AtomicHistogram histogram;
  const auto values = latencies();
  std::size_t i = 0;
  for (auto _ : state) histogram.record(values[i++ & 4095]);
}

void BM_Percentile(benchmark::State& state) {
  rsolv::metrics::Histogram histogram;
  for (auto v : latencies()) histogram.record(v);
  for (auto _ : state) benchmark::DoNotOptimize(histogram.value_at_percentile(99));
}

void BM_Merge(benchmark::State& state) {
  rsolv::metrics::Histogram a, b;
  for (auto v : latencies()) b.record(v);
  for (auto _ : state) a.merge(b);
}

BENCHMARK(BM_Record);
BENCHMARK(BM_AtomicRecord)->Threads(1)->Threads(2);
BENCHMARK(BM_Percentile);
BENCHMARK(BM_Merge);

}  // namespace

BENCHMARK_MAIN();
