#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "rsolv/common/error.hpp"
#include "rsolv/metrics/histogram.hpp"

namespace rsolv::metrics {
namespace {

// Nearest-rank percentile of the exact values: what a user would compute by sorting.
std::int64_t exact_percentile(std::vector<std::int64_t> values, double p) {
  std::sort(values.begin(), values.end());
  const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(p / 100.0 * values.size() - 1e-9)));
  return values[rank - 1];
}

TEST(Histogram, PercentilesStayWithinThreeSignificantDigitsAcrossTheRange) {
  std::mt19937_64 random(12345);
  // Log-uniform over 1 us .. 1 h, so every bucket magnitude is exercised.
  std::uniform_real_distribution<double> exponent(0, std::log(3.6e9));
  std::vector<std::int64_t> values;
  Histogram histogram;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<std::int64_t>(std::exp(exponent(random)));
    values.push_back(v);
    histogram.record(v);
  }
  for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    const auto truth = exact_percentile(values, p);
    const auto measured = histogram.value_at_percentile(p);
    EXPECT_LE(std::abs(measured - truth), std::max<double>(1.0, truth * 0.001)) << "p" << p;
  }
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram histogram;
  for (int v = 0; v <= 2000; ++v) histogram.record(v);
  EXPECT_EQ(histogram.value_at_percentile(50), 1000);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), 2000);
}

TEST(Histogram, MinMaxMeanAndCountAreExact) {
  Histogram histogram;
  for (std::int64_t v : std::initializer_list<std::int64_t>{100, 200, 300, 400, 123456789}) histogram.record(v);
  EXPECT_EQ(histogram.count(), 5);
  EXPECT_EQ(histogram.min(), 100);
  EXPECT_EQ(histogram.max(), 123456789);
  EXPECT_DOUBLE_EQ(histogram.mean(), (100 + 200 + 300 + 400 + 123456789) / 5.0);
  EXPECT_EQ(histogram.value_at_percentile(100), 123456789);
}

TEST(Histogram, StddevOfAConstantIsZeroAndOfTwoPointsIsHalfTheGap) {
  Histogram constant;
  constant.record(500, 10);
  EXPECT_NEAR(constant.stddev(), 0.0, 1.0);
  Histogram two;
  two.record(1000);
  two.record(2000);
  EXPECT_NEAR(two.stddev(), 500.0, 2.0);
}

TEST(Histogram, EmptyHistogramAnswersZero) {
  Histogram histogram;
  EXPECT_EQ(histogram.count(), 0);
  EXPECT_EQ(histogram.value_at_percentile(99), 0);
  EXPECT_EQ(histogram.mean(), 0.0);
  EXPECT_EQ(histogram.min(), 0);
}

TEST(Histogram, ValuesBeyondOneHourAreClampedAndCounted) {
  Histogram histogram;
  histogram.record(kHighestMicros * 10);
  histogram.record(-5);
  EXPECT_EQ(histogram.clamped(), 1);
  EXPECT_EQ(histogram.max(), kHighestMicros);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.count(), 2);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 random(99);
  std::uniform_int_distribution<std::int64_t> latency(1, 5'000'000);
  Histogram a, b, all;
  for (int i = 0; i < 20000; ++i) {
    const auto v = latency(random);
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a, all);
  EXPECT_EQ(a.value_at_percentile(99), all.value_at_percentile(99));
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
}

TEST(Histogram, MergeRefusesADifferentLayout) {
  Histogram a;
  Histogram b(1, 1000000, 2);
  EXPECT_THROW(a.merge(b), Error);
}

TEST(Histogram, CorrectedRecordingBackFillsTheSamplesAStallHid) {
  // A sender expecting one request every 10 ms stalls for 1 s: the 99 requests it could not send
  // would have waited 990, 980, ..., 10 ms.
  Histogram histogram;
  histogram.record_corrected(1'000'000, 10'000);
  EXPECT_EQ(histogram.count(), 100);
  EXPECT_EQ(histogram.min(), 10'000);
  EXPECT_NEAR(histogram.value_at_percentile(50), 500'000, 500);
}

TEST(Histogram, CorrectionDoesNothingBelowTheInterval) {
  Histogram histogram;
  histogram.record_corrected(5'000, 10'000);
  histogram.record_corrected(5'000, 0);
  EXPECT_EQ(histogram.count(), 2);
}

TEST(Histogram, CountAtOrBelow) {
  Histogram histogram;
  for (int v = 1; v <= 100; ++v) histogram.record(v * 1000);
  EXPECT_EQ(histogram.count_at_or_below(50'000), 50);
  EXPECT_EQ(histogram.count_at_or_below(0), 0);
  EXPECT_EQ(histogram.count_at_or_below(kHighestMicros), 100);
}

TEST(Histogram, JsonRoundTripIsExact) {
  Histogram histogram;
  for (std::int64_t v : std::initializer_list<std::int64_t>{1, 17, 999, 1001, 65536, 3'000'000, 3'599'999'999}) histogram.record(v, 3);
  const auto text = histogram.to_json().dump();
  const auto back = Histogram::from_json(nlohmann::json::parse(text));
  EXPECT_EQ(back, histogram);
  EXPECT_EQ(back.value_at_percentile(90), histogram.value_at_percentile(90));
  EXPECT_DOUBLE_EQ(back.mean(), histogram.mean());
}

TEST(Histogram, JsonIsSparse) {
  Histogram histogram;
  histogram.record(42, 1000);
  EXPECT_EQ(histogram.to_json()["counts"].size(), 1u);
}

TEST(Histogram, MalformedJsonIsRejectedWithAReason) {
  Histogram histogram;
  histogram.record(10);
  auto good = histogram.to_json();
  auto expect_error = [](nlohmann::json json, const std::string& needle) {
    try {
      Histogram::from_json(json);
      ADD_FAILURE() << "accepted " << json.dump();
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    }
  };
  expect_error(nlohmann::json::array(), "expected an object");
  auto missing = good;
  missing.erase("counts");
  expect_error(missing, "missing 'counts'");
  auto wrong_total = good;
  wrong_total["count"] = 5;
  expect_error(wrong_total, "do not add up");
  auto bad_index = good;
  bad_index["counts"] = nlohmann::json::array({nlohmann::json::array({99999999, 1})});
  bad_index["count"] = 1;
  expect_error(bad_index, "out of range");
  auto bad_pair = good;
  bad_pair["counts"] = nlohmann::json::array({"x"});
  expect_error(bad_pair, "[index, count]");
}

TEST(Histogram, MemoryIsFixedWhateverIsRecorded) {
  Histogram histogram;
  const auto before = histogram.memory_bytes();
  for (std::int64_t v = 1; v < kHighestMicros; v *= 3) histogram.record(v, 1000);
  EXPECT_EQ(histogram.memory_bytes(), before);
  // 23 half-buckets of 1024 counters of 8 bytes: 184 KiB, whatever the load.
  EXPECT_EQ(histogram.layout().counts_length, 23552u);
  EXPECT_LT(before, 200u * 1024u);
}

TEST(HistogramLayout, EquivalentRangesKeepThreeDigits) {
  const HistogramLayout layout(kLowestMicros, kHighestMicros, kSignificantDigits);
  for (std::int64_t v : std::initializer_list<std::int64_t>{1, 2047, 2048, 100000, 12345678, 3'599'999'999}) {
    EXPECT_LE(layout.lowest_equivalent(v), v);
    EXPECT_GE(layout.highest_equivalent(v), v);
    EXPECT_LE(static_cast<double>(layout.size_of_equivalent_range(v)), std::max(1.0, v / 1000.0)) << v;
  }
}

}  // namespace
}  // namespace rsolv::metrics
