#pragma once
// The end-of-test summary: everything every report is made from. It round-trips through
// summary.json exactly (metric series with sparse histograms), so `rsolv-loadgen merge` of the N
// segments' summaries gives the same numbers one machine running the whole test would have, and
// re-evaluates the thresholds on the merged metrics.
//
// summary.json (format "rsolv-loadgen-summary", version 1):
//   name, file, tool_version, segments ["1/4", ...], started_unix_ms, duration_seconds,
//   interrupted, partial, missing_segments, aborted_by_threshold, aborting_threshold, thresholds_ok,
//   outcome    "passed" | "thresholds_failed" | "interrupted" | "partial" (see outcome())
//   metrics    k6-like view per metric: {type, contains, values: {avg, min, med, max, p(90), p(95),
//              p(99), count | count, rate | rate, passes, fails | value, min, max}} (time in ms)
//   thresholds {key: [{threshold, ok, actual, abortOnFail}]}  (results)
//   checks     [{scenario, name, check, passes, fails}]
//   errors     [{error_code, error, count}]  requests by failure reason (collect_errors), most first
//   timeline   [{t_seconds, reqs_per_s, failed_rate, p50_ms, p90_ms, p95_ms, p99_ms, max_ms, vus}]
//   threshold_definitions  the thresholds as written (re-parsed by merge)
//   series     the exact metric series (MetricSet::to_json): what merge reads
//   phases     [{name: "setup"|"teardown", ok, failure, duration_seconds, requests, failed_requests,
//              iterations, http_req_duration {avg, p(95), max} (ms), checks {passes, fails}, series}]
//              the setup and teardown flows' requests, apart from `metrics` (see phases.cpp)
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rsolv/loadgen/metrics/metric_set.hpp"
#include "rsolv/loadgen/metrics/thresholds.hpp"
#include "rsolv/loadgen/metrics/timeline.hpp"

namespace rsolv::loadgen::output {

inline constexpr const char* kSummaryFormat = "rsolv-loadgen-summary";
inline constexpr int kSummaryVersion = 1;

// The setup or teardown flow of a run: its own metrics, never mixed into the scenarios'.
struct PhaseSummary {
  std::string name;  // "setup" | "teardown"
  metrics::MetricSet metrics;
  double duration_seconds = 0;
  std::string failure;  // "" when it succeeded
};

struct Summary {
  std::string name;  // the test's name (the scenario file's `name:`)
  std::string file;  // the scenario file
  std::string tool_version;
  std::vector<std::string> segments{"1/1"};  // "K/N" of each run this summary holds
  std::int64_t started_unix_ms = 0;
  double duration_seconds = 0;
  bool interrupted = false;  // a stop signal ended the run (or one merged segment's) early
  // A merge of an incomplete set of segments (`merge --allow-partial`): missing_segments lists them.
  bool partial = false;
  std::vector<std::string> missing_segments;
  bool aborted_by_threshold = false;
  std::string aborting_threshold;
  metrics::MetricSet metrics;
  std::vector<metrics::Threshold> thresholds;               // definitions
  std::vector<metrics::ThresholdResult> threshold_results;  // filled by evaluate_thresholds()
  std::vector<metrics::TimelinePoint> timeline;
  std::vector<PhaseSummary> phases;  // setup, teardown (those that ran)
};

// One check, summed over its samples (the `checks` rate's series with that check tag).
struct CheckResult {
  std::string scenario;
  std::string name;  // the step's name tag
  std::string check;
  std::int64_t passes = 0;
  std::int64_t fails = 0;
};
// In the order the series were first recorded.
std::vector<CheckResult> collect_checks(const metrics::MetricSet& metrics);

// Requests of one failure reason: the `http_reqs` series tagged error_code and error, summed.
struct ErrorCount {
  int code = 0;
  std::string error;
  std::int64_t count = 0;
};
// Most frequent first, then by code.
std::vector<ErrorCount> collect_errors(const metrics::MetricSet& metrics);

// Fills threshold_results from metrics and thresholds (counters' rate is per duration_seconds).
void evaluate_thresholds(Summary& summary);
bool thresholds_passed(const Summary& summary);

// What a CI pipeline should make of a summary. An interrupted run or a partial merge is never a
// pass, whatever its thresholds say: part of the planned load is missing.
enum class Outcome { passed, thresholds_failed, interrupted, partial };
Outcome outcome(const Summary& summary);
const char* outcome_name(Outcome outcome);  // as in summary.json's "outcome"

nlohmann::json summary_to_json(const Summary& summary);
// Throws rsolv::UsageError naming `label` when the JSON is not a summary this tool wrote.
Summary summary_from_json(const nlohmann::json& json, const std::string& label);
// Atomic write (temp + rename).
void write_summary_file(const std::filesystem::path& path, const Summary& summary);
Summary read_summary_file(const std::filesystem::path& path);

// Adds up the summaries of the segments of one test: metrics exactly (histograms bucket by bucket),
// segments listed, thresholds re-evaluated. Throws rsolv::UsageError when they come from different
// tests, hold the same segment twice, disagree on N or on their thresholds, or when a segment of
// the N is missing (naming the missing ones) unless `allow_partial`: then the result is `partial`. The timeline is
// combined per interval: rates and VUs add, percentiles take the highest segment's (an upper
// bound: only the end-of-test metrics are exact).
Summary merge_summaries(const std::vector<Summary>& parts, bool allow_partial = false);

// Phases (phases.cpp): JSON both ways, merge (each segment ran its own setup and teardown: their
// metrics add up, the first failure is kept) and the text summary's lines.
nlohmann::json phases_to_json(const std::vector<PhaseSummary>& phases);
std::vector<PhaseSummary> phases_from_json(const nlohmann::json& json);
void merge_phases(std::vector<PhaseSummary>& into, const std::vector<PhaseSummary>& more);
std::string render_phases_text(const std::vector<PhaseSummary>& phases);

}  // namespace rsolv::loadgen::output
