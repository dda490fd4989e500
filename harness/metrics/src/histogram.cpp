#include "rsolv/metrics/histogram.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "rsolv/common/error.hpp"

namespace rsolv::metrics {

Histogram::Histogram(std::int64_t lowest, std::int64_t highest, int significant_digits)
    : layout_(lowest, highest, significant_digits), counts_(layout_.counts_length, 0) {}

void Histogram::record(std::int64_t value, std::int64_t count) {
  if (count <= 0) return;
  if (value < 0) value = 0;
  if (value > layout_.highest) {
    value = layout_.highest;
    clamped_ += count;
  }
  counts_[layout_.index_of(value)] += count;
  if (total_ == 0 || value < min_) min_ = value;
  if (value > max_) max_ = value;
  total_ += count;
  sum_ += static_cast<double>(value) * static_cast<double>(count);
}

void Histogram::record_corrected(std::int64_t value, std::int64_t expected_interval) {
  record(value);
  if (expected_interval <= 0) return;
  for (auto missing = value - expected_interval; missing >= expected_interval; missing -= expected_interval) {
    record(missing);
  }
}

void Histogram::merge(const Histogram& other) {
  if (!(layout_ == other.layout_)) throw Error("cannot merge histograms with different ranges or precision");
  if (other.total_ == 0) return;
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = total_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  total_ += other.total_;
  clamped_ += other.clamped_;
  sum_ += other.sum_;
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = min_ = max_ = clamped_ = 0;
  sum_ = 0;
}

double Histogram::mean() const { return total_ ? sum_ / static_cast<double>(total_) : 0.0; }

double Histogram::stddev() const {
  if (total_ == 0) return 0.0;
  const double average = mean();
  double squares = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const double deviation = static_cast<double>(layout_.median_equivalent(layout_.value_at_index(i))) - average;
    squares += deviation * deviation * static_cast<double>(counts_[i]);
  }
  return std::sqrt(squares / static_cast<double>(total_));
}

std::int64_t Histogram::value_at_percentile(double percentile) const {
  if (total_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(percentile / 100.0 * static_cast<double>(total_) - 1e-9)));
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const auto value = layout_.highest_equivalent(layout_.value_at_index(i));
      return std::clamp(value, min_, max_);
    }
  }
  return max_;
}

std::int64_t Histogram::count_at_or_below(std::int64_t value) const {
  if (value < 0) return 0;
  const auto last = layout_.index_of(std::min(value, layout_.highest));
  std::int64_t seen = 0;
  for (std::size_t i = 0; i <= last && i < counts_.size(); ++i) seen += counts_[i];
  return seen;
}

nlohmann::json Histogram::to_json() const {
  nlohmann::json counts = nlohmann::json::array();
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) counts.push_back({i, counts_[i]});
  }
  return {{"lowest", layout_.lowest},   {"highest", layout_.highest}, {"significant_digits", layout_.significant_digits},
          {"count", total_},            {"min", min()},               {"max", max_},
          {"sum", sum_},                {"clamped", clamped_},        {"counts", std::move(counts)}};
}

Histogram Histogram::from_json(const nlohmann::json& json) {
  const auto fail = [](const std::string& why) -> Histogram { throw Error("invalid histogram in summary: " + why); };
  if (!json.is_object()) return fail("expected an object");
  for (const char* key : {"lowest", "highest", "significant_digits", "count", "min", "max", "counts"}) {
    if (!json.contains(key)) return fail(std::string("missing '") + key + "'");
  }
  if (!json["counts"].is_array()) return fail("'counts' must be an array of [index, count] pairs");
  Histogram histogram(json["lowest"].get<std::int64_t>(), json["highest"].get<std::int64_t>(),
                      json["significant_digits"].get<int>());
  std::int64_t total = 0;
  for (const auto& pair : json["counts"]) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() || !pair[1].is_number_integer() ||
        pair[0].get<std::int64_t>() < 0) {
      return fail("each count must be [index, count] with non-negative integers");
    }
    const auto index = pair[0].get<std::size_t>();
    const auto count = pair[1].get<std::int64_t>();
    if (index >= histogram.counts_.size()) return fail("bucket index " + std::to_string(index) + " out of range");
    if (count <= 0) return fail("bucket counts must be positive");
    histogram.counts_[index] += count;
    total += count;
  }
  if (total != json["count"].get<std::int64_t>()) return fail("bucket counts do not add up to 'count'");
  histogram.total_ = total;
  histogram.min_ = json["min"].get<std::int64_t>();
  histogram.max_ = json["max"].get<std::int64_t>();
  histogram.sum_ = json.value("sum", 0.0);
  histogram.clamped_ = json.value("clamped", std::int64_t{0});
  if (total > 0 && (histogram.min_ > histogram.max_ || histogram.min_ < 0)) return fail("min/max are inconsistent");
  return histogram;
}

bool Histogram::operator==(const Histogram& other) const {
  return layout_ == other.layout_ && total_ == other.total_ && min() == other.min() && max_ == other.max_ &&
         clamped_ == other.clamped_ && counts_ == other.counts_;
}

}  // namespace rsolv::metrics
