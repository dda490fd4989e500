// The comparison itself: limits parsed once, statistics taken with the thresholds' own aggregation
// code (so `p(95)` means here what it means in a threshold), samples counted per metric.
#include "rsolv/loadgen/compare/compare.hpp"

#include <charconv>
#include <cmath>

#include "rsolv/common/error.hpp"
#include "rsolv/common/strings.hpp"

namespace rsolv::loadgen::compare {

namespace {

// The one trim (harness/common), as an owned string for the parsed limit.
std::string trim(std::string_view text) { return std::string(rsolv::trim(text)); }

// The statistic's aggregation, parsed by the thresholds' parser (one definition of "p(95)").
metrics::ThresholdCondition stat_aggregation(const std::string& stat) {
  return metrics::parse_condition(stat + "<0");
}

std::int64_t samples_of(const output::Summary& summary, const metrics::Aggregate& aggregate,
                        const metrics::Tags& filter) {
  const auto& v = aggregate.value;
  switch (aggregate.type) {
    case metrics::MetricType::trend: return v.histogram ? static_cast<std::int64_t>(v.histogram->count()) : 0;
    case metrics::MetricType::rate: return v.total;
    case metrics::MetricType::counter:
      // A counter keeps its sum, not its number of additions: data counters (bytes) count the
      // requests that moved them; the others (http_reqs, iterations) add 1 per event.
      if (aggregate.contains == metrics::ValueKind::data) {
        return static_cast<std::int64_t>(summary.metrics.aggregate("http_reqs", filter).value.sum);
      }
      return static_cast<std::int64_t>(v.sum);
    case metrics::MetricType::gauge: return 0;
  }
  return 0;
}

bool worse_beyond(const Limit& limit, double baseline, double current) {
  const double factor = limit.percent / 100;
  if (limit.lower_is_worse) return current < baseline * (1 - factor);
  return current > baseline * (1 + factor);
}

std::vector<std::string> default_stats(metrics::MetricType type) {
  switch (type) {
    case metrics::MetricType::trend: return {"avg", "med", "p(90)", "p(95)", "p(99)", "max"};
    case metrics::MetricType::counter: return {"count", "rate"};
    case metrics::MetricType::rate: return {"rate"};
    case metrics::MetricType::gauge: return {"value"};
  }
  return {};
}

Row make_row(const output::Summary& baseline, const output::Summary& current, const std::string& selector,
             const std::string& metric, const metrics::Tags& filter, const std::string& stat,
             const metrics::ThresholdCondition& aggregation) {
  Row row;
  row.selector = selector;
  row.stat = stat;
  const auto b = baseline.metrics.aggregate(metric, filter);
  const auto c = current.metrics.aggregate(metric, filter);
  const metrics::MetricInfo* info =
      current.metrics.info(metric) != nullptr ? current.metrics.info(metric) : baseline.metrics.info(metric);
  if (info != nullptr) {
    row.type = info->type;
    row.contains = info->contains;
  }
  row.baseline = metrics::aggregate_value(b, aggregation, baseline.duration_seconds);
  row.current = metrics::aggregate_value(c, aggregation, current.duration_seconds);
  row.baseline_samples = samples_of(baseline, b, filter);
  row.current_samples = samples_of(current, c, filter);
  if (row.baseline != 0) {
    row.change_percent = (row.current - row.baseline) / std::fabs(row.baseline) * 100;
  } else if (row.current == 0) {
    row.change_percent = 0.0;
  }
  return row;
}

}  // namespace

Limit parse_limit(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return UsageError("--max-regression '" + std::string(text) + "': " + why +
                      " (write \"METRIC STAT=N%\", e.g. \"http_req_duration p(95)=10%\" or \"http_reqs rate=-5%\")");
  };
  const auto eq = text.rfind('=');
  if (eq == std::string_view::npos) throw fail("no '='");
  const auto left = trim(text.substr(0, eq));
  auto right = trim(text.substr(eq + 1));
  // The selector may hold spaces only inside {...}; the statistic follows the last space.
  const auto space = left.find_last_of(" \t");
  if (space == std::string::npos) throw fail("no statistic after the metric");
  Limit limit;
  limit.source = std::string(text);
  limit.selector = trim(left.substr(0, space));
  limit.stat = trim(left.substr(space + 1));
  try {
    auto [metric, filter] = metrics::parse_metric_selector(limit.selector);
    limit.metric = std::move(metric);
    limit.filter = std::move(filter);
    limit.aggregation = stat_aggregation(limit.stat);
  } catch (const Error& e) {
    throw fail(e.what());
  }
  if (right.empty() || right.back() != '%') throw fail("the limit must be a percentage ending in %");
  right.pop_back();
  if (!right.empty() && (right.front() == '+' || right.front() == '-')) {
    limit.lower_is_worse = right.front() == '-';
    right.erase(0, 1);
  }
  const auto [end, ec] = std::from_chars(right.data(), right.data() + right.size(), limit.percent);
  if (right.empty() || ec != std::errc() || end != right.data() + right.size() || !std::isfinite(limit.percent)) {
    throw fail("'" + right + "%' is not a number of percent");
  }
  if (limit.percent < 0 || limit.percent > kMaxLimitPercent) {
    throw fail("the percentage must be between 0 and " + std::to_string(static_cast<int>(kMaxLimitPercent)));
  }
  return limit;
}

std::int64_t samples_needed(const metrics::ThresholdCondition& aggregation) {
  if (aggregation.aggregation != metrics::Aggregation::percentile) return kMinSamples;
  const double q = aggregation.percentile / 100;
  if (q <= 0.5) return kMinSamples;  // the bound below is symmetric; kMinSamples covers the median
  if (q >= 1) return kMinSamples;    // p(100) is the maximum: a single sample either way
  // Solve (1-q) x^2 - z sqrt(q(1-q)) x - 1 = 0 for x = sqrt(n).
  constexpr double z = 1.96;
  const double a = 1 - q;
  const double b = z * std::sqrt(q * (1 - q));
  const double x = (b + std::sqrt(b * b + 4 * a)) / (2 * a);
  const double n = std::ceil(x * x - 1e-9);
  return std::max<std::int64_t>(kMinSamples, n > 1e15 ? static_cast<std::int64_t>(1e15) : static_cast<std::int64_t>(n));
}

RunComparison compare_summaries(const output::Summary& baseline, const output::Summary& current,
                             const std::vector<Limit>& limits, std::string baseline_label, std::string current_label) {
  if (limits.size() > kMaxLimits) {
    throw UsageError("--max-regression given " + std::to_string(limits.size()) + " times: at most " +
                     std::to_string(kMaxLimits));
  }
  RunComparison out;
  out.baseline_label = std::move(baseline_label);
  out.current_label = std::move(current_label);
  out.name = current.name.empty() ? baseline.name : current.name;
  for (const auto& [summary, label] : {std::pair{&baseline, &out.baseline_label}, std::pair{&current, &out.current_label}}) {
    if (summary->interrupted) out.notes.push_back(*label + " was interrupted: part of its load did not run");
    if (summary->partial) out.notes.push_back(*label + " is a partial merge: segments are missing");
  }

  for (const auto& info : baseline.metrics.metrics()) {
    if (current.metrics.info(info.name) == nullptr) continue;
    const auto b = baseline.metrics.aggregate(info.name);
    const auto c = current.metrics.aggregate(info.name);
    if (b.value.empty(info.type) && c.value.empty(info.type)) continue;
    for (const auto& stat : default_stats(info.type)) {
      out.rows.push_back(make_row(baseline, current, info.name, info.name, {}, stat, stat_aggregation(stat)));
    }
  }

  for (const auto& limit : limits) {
    const metrics::MetricInfo* info = current.metrics.info(limit.metric);
    if (info == nullptr) info = baseline.metrics.info(limit.metric);
    if (info == nullptr) {
      throw UsageError("--max-regression '" + limit.source + "': neither " + out.baseline_label + " nor " +
                       out.current_label + " has a metric '" + limit.metric + "'");
    }
    if (info->type == metrics::MetricType::gauge) {
      throw UsageError("--max-regression '" + limit.source + "': " + limit.metric +
                       " is a gauge (a last value, not samples); limit a trend, counter or rate");
    }
    try {
      metrics::check_condition_applies(limit.aggregation, *info);
    } catch (const Error& e) {
      throw UsageError("--max-regression '" + limit.source + "': " + e.what());
    }
    Row* row = nullptr;
    for (auto& r : out.rows) {
      if (r.selector == limit.selector && r.stat == limit.stat && !r.limit) row = &r;
    }
    if (row == nullptr) {
      out.rows.push_back(
          make_row(baseline, current, limit.selector, limit.metric, limit.filter, limit.stat, limit.aggregation));
      row = &out.rows.back();
    }
    row->limit = limit;
    row->samples_needed = samples_needed(limit.aggregation);
    if (row->baseline_samples < row->samples_needed || row->current_samples < row->samples_needed) {
      row->verdict = Verdict::too_few_samples;
    } else {
      row->verdict = worse_beyond(limit, row->baseline, row->current) ? Verdict::regressed : Verdict::ok;
    }
  }

  bool regressed = false, inconclusive = false;
  for (const auto& row : out.rows) {
    regressed = regressed || row.verdict == Verdict::regressed;
    inconclusive = inconclusive || row.verdict == Verdict::too_few_samples;
  }
  out.outcome = regressed ? Outcome::regressed : inconclusive ? Outcome::inconclusive : Outcome::passed;
  return out;
}

}  // namespace rsolv::loadgen::compare
