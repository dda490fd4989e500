// The end-of-test summary on stdout, after k6's: checks, metrics (dotted to a column), thresholds.
#include <algorithm>
#include <cstdio>

#include "format.hpp"
#include "rsolv/loadgen/output/reports.hpp"

namespace rsolv::loadgen::output {

namespace {

struct Style {
  bool color;
  std::string green(const std::string& s) const { return color ? "\x1b[32m" + s + "\x1b[0m" : s; }
  std::string red(const std::string& s) const { return color ? "\x1b[31m" + s + "\x1b[0m" : s; }
  std::string dim(const std::string& s) const { return color ? "\x1b[2m" + s + "\x1b[0m" : s; }
  std::string mark(bool ok) const { return ok ? green("✓") : red("✗"); }
};

std::string dotted(const std::string& label, std::size_t width) {
  std::string out = label;
  if (out.size() < width) out += std::string(width - out.size(), '.');
  return out + ":";
}

// Metric values on one line, as k6 prints them.
std::string values_line(const Summary& s, const metrics::MetricInfo& info, const metrics::Aggregate& a) {
  const auto& v = a.value;
  switch (info.type) {
    case metrics::MetricType::trend: {
      const auto t = detail::trend_stats(v);
      const auto f = [&](double x) {
        return info.contains == metrics::ValueKind::time ? detail::format_duration_ms(x) : detail::format_number(x);
      };
      return "avg=" + f(t.avg) + " min=" + f(t.min) + " med=" + f(t.med) + " max=" + f(t.max) + " p(90)=" + f(t.p90) +
             " p(95)=" + f(t.p95) + " p(99)=" + f(t.p99) + " count=" + std::to_string(t.count);
    }
    case metrics::MetricType::counter: {
      const double rate = s.duration_seconds > 0 ? v.sum / s.duration_seconds : 0;
      if (info.contains == metrics::ValueKind::data) {
        return detail::format_bytes(v.sum) + " " + detail::format_bytes(rate) + "/s";
      }
      return detail::format_number(v.sum) + " " + detail::format_number(rate) + "/s";
    }
    case metrics::MetricType::rate: {
      const double share = v.total > 0 ? static_cast<double>(v.hits) / static_cast<double>(v.total) : 0;
      return detail::format_percent(share) + " ✓ " + std::to_string(v.hits) + " ✗ " + std::to_string(v.total - v.hits);
    }
    case metrics::MetricType::gauge:
      return detail::format_number(v.gauge) + " min=" + detail::format_number(v.gauge_min) +
             " max=" + detail::format_number(v.gauge_max);
  }
  return "";
}

}  // namespace

std::string render_text_summary(const Summary& s, bool color) {
  const Style style{color};
  std::string out;
  out += "\n  test: " + s.name + (s.file.empty() ? "" : " (" + s.file + ")") + "\n";
  std::string segments;
  for (const auto& seg : s.segments) segments += (segments.empty() ? "" : ", ") + seg;
  char line[256];
  std::snprintf(line, sizeof line, "  duration: %.1fs   segments: %s%s%s\n", s.duration_seconds, segments.c_str(),
                s.interrupted ? "   (interrupted)" : "", s.aborted_by_threshold ? "   (aborted by a threshold)" : "");
  out += line;
  if (s.aborted_by_threshold && !s.aborting_threshold.empty()) out += "  aborted by: " + s.aborting_threshold + "\n";
  // Loud, and before the numbers: a CI log reader must not take part of a test for the whole.
  if (s.interrupted) {
    out += "  " + style.red("INTERRUPTED") + ": a stop signal ended the run early; the numbers cover what ran (not a pass)\n";
  }
  if (s.partial) {
    out += "  " + style.red("PARTIAL") + ": merged without segment(s) " + detail::join(s.missing_segments) +
           " (--allow-partial); the numbers cover part of the test (not a pass)\n";
  }

  const auto checks = collect_checks(s.metrics);
  if (!checks.empty()) {
    out += "\n";
    std::string group;
    for (const auto& c : checks) {
      const auto heading = c.scenario + (c.name.empty() ? "" : " › " + c.name);
      if (heading != group) {
        out += "  █ " + heading + "\n";
        group = heading;
      }
      const std::int64_t total = c.passes + c.fails;
      out += "     " + style.mark(c.fails == 0) + " " + c.check + "\n";
      if (c.fails > 0) {
        out += "      ↳  " + detail::format_percent(total > 0 ? static_cast<double>(c.passes) / static_cast<double>(total) : 0) +
               " — ✓ " + std::to_string(c.passes) + " / ✗ " + std::to_string(c.fails) + "\n";
      }
    }
  }

  // Metrics, alphabetically as k6, with their thresholds' tag-filtered sub-lines.
  std::vector<const metrics::MetricInfo*> infos;
  for (const auto& info : s.metrics.metrics()) infos.push_back(&info);
  std::sort(infos.begin(), infos.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  std::size_t width = 0;
  for (const auto* info : infos) width = std::max(width, info->name.size() + 4);
  for (const auto& t : s.thresholds) width = std::max(width, t.key.size() - t.metric.size() + 8);
  width = std::max<std::size_t>(width, 32);
  out += "\n";
  for (const auto* info : infos) {
    const auto aggregate = s.metrics.aggregate(info->name);
    if (aggregate.series == 0 || aggregate.value.empty(info->type)) continue;
    // Marked when the metric has unfiltered thresholds.
    std::string mark = " ";
    bool has = false;
    bool ok = true;
    for (const auto& r : s.threshold_results) {
      if (r.key == info->name) {
        has = true;
        ok = ok && r.ok;
      }
    }
    if (has) mark = style.mark(ok);
    out += "   " + mark + " " + dotted(info->name, width) + " " + values_line(s, *info, aggregate) + "\n";
    for (const auto& t : s.thresholds) {
      if (t.metric != info->name || t.filter.empty()) continue;
      bool sub_ok = true;
      for (const auto& r : s.threshold_results) {
        if (r.key == t.key) sub_ok = sub_ok && r.ok;
      }
      std::string filter = "{ ";
      for (std::size_t i = 0; i < t.filter.size(); ++i) {
        filter += (i ? ", " : "") + t.filter[i].first + ":" + t.filter[i].second;
      }
      filter += " }";
      const auto sub = s.metrics.aggregate(t.metric, t.filter);
      out += "   " + style.mark(sub_ok) + " " + dotted("  " + filter, width) + " " +
             (sub.series == 0 ? style.dim("no samples") : values_line(s, *info, sub)) + "\n";
    }
  }

  // Why requests failed, by k6's error_code: the first thing to read when http_req_failed is high.
  if (const auto errors = collect_errors(s.metrics); !errors.empty()) {
    out += "\n  errors (requests by error_code):\n";
    std::size_t error_width = 0;
    for (const auto& e : errors) error_width = std::max(error_width, e.error.size() + 8);
    for (const auto& e : errors) {
      out += "   " + style.red("✗") + " " + dotted(std::to_string(e.code) + " " + e.error, error_width) + " " +
             std::to_string(e.count) + "\n";
    }
    if (s.metrics.aggregate("http_req_duration").value.empty(metrics::MetricType::trend)) {
      out += "   no successful response: http_req_duration has no sample\n";
    }
  }

  out += render_phases_text(s.phases);
  if (!s.threshold_results.empty()) {
    out += "\n  thresholds:\n";
    for (const auto& r : s.threshold_results) {
      const auto* info = s.metrics.info(r.key.substr(0, r.key.find('{')));
      const bool time = info != nullptr && info->contains == metrics::ValueKind::time && r.source.find("count") != 0;
      const auto actual = time ? detail::format_duration_ms(r.actual) : detail::format_number(r.actual);
      out += "   " + style.mark(r.ok) + " " + r.key + ": " + r.source + "  " +
             style.dim("(actual " + actual + (r.no_samples ? ", no samples matched" : "") + ")") +
             (r.abort_on_fail ? style.dim(" abortOnFail") : "") + "\n";
    }
    const bool passed = thresholds_passed(s);
    const auto verdict = outcome(s);
    if (!passed) {
      out += "\n  " + style.red("some thresholds failed") + "\n";
    } else if (verdict == Outcome::interrupted) {
      out += "\n  " + style.red("thresholds held on an interrupted run: not a pass") + "\n";
    } else if (verdict == Outcome::partial) {
      out += "\n  " + style.red("thresholds held on a partial merge: not a pass") + "\n";
    } else {
      out += "\n  " + style.green("all thresholds passed") + "\n";
    }
  }
  out += "\n";
  return out;
}

}  // namespace rsolv::loadgen::output
