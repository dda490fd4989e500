#include "rsolv/loadgen/output/summary.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "format.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/config/bounded_file.hpp"
#include "rsolv/loadgen/executors/segment.hpp"
#include "rsolv/report/atomic_file.hpp"

namespace rsolv::loadgen::output {

namespace {

const std::string* tag(const metrics::Tags& tags, std::string_view key) {
  for (const auto& [k, v] : tags) {
    if (k == key) return &v;
  }
  return nullptr;
}

// The k6-like view of one metric, all its series combined.
nlohmann::json metric_view(const metrics::MetricSet& metrics, const metrics::MetricInfo& info, double duration_seconds,
                           const metrics::Tags& filter = {}) {
  const auto aggregate = metrics.aggregate(info.name, filter);
  nlohmann::json values = nlohmann::json::object();
  const auto& v = aggregate.value;
  switch (info.type) {
    case metrics::MetricType::trend: {
      const auto s = detail::trend_stats(v);
      values = {{"avg", s.avg}, {"min", s.min}, {"med", s.med}, {"max", s.max},
                {"p(90)", s.p90}, {"p(95)", s.p95}, {"p(99)", s.p99}, {"count", s.count}};
      break;
    }
    case metrics::MetricType::counter:
      values = {{"count", v.sum}, {"rate", duration_seconds > 0 ? v.sum / duration_seconds : 0.0}};
      break;
    case metrics::MetricType::rate:
      values = {{"rate", v.total > 0 ? static_cast<double>(v.hits) / static_cast<double>(v.total) : 0.0},
                {"passes", v.hits},
                {"fails", v.total - v.hits}};
      break;
    case metrics::MetricType::gauge: values = {{"value", v.gauge}, {"min", v.gauge_min}, {"max", v.gauge_max}}; break;
  }
  return {{"type", to_string(info.type)},
          {"contains", info.contains == metrics::ValueKind::time   ? "time"
                       : info.contains == metrics::ValueKind::data ? "data"
                                                                   : "default"},
          {"values", std::move(values)}};
}

nlohmann::json timeline_json(const std::vector<metrics::TimelinePoint>& timeline) {
  auto out = nlohmann::json::array();
  for (const auto& p : timeline) {
    out.push_back({{"t_seconds", p.t_seconds}, {"reqs_per_s", p.reqs_per_s}, {"failed_rate", p.failed_rate},
                   {"p50_ms", p.p50_ms}, {"p90_ms", p.p90_ms}, {"p95_ms", p.p95_ms}, {"p99_ms", p.p99_ms},
                   {"max_ms", p.max_ms}, {"vus", p.vus}});
  }
  return out;
}

std::vector<metrics::TimelinePoint> timeline_from(const nlohmann::json& json) {
  std::vector<metrics::TimelinePoint> out;
  for (const auto& p : json) {
    metrics::TimelinePoint t;
    t.t_seconds = p.at("t_seconds").get<double>();
    t.reqs_per_s = p.value("reqs_per_s", 0.0);
    t.failed_rate = p.value("failed_rate", 0.0);
    t.p50_ms = p.value("p50_ms", 0.0);
    t.p90_ms = p.value("p90_ms", 0.0);
    t.p95_ms = p.value("p95_ms", 0.0);
    t.p99_ms = p.value("p99_ms", 0.0);
    t.max_ms = p.value("max_ms", 0.0);
    t.vus = p.value("vus", std::int64_t{0});
    out.push_back(t);
  }
  return out;
}

// "K/N" of each of the N segments not in `seen`, in order.
std::vector<std::string> missing_segments(const std::set<std::string>& seen, std::int64_t count) {
  std::vector<std::string> missing;
  for (std::int64_t k = 1; k <= count; ++k) {
    const auto text = executors::Segment{k, count}.str();
    if (!seen.contains(text)) missing.push_back(text);
  }
  return missing;
}

// At most 10 named (N may be 1000), so the error stays one readable line.
std::string segment_list(const std::vector<std::string>& segments) {
  std::string out;
  for (std::size_t i = 0; i < segments.size() && i < 10; ++i) out += (i ? ", " : "") + segments[i];
  if (segments.size() > 10) out += " and " + std::to_string(segments.size() - 10) + " more";
  return out;
}

// For the "given twice" error: which segments the whole set of inputs still lacks.
std::string missing_note(std::set<std::string> seen, std::int64_t count, const std::vector<Summary>& parts,
                         std::size_t from) {
  for (std::size_t i = from; i < parts.size(); ++i) {
    for (const auto& text : parts[i].segments) seen.insert(executors::parse_segment(text).str());
  }
  const auto missing = missing_segments(seen, count);
  return missing.empty() ? "" : " (missing: " + segment_list(missing) + ")";
}

}  // namespace

std::vector<CheckResult> collect_checks(const metrics::MetricSet& metrics) {
  std::vector<CheckResult> out;
  for (const auto& series : metrics.all()) {
    if (series.metric != "checks") continue;
    const auto* check = tag(series.tags, "check");
    if (check == nullptr) continue;
    const auto* scenario = tag(series.tags, "scenario");
    const auto* name = tag(series.tags, "name");
    CheckResult key{scenario ? *scenario : "", name ? *name : "", *check, 0, 0};
    auto it = std::find_if(out.begin(), out.end(), [&](const CheckResult& c) {
      return c.scenario == key.scenario && c.name == key.name && c.check == key.check;
    });
    if (it == out.end()) it = out.insert(out.end(), key);
    it->passes += series.value.hits;
    it->fails += series.value.total - series.value.hits;
  }
  return out;
}

std::vector<ErrorCount> collect_errors(const metrics::MetricSet& metrics) {
  std::vector<ErrorCount> out;
  for (const auto& series : metrics.all()) {
    if (series.metric != "http_reqs" || series.value.sum == 0) continue;
    const auto* code = tag(series.tags, "error_code");
    if (code == nullptr) continue;
    const auto* error = tag(series.tags, "error");
    ErrorCount key{std::atoi(code->c_str()), error ? *error : "", 0};
    auto it = std::find_if(out.begin(), out.end(), [&](const ErrorCount& e) { return e.code == key.code && e.error == key.error; });
    if (it == out.end()) it = out.insert(out.end(), key);
    it->count += static_cast<std::int64_t>(series.value.sum);
  }
  std::stable_sort(out.begin(), out.end(), [](const ErrorCount& a, const ErrorCount& b) {
    return a.count != b.count ? a.count > b.count : a.code < b.code;
  });
  return out;
}

void evaluate_thresholds(Summary& summary) {
  summary.threshold_results = metrics::evaluate(summary.thresholds, summary.metrics, summary.duration_seconds);
}

bool thresholds_passed(const Summary& summary) {
  return std::all_of(summary.threshold_results.begin(), summary.threshold_results.end(),
                     [](const metrics::ThresholdResult& r) { return r.ok; });
}

Outcome outcome(const Summary& summary) {
  if (summary.interrupted) return Outcome::interrupted;
  if (!thresholds_passed(summary)) return Outcome::thresholds_failed;
  if (summary.partial) return Outcome::partial;
  return Outcome::passed;
}

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::passed: return "passed";
    case Outcome::thresholds_failed: return "thresholds_failed";
    case Outcome::interrupted: return "interrupted";
    case Outcome::partial: return "partial";
  }
  return "";
}

nlohmann::json summary_to_json(const Summary& s) {
  // k6's layout: one entry per metric, one per tag-filtered threshold key ("submetric"), each
  // with {"thresholds": {"p(95)<500": {"ok": true}}} for the thresholds on exactly that key.
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& info : s.metrics.metrics()) {
    if (s.metrics.aggregate(info.name).series == 0) continue;
    metrics[info.name] = metric_view(s.metrics, info, s.duration_seconds);
  }
  for (const auto& t : s.thresholds) {
    const auto* info = s.metrics.info(t.metric);
    if (info == nullptr) continue;
    if (!metrics.contains(t.key)) metrics[t.key] = metric_view(s.metrics, *info, s.duration_seconds, t.filter);
  }
  for (const auto& r : s.threshold_results) {
    if (metrics.contains(r.key)) metrics[r.key]["thresholds"][r.source] = {{"ok", r.ok}};
  }
  nlohmann::json thresholds = nlohmann::json::object();
  for (const auto& r : s.threshold_results) {
    thresholds[r.key].push_back({{"threshold", r.source}, {"ok", r.ok}, {"actual", r.actual}, {"abortOnFail", r.abort_on_fail}, {"no_samples", r.no_samples}});
  }
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : collect_checks(s.metrics)) {
    checks.push_back({{"scenario", c.scenario}, {"name", c.name}, {"check", c.check}, {"passes", c.passes}, {"fails", c.fails}});
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : collect_errors(s.metrics)) {
    errors.push_back({{"error_code", e.code}, {"error", e.error}, {"count", e.count}});
  }
  return {{"format", kSummaryFormat},
          {"version", kSummaryVersion},
          {"name", s.name},
          {"file", s.file},
          {"tool_version", s.tool_version},
          {"segments", s.segments},
          {"started_unix_ms", s.started_unix_ms},
          {"duration_seconds", s.duration_seconds},
          {"interrupted", s.interrupted},
          {"partial", s.partial},
          {"missing_segments", s.missing_segments},
          {"outcome", outcome_name(outcome(s))},
          {"aborted_by_threshold", s.aborted_by_threshold},
          {"aborting_threshold", s.aborting_threshold},
          {"thresholds_ok", thresholds_passed(s)},
          {"metrics", std::move(metrics)},
          {"thresholds", std::move(thresholds)},
          {"checks", std::move(checks)},
          {"errors", std::move(errors)},
          {"timeline", timeline_json(s.timeline)},
          {"threshold_definitions", metrics::thresholds_to_json(s.thresholds)},
          {"series", s.metrics.to_json()},
          {"phases", phases_to_json(s.phases)}};
}

Summary summary_from_json(const nlohmann::json& json, const std::string& label) {
  const auto fail = [&](const std::string& why) -> Summary {
    throw UsageError(label + ": not a summary rsolv-loadgen wrote: " + why + " (pass the files `run --out` wrote)");
  };
  if (!json.is_object() || json.value("format", std::string()) != kSummaryFormat) {
    return fail("\"format\" is not \"" + std::string(kSummaryFormat) + "\"");
  }
  if (json.value("version", 0) != kSummaryVersion) {
    return fail("unsupported version " + json.value("version", nlohmann::json(nullptr)).dump());
  }
  Summary s;
  try {
    s.name = json.value("name", std::string());
    s.file = json.value("file", std::string());
    s.tool_version = json.value("tool_version", std::string());
    s.segments = json.at("segments").get<std::vector<std::string>>();
    for (const auto& segment : s.segments) (void)executors::parse_segment(segment);
    s.started_unix_ms = json.value("started_unix_ms", std::int64_t{0});
    s.duration_seconds = json.at("duration_seconds").get<double>();
    if (!std::isfinite(s.duration_seconds) || s.duration_seconds < 0) return fail("negative duration_seconds");
    s.interrupted = json.value("interrupted", false);
    s.partial = json.value("partial", false);
    if (json.contains("missing_segments")) s.missing_segments = json.at("missing_segments").get<std::vector<std::string>>();
    s.aborted_by_threshold = json.value("aborted_by_threshold", false);
    s.aborting_threshold = json.value("aborting_threshold", std::string());
    s.metrics = metrics::MetricSet::from_json(json.at("series"));
    s.thresholds = metrics::thresholds_from_json(json.at("threshold_definitions"));
    if (json.contains("timeline")) s.timeline = timeline_from(json.at("timeline"));
    if (json.contains("phases")) s.phases = phases_from_json(json.at("phases"));
  } catch (const nlohmann::json::exception& error) {
    return fail(error.what());
  } catch (const Error& error) {
    return fail(error.what());
  }
  evaluate_thresholds(s);
  return s;
}

void write_summary_file(const std::filesystem::path& path, const Summary& summary) {
  // Compact: the series' sparse histograms make an indented file needlessly long.
  report::write_file_atomic(path, summary_to_json(summary).dump(1) + "\n");
}

Summary read_summary_file(const std::filesystem::path& path) {
  // A run's summary is a few MiB at most (sparse histograms); the limit stops /dev/zero or a
  // mistaken multi-gigabyte file from taking the merge with it.
  constexpr std::size_t kMaxSummaryBytes = 256 * 1024 * 1024;
  const auto text = config::read_bounded_file(path.string(), kMaxSummaryBytes, "a summary file");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw UsageError(path.string() + ": invalid JSON at byte " + std::to_string(error.byte) +
                     " (pass the files `run --out` wrote)");
  }
  return summary_from_json(json, path.string());
}

Summary merge_summaries(const std::vector<Summary>& parts, bool allow_partial) {
  if (parts.empty()) throw UsageError("nothing to merge: give at least one summary");
  Summary out;
  const auto& first = parts.front();
  out.name = first.name;
  out.file = first.file;
  out.tool_version = first.tool_version;
  out.thresholds = first.thresholds;
  out.segments.clear();
  out.started_unix_ms = first.started_unix_ms;
  const auto definitions = metrics::thresholds_to_json(first.thresholds);
  std::set<std::string> seen;
  std::int64_t count = 0;
  // Timeline: intervals keyed by their end time (ms), in order.
  std::map<std::int64_t, metrics::TimelinePoint> timeline;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    if (part.name != first.name) {
      throw UsageError("summary " + std::to_string(i + 1) + " is of test '" + part.name + "', the first of '" +
                       first.name + "'; merge the segments of one test only");
    }
    if (metrics::thresholds_to_json(part.thresholds) != definitions) {
      throw UsageError("summary " + std::to_string(i + 1) + " of '" + part.name +
                       "' has other thresholds than the first; run every segment from the same scenario file");
    }
    for (const auto& text : part.segments) {
      const auto segment = executors::parse_segment(text);
      if (count == 0) count = segment.count;
      if (segment.count != count) {
        throw UsageError("segment " + text + " does not belong to a test split in " + std::to_string(count) +
                         " (every segment must use the same N)");
      }
      if (!seen.insert(segment.str()).second) {
        throw UsageError("segment " + segment.str() + " is given twice; pass each summary once" +
                         missing_note(seen, count, parts, i));
      }
      out.segments.push_back(segment.str());
    }
    out.metrics.merge(part.metrics);
    merge_phases(out.phases, part.phases);
    out.started_unix_ms = std::min(out.started_unix_ms, part.started_unix_ms);
    // Segments run side by side: the test lasted as long as the longest.
    out.duration_seconds = std::max(out.duration_seconds, part.duration_seconds);
    out.interrupted = out.interrupted || part.interrupted;
    if (part.aborted_by_threshold && !out.aborted_by_threshold) {
      out.aborted_by_threshold = true;
      out.aborting_threshold = part.aborting_threshold;
    }
    for (const auto& p : part.timeline) {
      const auto key = static_cast<std::int64_t>(std::llround(p.t_seconds * 1000));
      auto [it, inserted] = timeline.try_emplace(key, p);
      if (inserted) continue;
      auto& m = it->second;
      const double requests = m.reqs_per_s + p.reqs_per_s;
      m.failed_rate = requests > 0 ? (m.failed_rate * m.reqs_per_s + p.failed_rate * p.reqs_per_s) / requests : 0;
      m.reqs_per_s = requests;
      m.p50_ms = std::max(m.p50_ms, p.p50_ms);
      m.p90_ms = std::max(m.p90_ms, p.p90_ms);
      m.p95_ms = std::max(m.p95_ms, p.p95_ms);
      m.p99_ms = std::max(m.p99_ms, p.p99_ms);
      m.max_ms = std::max(m.max_ms, p.max_ms);
      m.vus += p.vus;
    }
  }
  std::sort(out.segments.begin(), out.segments.end(), [](const std::string& a, const std::string& b) {
    return executors::parse_segment(a).index < executors::parse_segment(b).index;
  });
  out.missing_segments = missing_segments(seen, count);
  if (!out.missing_segments.empty()) {
    if (!allow_partial) {
      throw UsageError("incomplete set of segments: " + std::to_string(out.missing_segments.size()) + " of " +
                       std::to_string(count) + " missing (" + segment_list(out.missing_segments) +
                       "); pass every segment's summary, or --allow-partial to merge what there is (marked partial)");
    }
    out.partial = true;
  }
  for (auto& [key, point] : timeline) out.timeline.push_back(point);
  evaluate_thresholds(out);
  return out;
}

}  // namespace rsolv::loadgen::output
