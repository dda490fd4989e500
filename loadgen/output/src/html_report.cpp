// A self-contained HTML report: inline CSS and SVG, no script, no external resource (it opens
// offline, from a CI artefact, and cannot phone home).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <optional>

#include "format.hpp"
#include "rsolv/loadgen/output/reports.hpp"

namespace rsolv::loadgen::output {

namespace {

std::string esc(std::string_view text) { return detail::html_escape(text); }

std::string num(double v, int decimals = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

struct Line {
  std::string label;
  std::string color;
  std::vector<std::pair<double, double>> points;
  bool dashed = false;  // drawn first, thin and dashed: a reference (max) that must not hide the others
};

// A "nice" axis maximum: 1, 2 or 5 times a power of ten at or above v.
double nice_max(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10, std::floor(std::log10(v)));
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

struct Axes {
  std::string y_unit;  // after every y tick ("12 ms", "50 %") and as the axis title
  std::string x_title = "time since start (s)";
  std::function<std::string(double)> x_tick = [](double x) { return num(x, x < 10 ? 1 : 0) + " s"; };
  std::optional<double> y_top;  // the scale's top (nice_max of it); lines above are clipped and say so
};

std::string line_chart(const std::string& title, const std::vector<Line>& lines, const Axes& axes) {
  constexpr double W = 760, H = 280, L = 78, R = 28, T = 44, B = 48;
  double xmax = 0, ymax = 0;
  for (const auto& line : lines) {
    for (const auto& [x, y] : line.points) {
      xmax = std::max(xmax, x);
      if (std::isfinite(y)) ymax = std::max(ymax, y);
    }
  }
  xmax = xmax > 0 ? xmax : 1;
  ymax = nice_max(axes.y_top ? *axes.y_top : ymax);
  const auto sx = [&](double x) { return L + x / xmax * (W - L - R); };
  const auto sy = [&](double y) { return H - B - std::min(y, ymax) / ymax * (H - T - B); };
  std::string s = "<figure><svg class=\"chart\" viewBox=\"0 0 " + num(W, 0) + " " + num(H, 0) +
                  "\" role=\"img\" aria-label=\"" + esc(title) + "\">";
  s += "<text x=\"" + num(L, 0) + "\" y=\"18\" class=\"title\">" + esc(title) + "</text>";
  for (int i = 0; i <= 4; ++i) {
    const double y = ymax * i / 4;
    s += "<line class=\"grid\" x1=\"" + num(L) + "\" x2=\"" + num(W - R) + "\" y1=\"" + num(sy(y)) + "\" y2=\"" + num(sy(y)) + "\"/>";
    s += "<text class=\"axis\" x=\"" + num(L - 6) + "\" y=\"" + num(sy(y) + 4) + "\" text-anchor=\"end\">" +
         esc(detail::format_number(y) + " " + axes.y_unit) + "</text>";
  }
  for (int i = 0; i <= 5; ++i) {
    const double x = xmax * i / 5;
    // The last label ends at the plot's edge instead of being centred past it (and clipped).
    s += "<text class=\"axis\" x=\"" + num(sx(x)) + "\" y=\"" + num(H - B + 16) + "\" text-anchor=\"" +
         (i == 5 ? "end" : i == 0 ? "start" : "middle") + "\">" + esc(axes.x_tick(x)) + "</text>";
  }
  s += "<text class=\"axis\" x=\"" + num(L + (W - L - R) / 2) + "\" y=\"" + num(H - 8) + "\" text-anchor=\"middle\">" +
       esc(axes.x_title) + "</text>";
  s += "<text class=\"axis\" x=\"12\" y=\"" + num(T + (H - T - B) / 2) + "\" transform=\"rotate(-90 12 " +
       num(T + (H - T - B) / 2) + ")\" text-anchor=\"middle\">" + esc(axes.y_unit) + "</text>";
  double legend_x = L;  // a row of its own under the title
  std::vector<const Line*> order;  // dashed references first, so the lines that matter are drawn over them
  for (const auto& line : lines) {
    if (line.dashed) order.push_back(&line);
  }
  for (const auto& line : lines) {
    if (!line.dashed) order.push_back(&line);
  }
  for (const Line* line : order) {
    if (line->points.empty()) continue;
    std::string path;
    bool clipped = false;
    for (const auto& [x, y] : line->points) {
      const double v = std::isfinite(y) ? y : 0;
      clipped = clipped || v > ymax;
      path += (path.empty() ? "M" : " L") + num(sx(x)) + "," + num(sy(v));
    }
    s += "<path class=\"series\" data-points=\"" + std::to_string(line->points.size()) + "\" d=\"" + path +
         "\" fill=\"none\" stroke=\"" + line->color + "\" stroke-width=\"" + (line->dashed ? "1.2\" stroke-dasharray=\"4 3" : "2") +
         "\"/>";
    // A single interval still shows: a dot where a line would need two points.
    if (line->points.size() == 1) {
      s += "<circle cx=\"" + num(sx(line->points[0].first)) + "\" cy=\"" + num(sy(line->points[0].second)) +
           "\" r=\"3\" fill=\"" + line->color + "\"/>";
    }
    const std::string label = line->label + (clipped ? " (clipped at the top)" : "");
    s += "<rect x=\"" + num(legend_x) + "\" y=\"28\" width=\"12\" height=\"4\" fill=\"" + line->color + "\"/>";
    s += "<text class=\"axis\" x=\"" + num(legend_x + 16) + "\" y=\"34\">" + esc(label) + "</text>";
    legend_x += 20 + 6.5 * static_cast<double>(label.size()) + 12;
  }
  if (lines.empty() || std::all_of(lines.begin(), lines.end(), [](const Line& l) { return l.points.empty(); })) {
    s += "<text class=\"axis\" x=\"" + num(W / 2) + "\" y=\"" + num(H / 2) + "\" text-anchor=\"middle\">no data</text>";
  }
  s += "</svg></figure>\n";
  return s;
}

// Latency by percentile (0 .. 99.99) of the whole test, on a "nines" axis as HdrHistogram plots.
std::string percentile_chart(const metrics::Histogram& h) {
  static constexpr double kPoints[] = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};
  Line line{"http_req_duration", "#1f77b4", {}};
  for (const double p : kPoints) {
    const double nines = p >= 100 ? 5 : -std::log10(1 - p / 100);
    line.points.emplace_back(nines, static_cast<double>(h.value_at_percentile(p)) / kTrendScale);
  }
  Axes axes;
  axes.y_unit = "ms";
  axes.x_title = "percentile";
  axes.x_tick = [](double nines) {
    static const char* const kNames[] = {"p0", "p90", "p99", "p99.9", "p99.99", "max"};
    const auto i = static_cast<int>(std::lround(nines));
    return i >= 0 && i <= 5 && std::fabs(nines - i) < 1e-9 ? std::string(kNames[i]) : num(nines, 1);
  };
  return line_chart("Latency by percentile (ms)", {line}, axes);
}

// A threshold's condition and actual value with their units: the number in "p(95)<500" is in ms for
// a time trend, a share for a rate, per second for a counter's rate.
std::pair<std::string, std::string> threshold_with_units(const MetricSet& metrics, const ThresholdResult& r) {
  const MetricInfo* info = nullptr;
  std::optional<ThresholdCondition> condition;
  try {
    info = metrics.info(parse_metric_selector(r.key).first);
    condition = parse_condition(r.source);
  } catch (const std::exception&) {
  }
  if (info == nullptr || !condition) return {r.source, detail::format_number(r.actual)};
  const bool count = condition->aggregation == Aggregation::count;
  switch (info->type) {
    case MetricType::trend:
      if (count) return {r.source + " (samples)", detail::format_number(r.actual)};
      if (info->contains == ValueKind::time) return {r.source + " (ms)", detail::format_duration_ms(r.actual)};
      if (info->contains == ValueKind::data) return {r.source + " (bytes)", detail::format_bytes(r.actual)};
      break;
    case MetricType::counter:
      if (condition->aggregation == Aggregation::rate) {
        return {r.source + " (per second)", detail::format_number(r.actual) + "/s"};
      }
      if (info->contains == ValueKind::data) return {r.source + " (bytes)", detail::format_bytes(r.actual)};
      return {r.source + " (total)", detail::format_number(r.actual)};
    case MetricType::rate:
      return {r.source + " (share: 0.01 = 1%)", detail::format_number(r.actual) + " (" + detail::format_percent(r.actual) + ")"};
    case MetricType::gauge: break;
  }
  return {r.source, detail::format_number(r.actual)};
}

std::string iso_time(std::int64_t unix_ms) {
  if (unix_ms <= 0) return "";
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buffer;
}

// The setup and teardown flows (issue 16): apart from every figure above, as the text summary shows them.
std::string phases_table(const std::vector<PhaseSummary>& phases) {
  if (phases.empty()) return {};
  std::string h =
      "<h2>Setup / teardown</h2>\n<p class=\"meta\">not in the metrics above</p>\n"
      "<table><tr><th></th><th>phase</th><th>requests</th><th>failed</th><th>duration</th><th>result</th></tr>\n";
  for (const auto& phase : phases) {
    const bool ok = phase.failure.empty();
    const auto requests = static_cast<std::int64_t>(phase.metrics.aggregate("http_reqs").value.sum);
    const auto failed = phase.metrics.aggregate("http_req_failed").value.hits;
    h += "<tr><td class=\"" + std::string(ok ? "ok\">✓" : "bad\">✗") + "</td><td>" + esc(phase.name) +
         "</td><td class=\"n\">" + std::to_string(requests) + "</td><td class=\"n\">" + std::to_string(failed) +
         "</td><td class=\"n\">" + esc(detail::format_duration_ms(phase.duration_seconds * 1000)) + "</td><td>" +
         (ok ? std::string("ok") : "<span class=\"bad\">failed</span>: " + esc(phase.failure)) + "</td></tr>\n";
  }
  return h + "</table>\n";
}

std::string percentile_row(const std::string& label, const SeriesValue& v) {
  if (!v.histogram || v.histogram->count() == 0) return "";
  const auto& h = *v.histogram;
  const auto ms = [&](double p) { return detail::format_duration_ms(static_cast<double>(h.value_at_percentile(p)) / kTrendScale); };
  return "<tr><td>" + esc(label) + "</td><td class=\"n\">" + std::to_string(h.count()) + "</td><td class=\"n\">" +
         detail::format_duration_ms(h.mean() / kTrendScale) + "</td><td class=\"n\">" +
         detail::format_duration_ms(static_cast<double>(h.min()) / kTrendScale) + "</td><td class=\"n\">" + ms(50) +
         "</td><td class=\"n\">" + ms(90) + "</td><td class=\"n\">" + ms(95) + "</td><td class=\"n\">" + ms(99) +
         "</td><td class=\"n\">" + ms(99.9) + "</td><td class=\"n\">" +
         detail::format_duration_ms(static_cast<double>(h.max()) / kTrendScale) + "</td></tr>\n";
}


}  // namespace

std::string render_html_report(const Summary& s) {
  const auto verdict = outcome(s);
  const bool passed = verdict == Outcome::passed;
  // An interrupted run or a partial merge never wears a green badge, whatever its thresholds say.
  const std::string badge = verdict == Outcome::interrupted ? "interrupted"
                            : verdict == Outcome::partial  ? "partial: not a pass"
                            : s.threshold_results.empty()  ? "no thresholds"
                            : passed                       ? "thresholds passed"
                                                           : "thresholds failed";
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  h += "<title>" + esc(s.name) + " — rsolv-loadgen report</title><style>" + std::string(detail::html_style()) + "</style></head><body>\n";
  h += "<h1>" + esc(s.name) + " <span class=\"badge " + std::string(passed ? "pass" : "fail") + "\">" +
       badge + "</span></h1>\n";
  std::string segments;
  for (const auto& seg : s.segments) segments += (segments.empty() ? "" : ", ") + seg;
  h += "<p class=\"meta\">" + esc(s.file) + " · started " + esc(iso_time(s.started_unix_ms)) + " · " +
       esc(detail::format_duration_ms(s.duration_seconds * 1000)) + " · segments " + esc(segments) +
       (s.interrupted ? " · <b>interrupted</b>: a stop signal ended the run early" : "") +
       (s.partial ? " · <b>partial</b>: segments " + esc(detail::join(s.missing_segments)) + " missing" : "") +
       (s.aborted_by_threshold ? " · <b>aborted by " + esc(s.aborting_threshold) + "</b>" : "") +
       (s.tool_version.empty() ? "" : " · rsolv-loadgen " + esc(s.tool_version)) + "</p>\n";

  // Key figures.
  const auto reqs = s.metrics.aggregate("http_reqs");
  const auto failed = s.metrics.aggregate("http_req_failed");
  const auto duration = s.metrics.aggregate("http_req_duration");
  const auto iterations = s.metrics.aggregate("iterations");
  const auto dropped = s.metrics.aggregate("dropped_iterations");
  const auto card = [](const std::string& value, const std::string& label) {
    return "<div class=\"card\"><b>" + value + "</b><span>" + label + "</span></div>";
  };
  const auto stats = detail::trend_stats(duration.value);
  h += "<div class=\"cards\">";
  h += card(detail::format_number(reqs.value.sum), "requests");
  h += card(detail::format_number(s.duration_seconds > 0 ? reqs.value.sum / s.duration_seconds : 0), "requests/s");
  h += card(detail::format_percent(failed.value.total > 0 ? static_cast<double>(failed.value.hits) / static_cast<double>(failed.value.total) : 0), "failed");
  if (stats.count > 0) {
    h += card(esc(detail::format_duration_ms(stats.med)), "p50 latency");
    h += card(esc(detail::format_duration_ms(stats.p95)), "p95 latency");
    h += card(esc(detail::format_duration_ms(stats.p99)), "p99 latency");
  } else {
    // Not "0µs": no request was answered (or timed out), so there is no latency to show.
    h += card("none", "latency: no successful response");
  }
  h += card(detail::format_number(iterations.value.sum), "iterations");
  h += card(detail::format_number(dropped.value.sum), "dropped iterations");
  h += "</div>\n";

  // Over time.
  h += "<h2>Over time</h2>\n";
  Line rps{"requests/s", "#1f77b4", {}}, vus{"VUs", "#9467bd", {}};
  Line p50{"p50", "#2ca02c", {}}, p90{"p90", "#bcbd22", {}}, p95{"p95", "#ff7f0e", {}}, p99{"p99", "#d62728", {}},
      pmax{"max", "#7f7f7f", {}};
  Line failed_line{"failed %", "#d62728", {}};
  for (const auto& p : s.timeline) {
    rps.points.emplace_back(p.t_seconds, p.reqs_per_s);
    vus.points.emplace_back(p.t_seconds, static_cast<double>(p.vus));
    p50.points.emplace_back(p.t_seconds, p.p50_ms);
    p90.points.emplace_back(p.t_seconds, p.p90_ms);
    p95.points.emplace_back(p.t_seconds, p.p95_ms);
    p99.points.emplace_back(p.t_seconds, p.p99_ms);
    pmax.points.emplace_back(p.t_seconds, p.max_ms);
    failed_line.points.emplace_back(p.t_seconds, p.failed_rate * 100);
  }
  pmax.dashed = true;
  // Latency's scale ends above the highest p99: one slow outlier (max) must not flatten p95 and
  // p99 into the axis. Max is drawn dashed beneath them and clipped at the top, saying so.
  double top_p99 = 0;
  for (const auto& p : s.timeline) top_p99 = std::max(top_p99, p.p99_ms);
  Axes rps_axes, latency_axes, vus_axes, failed_axes;
  rps_axes.y_unit = "req/s";
  latency_axes.y_unit = "ms";
  if (top_p99 > 0) latency_axes.y_top = top_p99 * 1.1;
  vus_axes.y_unit = "VUs";
  failed_axes.y_unit = "%";
  h += line_chart("Throughput (requests per second)", {rps}, rps_axes);
  h += line_chart("Latency percentiles (ms; coordinated-omission corrected for arrival-rate scenarios)",
                  {pmax, p50, p90, p95, p99}, latency_axes);
  h += line_chart("Virtual users (active VUs)", {vus}, vus_axes);
  h += line_chart("Failed requests (% of requests)", {failed_line}, failed_axes);

  // Percentiles.
  h += "<h2>Latency percentiles (http_req_duration)</h2>\n<table><tr><th>requests</th><th>count</th><th>avg</th><th>min</th>"
       "<th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>\n";
  if (stats.count == 0) h += "<tr><td colspan=\"10\">no successful response: every request failed before an answer</td></tr>\n";
  h += percentile_row("all", duration.value);
  for (const auto& name : detail::tag_values(s.metrics, "http_req_duration", "name")) {
    h += percentile_row(name, s.metrics.aggregate("http_req_duration", {{"name", name}}).value);
  }
  h += "</table>\n";
  if (duration.value.histogram && duration.value.histogram->count() > 0) h += percentile_chart(*duration.value.histogram);

  // Failure reasons (k6's error_code and error tags).
  const auto errors = collect_errors(s.metrics);
  h += "<h2>Errors</h2>\n";
  if (errors.empty()) {
    h += "<p class=\"meta\">no request failed</p>\n";
  } else {
    h += "<table><tr><th>error_code</th><th>error</th><th>requests</th></tr>\n";
    for (const auto& e : errors) {
      h += "<tr><td class=\"bad\">" + std::to_string(e.code) + "</td><td>" + esc(e.error) + "</td><td class=\"n\">" +
           std::to_string(e.count) + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  // Thresholds.
  h += "<h2>Thresholds</h2>\n";
  if (s.threshold_results.empty()) {
    h += "<p class=\"meta\">none defined</p>\n";
  } else {
    h += "<table><tr><th></th><th>metric</th><th>condition</th><th>actual</th></tr>\n";
    for (const auto& r : s.threshold_results) {
      const auto [condition, actual] = threshold_with_units(s.metrics, r);
      h += "<tr><td class=\"" + std::string(r.ok ? "ok\">✓" : "bad\">✗") + "</td><td>" + esc(r.key) + "</td><td>" +
           esc(condition) + (r.abort_on_fail ? " (abortOnFail)" : "") + "</td><td class=\"n\">" + esc(actual) +
           (r.no_samples ? " (no samples)" : "") + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  // Checks.
  const auto checks = collect_checks(s.metrics);
  h += "<h2>Checks</h2>\n";
  if (checks.empty()) {
    h += "<p class=\"meta\">none defined</p>\n";
  } else {
    h += "<table><tr><th></th><th>scenario</th><th>request</th><th>check</th><th>passed</th><th>failed</th></tr>\n";
    for (const auto& c : checks) {
      h += "<tr><td class=\"" + std::string(c.fails == 0 ? "ok\">✓" : "bad\">✗") + "</td><td>" + esc(c.scenario) +
           "</td><td>" + esc(c.name) + "</td><td>" + esc(c.check) + "</td><td class=\"n\">" + std::to_string(c.passes) +
           "</td><td class=\"n\">" + std::to_string(c.fails) + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += phases_table(s.phases);

  // Every metric.
  h += "<h2>All metrics</h2>\n<table><tr><th>metric</th><th>type</th><th>values</th></tr>\n";
  for (const auto& info : s.metrics.metrics()) {
    const auto a = s.metrics.aggregate(info.name);
    if (a.series == 0 || a.value.empty(info.type)) continue;
    std::string values;
    switch (info.type) {
      case MetricType::trend: {
        const auto t = detail::trend_stats(a.value);
        const auto f = [&](double v) { return detail::format_value(v, info.contains); };
        values = "avg " + f(t.avg) + ", med " + f(t.med) + ", p95 " + f(t.p95) + ", p99 " + f(t.p99) + ", max " + f(t.max);
        break;
      }
      case MetricType::counter: values = detail::format_value(a.value.sum, info.contains); break;
      case MetricType::rate:
        values = detail::format_percent(a.value.total > 0 ? static_cast<double>(a.value.hits) / static_cast<double>(a.value.total) : 0) +
                 " (" + std::to_string(a.value.hits) + " of " + std::to_string(a.value.total) + ")";
        break;
      case MetricType::gauge:
        values = detail::format_number(a.value.gauge) + " (min " + detail::format_number(a.value.gauge_min) + ", max " +
                 detail::format_number(a.value.gauge_max) + ")";
        break;
    }
    h += "<tr><td>" + esc(info.name) + "</td><td>" + std::string(to_string(info.type)) + "</td><td>" + esc(values) + "</td></tr>\n";
  }
  h += "</table>\n</body></html>\n";
  return h;
}

}  // namespace rsolv::loadgen::output
