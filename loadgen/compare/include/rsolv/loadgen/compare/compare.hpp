#pragma once
// `rsolv-loadgen compare BASELINE.json CURRENT.json`: is this build slower than the last one?
// Two end-of-test summaries (as `run --out` writes them) are compared metric by metric; limits say
// how far a statistic may move in the direction that is worse:
//
//   "http_req_duration p(95)=10%"             p95 may rise by at most 10 % (+ or no sign: higher is worse)
//   "http_reqs rate=-5%"                      the request rate may fall by at most 5 % (-: lower is worse)
//   "http_req_duration{name:login} avg=+20%"  tag filters as in thresholds
//
// A limit is judged only when both runs hold enough samples of its metric to tell (see
// samples_needed()); otherwise the comparison is inconclusive and says how many it needs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/loadgen/metrics/metric_set.hpp"
#include "rsolv/loadgen/metrics/thresholds.hpp"
#include "rsolv/loadgen/output/summary.hpp"

namespace rsolv::loadgen::compare {

inline constexpr std::size_t kMaxLimits = 100;
inline constexpr double kMaxLimitPercent = 1000;
// Fewer samples than this and even a mean or a rate moves by chance alone (the usual n >= 30 rule
// for a normal approximation of a mean or a proportion).
inline constexpr std::int64_t kMinSamples = 30;

struct Limit {
  std::string source;    // as written
  std::string selector;  // "http_req_duration{name:login}"
  std::string metric;
  metrics::Tags filter;
  std::string stat;  // "p(95)", "avg", "rate", ...
  metrics::ThresholdCondition aggregation;  // what `stat` computes (parse_condition's aggregation, percentile)
  double percent = 0;      // the magnitude, >= 0
  bool lower_is_worse = false;  // written with '-'
};

// Throws rsolv::UsageError (one line naming the text, what is wrong and the accepted form/range).
Limit parse_limit(std::string_view text);

// Samples each run needs before a statistic can be judged: kMinSamples for avg, min, max, med,
// count and rate; for p(q) the least n whose 95 % distribution-free confidence interval of the
// q-quantile (order statistics from the binomial distribution, normal approximation) ends inside
// the sample: n(1-q) >= 1.96 sqrt(n q (1-q)) + 1 (p(95): 110, p(99): 563, p(99.9): 5662). With fewer,
// the data cannot tell p(q) from the maximum.
std::int64_t samples_needed(const metrics::ThresholdCondition& aggregation);

enum class Verdict { shown, ok, regressed, too_few_samples };

struct Row {
  std::string selector;
  std::string stat;
  metrics::ValueKind contains = metrics::ValueKind::plain;
  metrics::MetricType type = metrics::MetricType::trend;
  double baseline = 0;
  double current = 0;
  // (current - baseline) / baseline in percent; nullopt when the baseline is 0 and the current is not.
  std::optional<double> change_percent;
  std::int64_t baseline_samples = 0;
  std::int64_t current_samples = 0;
  std::optional<Limit> limit;
  Verdict verdict = Verdict::shown;
  std::int64_t samples_needed = 0;  // for a row with a limit
};

enum class Outcome { passed, regressed, inconclusive };

struct RunComparison {
  std::string baseline_label;  // the files, as given
  std::string current_label;
  std::string name;            // the test's name (the current run's)
  std::vector<Row> rows;
  std::vector<std::string> notes;  // e.g. "BASELINE was interrupted"
  // regressed when any judged limit is exceeded (a clear finding stands even if another limit
  // cannot be judged), else inconclusive when a limit lacks samples, else passed.
  Outcome outcome = Outcome::passed;
};

// Compares every metric both runs have (trends: avg, med, p(90), p(95), p(99), max; counters:
// count, rate; rates: rate; gauges: value) plus the rows of the limits. Throws
// rsolv::UsageError when a limit names a metric neither run has, a gauge (a last value, not
// samples), or a statistic its metric's type lacks.
RunComparison compare_summaries(const output::Summary& baseline, const output::Summary& current,
                             const std::vector<Limit>& limits, std::string baseline_label = "baseline",
                             std::string current_label = "current");

// The text table (stdout), and one line per exceeded limit or unjudged one (stderr).
std::string render_table(const RunComparison& comparison);
std::vector<std::string> verdict_lines(const RunComparison& comparison);
// JUnit: one case per limit (failed when exceeded, skipped with the reason when not judged).
std::string render_junit(const RunComparison& comparison);
// A self-contained HTML page with the table (no script, no external resource).
std::string render_html(const RunComparison& comparison);

}  // namespace rsolv::loadgen::compare
