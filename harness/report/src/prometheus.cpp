#include "rsolv/report/prometheus.hpp"

#include <fmt/format.h>

#include <cmath>

#include "rsolv/common/error.hpp"

namespace rsolv::report {

namespace {

bool name_char(char c, bool first, bool allow_colon) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
  return letter || (!first && c >= '0' && c <= '9');
}

std::string render_labels(const Labels& labels, const std::pair<std::string, std::string>* extra = nullptr) {
  if (labels.empty() && extra == nullptr) return {};
  std::string out = "{";
  bool first = true;
  const auto add = [&](const std::string& name, const std::string& value) {
    if (!valid_label_name(name)) throw Error("invalid Prometheus label name '" + name + "'");
    if (!first) out += ",";
    first = false;
    out += name + "=\"" + escape_label_value(value) + "\"";
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (extra) add(extra->first, extra->second);
  return out + "}";
}

}  // namespace

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!name_char(name[i], i == 0, true)) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!name_char(name[i], i == 0, false)) return false;
  }
  return true;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{}", static_cast<long long>(value));
  return fmt::format("{}", value);
}

const std::vector<double>& default_latency_buckets() {
  static const std::vector<double> buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25,  0.5,    1,     2.5,  5,     10,   30, 60};
  return buckets;
}

void PrometheusWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  if (!valid_metric_name(name)) throw Error("invalid Prometheus metric name '" + std::string(name) + "'");
  if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped") {
    throw Error("invalid Prometheus metric type '" + std::string(type) + "'");
  }
  if (!families_.insert(std::string(name)).second) return;  // HELP/TYPE once per family
  std::string escaped_help;
  for (char c : help) {
    if (c == '\\') escaped_help += "\\\\";
    else if (c == '\n') escaped_help += "\\n";
    else escaped_help += c;
  }
  out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escaped_help, name, type);
}

void PrometheusWriter::sample(std::string_view name, const Labels& labels, double value) {
  if (!valid_metric_name(name)) throw Error("invalid Prometheus metric name '" + std::string(name) + "'");
  out_ += std::string(name) + render_labels(labels) + " " + format_value(value) + "\n";
}

void PrometheusWriter::histogram(std::string_view name, const Labels& labels, const metrics::Histogram& histogram,
                                 const std::vector<double>& bucket_bounds, double units_per_bound) {
  const std::string base(name);
  for (double bound : bucket_bounds) {
    const auto limit = static_cast<std::int64_t>(std::floor(bound * units_per_bound));
    const std::pair<std::string, std::string> le{"le", format_value(bound)};
    out_ += base + "_bucket" + render_labels(labels, &le) + " " +
            format_value(static_cast<double>(histogram.count_at_or_below(limit))) + "\n";
  }
  const std::pair<std::string, std::string> inf{"le", "+Inf"};
  out_ += base + "_bucket" + render_labels(labels, &inf) + " " + format_value(static_cast<double>(histogram.count())) + "\n";
  out_ += base + "_sum" + render_labels(labels) + " " + format_value(histogram.sum() / units_per_bound) + "\n";
  out_ += base + "_count" + render_labels(labels) + " " + format_value(static_cast<double>(histogram.count())) + "\n";
}

}  // namespace rsolv::report
