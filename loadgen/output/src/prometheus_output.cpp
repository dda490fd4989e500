// Live metrics for --metrics-listen, named as ci/grafana/rsolv-harness-dashboard.json reads them.
#include <cctype>

#include "rsolv/loadgen/output/reports.hpp"
#include "rsolv/report/prometheus.hpp"

namespace rsolv::loadgen::output {

namespace {

std::string sanitize(std::string_view name) {
  std::string out;
  for (const char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_');
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(out.begin(), '_');
  return out;
}

report::Labels labels(const metrics::Tags& tags) {
  report::Labels out;
  for (const auto& [k, v] : tags) {
    auto name = sanitize(k);
    // Reserved by Prometheus (__*, le) or by this exposition (result): kept under another name.
    if (name.starts_with("__")) name = "tag" + name;
    if (name == "le" || name == "result") name = "tag_" + name;
    out.emplace_back(std::move(name), v);
  }
  return out;
}

const std::vector<double>& plain_buckets() {
  static const std::vector<double> buckets{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000};
  return buckets;
}

}  // namespace

std::string render_prometheus(const metrics::MetricSet& metrics,
                              const std::vector<metrics::ThresholdResult>& thresholds) {
  report::PrometheusWriter w;
  for (const auto& info : metrics.metrics()) {
    const auto base = "rsolv_loadgen_" + sanitize(info.name);
    bool declared = false;
    const auto declare = [&](const std::string& name, const char* type, const std::string& help) {
      if (!declared) w.family(name, type, help);
      declared = true;
    };
    for (const auto& series : metrics.all()) {
      if (series.metric != info.name) continue;
      const auto& v = series.value;
      auto l = labels(series.tags);
      switch (info.type) {
        case metrics::MetricType::counter: {
          const auto name = base + (info.contains == metrics::ValueKind::data ? "_bytes_total" : "_total");
          declare(name, "counter", info.name + " (k6 counter)");
          w.sample(name, l, v.sum);
          break;
        }
        case metrics::MetricType::rate:
          if (info.name == "http_req_failed") {
            declare(base + "_total", "counter", "failed requests (http_req_failed hits)");
            w.sample(base + "_total", l, static_cast<double>(v.hits));
          } else {
            declare(base + "_total", "counter", info.name + " samples by result (k6 rate: pass = true)");
            auto pass = l;
            pass.emplace_back("result", "pass");
            w.sample(base + "_total", pass, static_cast<double>(v.hits));
            l.emplace_back("result", "fail");
            w.sample(base + "_total", l, static_cast<double>(v.total - v.hits));
          }
          break;
        case metrics::MetricType::trend:
          if (!v.histogram) break;
          if (info.contains == metrics::ValueKind::time) {
            declare(base + "_seconds", "histogram", info.name + " in seconds");
            w.histogram(base + "_seconds", l, *v.histogram, report::default_latency_buckets(), 1e6);
          } else {
            declare(base, "histogram", info.name + " (k6 trend)");
            w.histogram(base, l, *v.histogram, plain_buckets(), metrics::kTrendScale);
          }
          break;
        case metrics::MetricType::gauge:
          declare(base, "gauge", info.name);
          w.sample(base, l, v.gauge);
          break;
      }
    }
  }
  // Failed requests summed by reason, so a dashboard needs no sum over every other label.
  if (const auto errors = collect_errors(metrics); !errors.empty()) {
    w.family("rsolv_loadgen_errors_total", "counter", "requests by k6 error_code and error");
    for (const auto& e : errors) {
      w.sample("rsolv_loadgen_errors_total", {{"error_code", std::to_string(e.code)}, {"error", e.error}},
               static_cast<double>(e.count));
    }
  }
  if (!thresholds.empty()) {
    w.family("rsolv_loadgen_thresholds", "gauge", "1 while a threshold passes, 0 when it fails");
    for (const auto& r : thresholds) {
      w.sample("rsolv_loadgen_thresholds", {{"threshold", r.key + ": " + r.source}}, r.ok ? 1 : 0);
    }
  }
  return w.str();
}

}  // namespace rsolv::loadgen::output
