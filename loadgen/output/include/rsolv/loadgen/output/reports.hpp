#pragma once
// The reports made from a Summary (and, for Prometheus, from live metrics during a run).
#include <string>
#include <vector>

#include "rsolv/loadgen/metrics/metric_set.hpp"
#include "rsolv/loadgen/metrics/thresholds.hpp"
#include "rsolv/loadgen/output/summary.hpp"

namespace rsolv::loadgen::output {

// k6-like end-of-test summary: checks, then every metric (time in ms, data in bytes), with
// thresholds marked ✓/✗ next to their metric, then the thresholds block. ANSI colour when `color`.
std::string render_text_summary(const Summary& summary, bool color = false);

// JUnit XML (harness/report): suite "thresholds" with one case per threshold condition, suite
// "checks" with one case per check (failed when any evaluation failed).
std::string render_junit_report(const Summary& summary);

// One self-contained HTML page: inline CSS and SVG charts of throughput and latency percentiles
// over time, tables of latency percentiles (overall and per request name), thresholds and checks.
// No script, no external resource: it opens offline.
std::string render_html_report(const Summary& summary);

// Prometheus text exposition (0.0.4) of live metrics, names as ci/grafana's dashboard reads them:
//   counters               rsolv_loadgen_<metric>_total  (data: rsolv_loadgen_<metric>_bytes_total)
//   http_req_failed        rsolv_loadgen_http_req_failed_total   (failed requests only)
//   other rates (checks)   rsolv_loadgen_<metric>_total{result="pass"|"fail"}
//   time trends            rsolv_loadgen_<metric>_seconds histogram (_bucket, _sum, _count)
//   other trends           rsolv_loadgen_<metric> histogram
//   gauges (vus)           rsolv_loadgen_<metric>
//   thresholds             rsolv_loadgen_thresholds{threshold="<key>: <condition>"} 1 passing, 0 failing
// Series tags become labels (names sanitised to [a-zA-Z0-9_]).
std::string render_prometheus(const metrics::MetricSet& metrics,
                              const std::vector<metrics::ThresholdResult>& thresholds = {});

}  // namespace rsolv::loadgen::output
