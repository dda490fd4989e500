#include "format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rsolv::loadgen::output::detail {

TrendStats trend_stats(const metrics::SeriesValue& value) {
  TrendStats s;
  if (!value.histogram || value.histogram->count() == 0) return s;
  const auto& h = *value.histogram;
  const auto scaled = [](std::int64_t v) { return static_cast<double>(v) / metrics::kTrendScale; };
  s.count = h.count();
  s.avg = h.mean() / metrics::kTrendScale;
  s.min = scaled(h.min());
  s.max = scaled(h.max());
  s.med = scaled(h.value_at_percentile(50));
  s.p90 = scaled(h.value_at_percentile(90));
  s.p95 = scaled(h.value_at_percentile(95));
  s.p99 = scaled(h.value_at_percentile(99));
  return s;
}

}  // namespace rsolv::loadgen::output::detail

namespace rsolv::loadgen::output {

std::string format_number(double value) {
  char buffer[64];
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else if (std::fabs(value) >= 100) {
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
  } else if (std::fabs(value) >= 0.01) {
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
  }
  return buffer;
}

std::string format_duration_ms(double ms) {
  char buffer[64];
  if (ms < 1) {
    std::snprintf(buffer, sizeof buffer, "%.0fµs", ms * 1000);
  } else if (ms < 1000) {
    std::snprintf(buffer, sizeof buffer, "%.2fms", ms);
  } else if (ms < 60'000) {
    std::snprintf(buffer, sizeof buffer, "%.2fs", ms / 1000);
  } else {
    const auto minutes = std::floor(ms / 60'000);
    std::snprintf(buffer, sizeof buffer, "%.0fm%.1fs", minutes, (ms - minutes * 60'000) / 1000);
  }
  return buffer;
}

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return buffer;
}

std::string format_value(double value, metrics::ValueKind kind) {
  switch (kind) {
    case metrics::ValueKind::time: return format_duration_ms(value);
    case metrics::ValueKind::data: return format_bytes(value);
    case metrics::ValueKind::plain: break;
  }
  return format_number(value);
}

std::string format_percent(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", share * 100);
  return buffer;
}

}  // namespace rsolv::loadgen::output

namespace rsolv::loadgen::output::detail {

std::vector<std::string> tag_values(const metrics::MetricSet& metrics, const std::string& metric,
                                    const std::string& tag) {
  std::vector<std::string> out;
  for (const auto& series : metrics.all()) {
    if (series.metric != metric) continue;
    for (const auto& [k, v] : series.tags) {
      if (k == tag && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

}  // namespace rsolv::loadgen::output::detail
