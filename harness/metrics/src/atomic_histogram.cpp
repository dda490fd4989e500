#include "rsolv/metrics/atomic_histogram.hpp"

namespace rsolv::metrics {

AtomicHistogram::AtomicHistogram(std::int64_t lowest, std::int64_t highest, int significant_digits)
    : layout_(lowest, highest, significant_digits),
      counts_(std::make_unique<std::atomic<std::int64_t>[]>(layout_.counts_length)) {
  for (std::size_t i = 0; i < layout_.counts_length; ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void AtomicHistogram::record(std::int64_t value, std::int64_t count) {
  if (count <= 0) return;
  if (value < 0) value = 0;
  if (value > layout_.highest) {
    value = layout_.highest;
    clamped_.fetch_add(count, std::memory_order_relaxed);
  }
  counts_[layout_.index_of(value)].fetch_add(count, std::memory_order_relaxed);
  auto seen_min = min_.load(std::memory_order_relaxed);
  while (value < seen_min && !min_.compare_exchange_weak(seen_min, value, std::memory_order_relaxed)) {
  }
  auto seen_max = max_.load(std::memory_order_relaxed);
  while (value > seen_max && !max_.compare_exchange_weak(seen_max, value, std::memory_order_relaxed)) {
  }
  sum_.fetch_add(static_cast<double>(value) * static_cast<double>(count), std::memory_order_relaxed);
  total_.fetch_add(count, std::memory_order_relaxed);
}

Histogram AtomicHistogram::snapshot() const {
  Histogram out(layout_.lowest, layout_.highest, layout_.significant_digits);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < layout_.counts_length; ++i) {
    out.counts_[i] = counts_[i].load(std::memory_order_relaxed);
    total += out.counts_[i];
  }
  // Summing the buckets keeps count consistent with the buckets even while others record.
  out.total_ = total;
  out.min_ = total ? min_.load(std::memory_order_relaxed) : 0;
  out.max_ = max_.load(std::memory_order_relaxed);
  out.clamped_ = clamped_.load(std::memory_order_relaxed);
  out.sum_ = sum_.load(std::memory_order_relaxed);
  return out;
}

}  // namespace rsolv::metrics
