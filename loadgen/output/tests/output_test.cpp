// The summary model and its reports: JSON round trip, exact merge of segments, text, JUnit, HTML,
// Prometheus names the Grafana dashboard reads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/output/reports.hpp"
#include "rsolv/loadgen/output/summary.hpp"

namespace rsolv::loadgen::output {
namespace {

metrics::Threshold threshold(const std::string& key, std::vector<std::string> conditions) {
  metrics::Threshold t;
  t.key = key;
  std::tie(t.metric, t.filter) = metrics::parse_metric_selector(key);
  for (const auto& c : conditions) t.conditions.push_back(metrics::parse_condition(c));
  return t;
}

// What one machine running segment K of N records: request i of the whole test belongs to the
// segment i mod N, so the N segments together hold exactly the whole test's samples.
Summary run_segment(std::int64_t k, std::int64_t n, int requests = 4000) {
  Summary s;
  s.name = "platform-signup";
  s.file = "examples/loadgen/signup.yaml";
  s.segments = {std::to_string(k) + "/" + std::to_string(n)};
  s.started_unix_ms = 1'700'000'000'000 + k;
  s.duration_seconds = 20 + static_cast<double>(k) / 10;
  metrics::define_builtin_metrics(s.metrics);
  s.metrics.define({"signups", metrics::MetricType::counter, metrics::ValueKind::plain});
  s.thresholds = {threshold("http_req_duration{name:signup}", {"p(95)<300", "p(99)<1000"}),
                  threshold("http_req_failed", {"rate<0.01"}), threshold("checks", {"rate>0.99"})};
  std::mt19937_64 random(12345);
  std::lognormal_distribution<double> latency(3.5, 0.8);
  for (int i = 0; i < requests; ++i) {
    const double ms = latency(random);
    const bool fail = i % 97 == 0;
    if (i % n != k - 1) continue;
    const std::string name = i % 3 == 0 ? "login" : "signup";
    const metrics::Tags tags =
        metrics::normalize_tags({{"scenario", "signup"}, {"name", name}, {"status", fail ? "500" : "201"}});
    s.metrics.at(s.metrics.series_index("http_req_duration", tags)).value.add_trend(ms);
    s.metrics.at(s.metrics.series_index("http_reqs", tags)).value.add_counter(1);
    s.metrics.at(s.metrics.series_index("http_req_failed", tags)).value.add_rate(fail);
    s.metrics.at(s.metrics.series_index("signups", tags)).value.add_counter(fail ? 0 : 1);
    const metrics::Tags check =
        metrics::normalize_tags({{"scenario", "signup"}, {"name", name}, {"check", "status is 201"}});
    s.metrics.at(s.metrics.series_index("checks", check)).value.add_rate(!fail);
  }
  s.metrics.at(s.metrics.series_index("vus", {{"scenario", "signup"}})).value.set_gauge(5);
  for (int t = 1; t <= 3; ++t) {
    s.timeline.push_back({static_cast<double>(t), 100.0 / static_cast<double>(n), 0.01, 10, 20, 30, 40 + static_cast<double>(k), 50, 5});
  }
  evaluate_thresholds(s);
  return s;
}

TEST(Summary, JsonRoundTripIsExact) {
  const auto s = run_segment(1, 1);
  const auto json = summary_to_json(s);
  EXPECT_EQ(json["format"], "rsolv-loadgen-summary");
  EXPECT_EQ(json["metrics"]["http_reqs"]["values"]["count"], 4000);
  EXPECT_TRUE(json["metrics"]["http_req_duration"]["values"].contains("p(95)"));
  // k6's layout for thresholds: a submetric entry per filtered key, results under "thresholds".
  EXPECT_EQ(json["metrics"]["http_req_duration{name:signup}"]["thresholds"]["p(95)<300"]["ok"], true);
  EXPECT_EQ(json["metrics"]["http_req_failed"]["thresholds"]["rate<0.01"]["ok"], false);
  EXPECT_LT(json["metrics"]["http_req_duration{name:signup}"]["values"]["count"].get<int>(), 4000);
  const auto back = summary_from_json(nlohmann::json::parse(json.dump()), "s.json");
  EXPECT_EQ(back.name, s.name);
  EXPECT_EQ(back.segments, s.segments);
  EXPECT_DOUBLE_EQ(back.duration_seconds, s.duration_seconds);
  EXPECT_EQ(*back.metrics.aggregate("http_req_duration").value.histogram,
            *s.metrics.aggregate("http_req_duration").value.histogram);
  ASSERT_EQ(back.threshold_results.size(), s.threshold_results.size());
  for (std::size_t i = 0; i < s.threshold_results.size(); ++i) {
    EXPECT_EQ(back.threshold_results[i].ok, s.threshold_results[i].ok);
    EXPECT_DOUBLE_EQ(back.threshold_results[i].actual, s.threshold_results[i].actual);
  }
  ASSERT_EQ(back.timeline.size(), 3u);
  EXPECT_DOUBLE_EQ(back.timeline[2].p99_ms, s.timeline[2].p99_ms);
  EXPECT_EQ(summary_to_json(back).dump(), json.dump());
}

TEST(Summary, MergeOfSegmentsEqualsTheWholeTest) {
  const auto whole = run_segment(1, 1);
  const auto dir = std::filesystem::temp_directory_path() / ("lg-merge-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<Summary> parts;
  for (int k = 4; k >= 1; --k) {  // any order
    const auto path = dir / ("summary-" + std::to_string(k) + ".json");
    write_summary_file(path, run_segment(k, 4));
    parts.push_back(read_summary_file(path));
  }
  std::filesystem::remove_all(dir);
  const auto merged = merge_summaries(parts);
  EXPECT_EQ(merged.segments, (std::vector<std::string>{"1/4", "2/4", "3/4", "4/4"}));
  for (const auto* metric : {"http_req_duration"}) {
    for (const auto* name : {"signup", "login"}) {
      EXPECT_EQ(*merged.metrics.aggregate(metric, {{"name", name}}).value.histogram,
                *whole.metrics.aggregate(metric, {{"name", name}}).value.histogram);
    }
  }
  EXPECT_EQ(merged.metrics.aggregate("http_reqs").value.sum, 4000);
  EXPECT_EQ(merged.metrics.aggregate("http_req_failed").value.hits, whole.metrics.aggregate("http_req_failed").value.hits);
  EXPECT_EQ(merged.metrics.aggregate("vus").value.gauge, 20);  // 4 machines x 5 VUs
  ASSERT_EQ(merged.threshold_results.size(), whole.threshold_results.size());
  for (std::size_t i = 0; i < whole.threshold_results.size(); ++i) {
    EXPECT_EQ(merged.threshold_results[i].ok, whole.threshold_results[i].ok) << whole.threshold_results[i].source;
    EXPECT_DOUBLE_EQ(merged.threshold_results[i].actual, whole.threshold_results[i].actual) << whole.threshold_results[i].source;
  }
  EXPECT_DOUBLE_EQ(merged.duration_seconds, 20.4);
  EXPECT_EQ(merged.started_unix_ms, 1'700'000'000'001);
  ASSERT_EQ(merged.timeline.size(), 3u);
  EXPECT_DOUBLE_EQ(merged.timeline[0].reqs_per_s, 100);
  EXPECT_DOUBLE_EQ(merged.timeline[0].p99_ms, 44);  // the highest segment's
  EXPECT_EQ(merged.timeline[0].vus, 20);
  const auto checks = collect_checks(merged.metrics);
  std::int64_t passes = 0, fails = 0;
  for (const auto& c : checks) {
    passes += c.passes;
    fails += c.fails;
  }
  EXPECT_EQ(passes + fails, 4000);
  EXPECT_EQ(fails, 42);  // i % 97 == 0 for i < 4000
}

TEST(Summary, MergeRefusesMismatchedSummaries) {
  EXPECT_THROW((void)merge_summaries({}), UsageError);
  EXPECT_THROW((void)merge_summaries({run_segment(1, 2), run_segment(1, 2)}), UsageError);
  EXPECT_THROW((void)merge_summaries({run_segment(1, 2), run_segment(2, 3)}), UsageError);
  auto other = run_segment(2, 2);
  other.name = "another test";
  EXPECT_THROW((void)merge_summaries({run_segment(1, 2), other}), UsageError);
  auto changed = run_segment(2, 2);
  changed.thresholds.pop_back();
  EXPECT_THROW((void)merge_summaries({run_segment(1, 2), changed}), UsageError);
}

TEST(Summary, ReadingSomethingElseIsAUsageError) {
  EXPECT_THROW((void)summary_from_json(nlohmann::json::parse(R"({"metrics":{}})"), "k6.json"), UsageError);
  EXPECT_THROW((void)read_summary_file("/nonexistent/summary.json"), UsageError);
  try {
    (void)summary_from_json(nlohmann::json::parse(R"({"format":"rsolv-loadgen-summary","version":1})"), "x.json");
    FAIL();
  } catch (const UsageError& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with("x.json: ")) << error.what();
  }
}

TEST(Reports, TextSummaryShowsChecksMetricsAndThresholds) {
  const auto s = run_segment(1, 1);
  const auto text = render_text_summary(s, false);
  EXPECT_NE(text.find("http_req_duration"), std::string::npos);
  EXPECT_NE(text.find("{ name:signup }"), std::string::npos) << text;
  EXPECT_NE(text.find("status is 201"), std::string::npos);
  EXPECT_NE(text.find("✗ http_req_failed: rate<0.01"), std::string::npos) << text;  // 42/4000 > 1 %
  EXPECT_NE(text.find("some thresholds failed"), std::string::npos);
  EXPECT_EQ(text.find("\x1b["), std::string::npos);
  auto typo = s;
  typo.thresholds.push_back(threshold("http_req_duration{name:singup}", {"p(95)<300"}));
  typo.interrupted = true;
  evaluate_thresholds(typo);
  const auto typo_text = render_text_summary(typo, false);
  EXPECT_NE(typo_text.find("http_req_duration{name:singup}: p(95)<300  (actual 0µs, no samples matched)"), std::string::npos)
      << typo_text;
  EXPECT_NE(typo_text.find("(interrupted)"), std::string::npos);
  EXPECT_NE(render_text_summary(s, true).find("\x1b[31m"), std::string::npos);
}

TEST(Reports, JUnitHasOneCasePerThresholdAndCheck) {
  const auto s = run_segment(1, 1);
  const auto xml = render_junit_report(s);
  std::size_t cases = 0;
  for (auto at = xml.find("<testcase"); at != std::string::npos; at = xml.find("<testcase", at + 1)) ++cases;
  // 4 threshold conditions + 2 checks (signup and login steps).
  EXPECT_EQ(cases, 6u) << xml;
  EXPECT_NE(xml.find("http_req_failed: rate&lt;0.01"), std::string::npos) << xml;
  std::size_t failures = 0;
  for (auto at = xml.find("<failure"); at != std::string::npos; at = xml.find("<failure", at + 1)) ++failures;
  // http_req_failed and checks thresholds fail, and both checks have failures.
  EXPECT_EQ(failures, 4u) << xml;
  EXPECT_TRUE(xml.starts_with("<?xml")) << xml.substr(0, 80);
}

TEST(Reports, HtmlIsSelfContainedWithSvgCharts) {
  auto s = run_segment(1, 1);
  s.name = "see https://example.com/x";  // user text must not become a reference
  const auto html = render_html_report(s);
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  std::size_t charts = 0;
  for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++charts;
  EXPECT_GE(charts, 3u);
  EXPECT_NE(html.find("<path class=\"series\""), std::string::npos);
  EXPECT_NE(html.find("Latency percentiles"), std::string::npos);
  EXPECT_NE(html.find(">signup</td>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("nan"), std::string::npos);
  // A run that sent nothing (stopped at once) still gives a readable page.
  Summary empty;
  empty.name = "empty";
  metrics::define_builtin_metrics(empty.metrics);
  const auto blank = render_html_report(empty);
  EXPECT_NE(blank.find("no data"), std::string::npos);
  EXPECT_EQ(blank.find("nan"), std::string::npos);
  EXPECT_EQ(blank.find("inf"), std::string::npos);
  EXPECT_FALSE(render_text_summary(empty).empty());
  EXPECT_NE(render_junit_report(empty).find("<testsuites"), std::string::npos);
}

TEST(Reports, PrometheusNamesMatchTheGrafanaDashboard) {
  auto s = run_segment(1, 1);
  s.metrics.at(s.metrics.series_index("iterations", {{"scenario", "signup"}})).value.add_counter(10);
  s.metrics.at(s.metrics.series_index("dropped_iterations", {{"scenario", "signup"}})).value.add_counter(1);
  const auto text = render_prometheus(s.metrics, s.threshold_results);
  std::ifstream in(std::string(RSOLV_SOURCE_DIR) + "/ci/grafana/rsolv-harness-dashboard.json");
  ASSERT_TRUE(in) << "dashboard not found";
  std::stringstream dashboard;
  dashboard << in.rdbuf();
  const std::regex name("rsolv_loadgen_[a-z_]+");
  std::set<std::string> wanted;
  const auto content = dashboard.str();
  for (auto it = std::sregex_iterator(content.begin(), content.end(), name); it != std::sregex_iterator(); ++it) {
    wanted.insert(it->str());
  }
  ASSERT_GE(wanted.size(), 5u);
  for (const auto& metric : wanted) {
    EXPECT_NE(text.find("\n" + metric + "{"), std::string::npos) << metric << " missing from\n" << text.substr(0, 2000);
  }
  EXPECT_NE(text.find("rsolv_loadgen_checks_total{check=\"status is 201\",name=\"signup\",scenario=\"signup\",result=\"fail\"}"),
            std::string::npos);
  EXPECT_NE(text.find("rsolv_loadgen_thresholds{threshold=\"http_req_failed: rate<0.01\"} 0"), std::string::npos);
  EXPECT_NE(text.find("# TYPE rsolv_loadgen_http_req_duration_seconds histogram"), std::string::npos);
  // http_req_failed counts failures only, so failed / http_reqs is the error rate.
  EXPECT_NE(text.find("rsolv_loadgen_http_req_failed_total{name=\"login\",scenario=\"signup\",status=\"500\"} "),
            std::string::npos);
}

}  // namespace
}  // namespace rsolv::loadgen::output
