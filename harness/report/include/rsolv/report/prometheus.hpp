#pragma once
// Prometheus text exposition format 0.0.4: HELP/TYPE once per family, escaped label values,
// histograms as cumulative _bucket{le=...}, _sum and _count.
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "rsolv/metrics/histogram.hpp"

namespace rsolv::report {

using Labels = std::vector<std::pair<std::string, std::string>>;

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

class PrometheusWriter {
 public:
  // type: counter, gauge, histogram, summary or untyped. Throws rsolv::Error on an invalid name.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  // `histogram` holds integer values (microseconds by convention); bucket_bounds are in the exposed
  // unit (seconds), so units_per_bound = 1e6 converts. Emits NAME_bucket, NAME_sum and NAME_count.
  void histogram(std::string_view name, const Labels& labels, const metrics::Histogram& histogram,
                 const std::vector<double>& bucket_bounds, double units_per_bound = 1e6);
  const std::string& str() const { return out_; }

 private:
  std::string out_;
  std::unordered_set<std::string> families_;
};

// Default latency buckets in seconds (those of Prometheus client libraries, plus 30 s and 60 s).
const std::vector<double>& default_latency_buckets();
std::string escape_label_value(std::string_view value);
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);
// Formats a sample value the way Prometheus clients do: integers without exponent, +Inf/-Inf/NaN.
std::string format_value(double value);

}  // namespace rsolv::report
