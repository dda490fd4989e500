#pragma once
// The bucket arithmetic of a log-linear (HdrHistogram-style) histogram: values are grouped in
// power-of-two buckets, each split into linear sub-buckets fine enough to keep `significant_digits`
// decimal digits. Shared by Histogram and AtomicHistogram so both index values identically.
#include <cstddef>
#include <cstdint>

namespace rsolv::metrics {

struct HistogramLayout {
  HistogramLayout(std::int64_t lowest_discernible, std::int64_t highest_trackable, int significant_digits);

  std::int64_t lowest;
  std::int64_t highest;
  int significant_digits;
  int unit_magnitude;
  int sub_bucket_half_count_magnitude;
  std::int64_t sub_bucket_count;
  std::int64_t sub_bucket_half_count;
  std::int64_t sub_bucket_mask;
  int bucket_count;
  std::size_t counts_length;

  // O(1): a count-leading-zeros and a few shifts.
  std::size_t index_of(std::int64_t value) const;
  std::int64_t value_at_index(std::size_t index) const;  // lowest value of that bucket
  std::int64_t size_of_equivalent_range(std::int64_t value) const;
  std::int64_t lowest_equivalent(std::int64_t value) const;
  std::int64_t highest_equivalent(std::int64_t value) const;
  std::int64_t median_equivalent(std::int64_t value) const;

  bool operator==(const HistogramLayout& other) const;
};

// The layout every rsolv histogram uses: 1 us .. 1 h in microseconds, 3 significant digits.
inline constexpr std::int64_t kLowestMicros = 1;
inline constexpr std::int64_t kHighestMicros = 3'600'000'000;
inline constexpr int kSignificantDigits = 3;

}  // namespace rsolv::metrics
