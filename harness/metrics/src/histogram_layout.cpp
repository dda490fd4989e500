#include "rsolv/metrics/histogram_layout.hpp"

#include <cmath>

#include "rsolv/common/error.hpp"

namespace rsolv::metrics {

HistogramLayout::HistogramLayout(std::int64_t lowest_discernible, std::int64_t highest_trackable, int digits)
    : lowest(lowest_discernible), highest(highest_trackable), significant_digits(digits) {
  if (lowest < 1) throw Error("histogram: lowest discernible value must be >= 1");
  if (highest < 2 * lowest) throw Error("histogram: highest trackable value must be >= 2 * lowest");
  if (digits < 1 || digits > 5) throw Error("histogram: significant digits must be between 1 and 5");
  const auto single_unit_resolution = 2 * static_cast<std::int64_t>(std::pow(10, digits));
  const int sub_bucket_count_magnitude = static_cast<int>(std::ceil(std::log2(static_cast<double>(single_unit_resolution))));
  sub_bucket_half_count_magnitude = (sub_bucket_count_magnitude > 1 ? sub_bucket_count_magnitude : 1) - 1;
  unit_magnitude = static_cast<int>(std::floor(std::log2(static_cast<double>(lowest))));
  sub_bucket_count = std::int64_t{1} << (sub_bucket_half_count_magnitude + 1);
  sub_bucket_half_count = sub_bucket_count / 2;
  sub_bucket_mask = (sub_bucket_count - 1) << unit_magnitude;
  std::int64_t smallest_untrackable = sub_bucket_count << unit_magnitude;
  bucket_count = 1;
  while (smallest_untrackable <= highest) {
    if (smallest_untrackable > INT64_MAX / 2) {
      ++bucket_count;
      break;
    }
    smallest_untrackable <<= 1;
    ++bucket_count;
  }
  counts_length = static_cast<std::size_t>((bucket_count + 1) * sub_bucket_half_count);
}

std::size_t HistogramLayout::index_of(std::int64_t value) const {
  const int pow2_ceiling = 64 - __builtin_clzll(static_cast<unsigned long long>(value | sub_bucket_mask));
  const int bucket_index = pow2_ceiling - unit_magnitude - (sub_bucket_half_count_magnitude + 1);
  const auto sub_bucket_index = value >> (bucket_index + unit_magnitude);
  const auto bucket_base = static_cast<std::int64_t>(bucket_index + 1) << sub_bucket_half_count_magnitude;
  return static_cast<std::size_t>(bucket_base + (sub_bucket_index - sub_bucket_half_count));
}

std::int64_t HistogramLayout::value_at_index(std::size_t index) const {
  int bucket_index = static_cast<int>(index >> sub_bucket_half_count_magnitude) - 1;
  auto sub_bucket_index = static_cast<std::int64_t>(index & static_cast<std::size_t>(sub_bucket_half_count - 1)) +
                          sub_bucket_half_count;
  if (bucket_index < 0) {
    sub_bucket_index -= sub_bucket_half_count;
    bucket_index = 0;
  }
  return sub_bucket_index << (bucket_index + unit_magnitude);
}

std::int64_t HistogramLayout::size_of_equivalent_range(std::int64_t value) const {
  const int pow2_ceiling = 64 - __builtin_clzll(static_cast<unsigned long long>(value | sub_bucket_mask));
  int bucket_index = pow2_ceiling - unit_magnitude - (sub_bucket_half_count_magnitude + 1);
  const auto sub_bucket_index = value >> (bucket_index + unit_magnitude);
  if (sub_bucket_index >= sub_bucket_count) ++bucket_index;
  return std::int64_t{1} << (unit_magnitude + bucket_index);
}

std::int64_t HistogramLayout::lowest_equivalent(std::int64_t value) const { return value_at_index(index_of(value)); }

std::int64_t HistogramLayout::highest_equivalent(std::int64_t value) const {
  return lowest_equivalent(value) + size_of_equivalent_range(value) - 1;
}

std::int64_t HistogramLayout::median_equivalent(std::int64_t value) const {
  return lowest_equivalent(value) + size_of_equivalent_range(value) / 2;
}

bool HistogramLayout::operator==(const HistogramLayout& other) const {
  return lowest == other.lowest && highest == other.highest && significant_digits == other.significant_digits;
}

}  // namespace rsolv::metrics
