#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "rsolv/common/error.hpp"
#include "rsolv/report/prometheus.hpp"

namespace rsolv::report {
namespace {

TEST(Prometheus, CounterFamilyWithLabels) {
  PrometheusWriter writer;
  writer.family("rsolv_sandbox_http_requests_total", "counter", "HTTP requests by route and status.");
  writer.sample("rsolv_sandbox_http_requests_total", {{"route", "/api/health"}, {"status", "200"}}, 3);
  writer.sample("rsolv_sandbox_http_requests_total", {{"route", "/metrics"}, {"status", "200"}}, 1);
  EXPECT_EQ(writer.str(),
            "# HELP rsolv_sandbox_http_requests_total HTTP requests by route and status.\n"
            "# TYPE rsolv_sandbox_http_requests_total counter\n"
            "rsolv_sandbox_http_requests_total{route=\"/api/health\",status=\"200\"} 3\n"
            "rsolv_sandbox_http_requests_total{route=\"/metrics\",status=\"200\"} 1\n");
}

TEST(Prometheus, HelpAndTypeAppearOncePerFamily) {
  PrometheusWriter writer;
  writer.family("x_total", "counter", "x");
  writer.family("x_total", "counter", "x");
  std::istringstream lines(writer.str());
  int type_lines = 0;
  for (std::string line; std::getline(lines, line);) type_lines += line.rfind("# TYPE", 0) == 0;
  EXPECT_EQ(type_lines, 1);
}

TEST(Prometheus, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  PrometheusWriter writer;
  writer.sample("m", {{"threshold", "p(95)<500 \"x\""}}, 1);
  EXPECT_EQ(writer.str(), "m{threshold=\"p(95)<500 \\\"x\\\"\"} 1\n");
}

TEST(Prometheus, InvalidNamesAreRefused) {
  PrometheusWriter writer;
  EXPECT_THROW(writer.family("1abc", "counter", ""), Error);
  EXPECT_THROW(writer.family("a-b", "counter", ""), Error);
  EXPECT_THROW(writer.family("ok_name", "bogus", ""), Error);
  EXPECT_THROW(writer.sample("ok", {{"bad-label", "x"}}, 1), Error);
  EXPECT_THROW(writer.sample("ok", {{"__reserved", "x"}}, 1), Error);
  EXPECT_TRUE(valid_metric_name("rsolv:recording_rule"));
  EXPECT_FALSE(valid_label_name("with:colon"));
}

TEST(Prometheus, HistogramBucketsAreCumulativeInSeconds) {
  metrics::Histogram latencies;  // microseconds
  latencies.record(800);         // 0.8 ms
  latencies.record(4'000);       // 4 ms
  latencies.record(40'000);      // 40 ms
  latencies.record(2'000'000);   // 2 s
  PrometheusWriter writer;
  writer.family("req_seconds", "histogram", "latency");
  writer.histogram("req_seconds", {{"route", "/x"}}, latencies, {0.001, 0.005, 0.05, 1});
  const auto& text = writer.str();
  EXPECT_NE(text.find("req_seconds_bucket{route=\"/x\",le=\"0.001\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("req_seconds_bucket{route=\"/x\",le=\"0.005\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("req_seconds_bucket{route=\"/x\",le=\"0.05\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("req_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("req_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("req_seconds_count{route=\"/x\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("req_seconds_sum{route=\"/x\"} 2.0448\n"), std::string::npos) << text;
}

TEST(Prometheus, ValuesFormatLikeClientLibraries) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(INFINITY), "+Inf");
  EXPECT_EQ(format_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_value(NAN), "NaN");
}

}  // namespace
}  // namespace rsolv::report
