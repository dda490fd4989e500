// Tagged metric series and thresholds in k6's syntax.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/metrics/metric_set.hpp"
#include "rsolv/loadgen/metrics/thresholds.hpp"

namespace rsolv::loadgen::metrics {
namespace {

// Durations in ms, recorded into http_req_duration with a name tag.
MetricSet with_durations(const std::vector<std::pair<std::string, std::vector<double>>>& by_name) {
  MetricSet set;
  define_builtin_metrics(set);
  for (const auto& [name, values] : by_name) {
    auto& series =
        set.at(set.series_index("http_req_duration", normalize_tags({{"name", name}, {"scenario", "s"}})));
    for (const double v : values) series.value.add_trend(v);
    auto& reqs = set.at(set.series_index("http_reqs", normalize_tags({{"name", name}, {"scenario", "s"}})));
    reqs.value.add_counter(static_cast<double>(values.size()));
  }
  return set;
}

Threshold threshold(const std::string& key, std::vector<std::string> conditions) {
  Threshold t;
  t.key = key;
  std::tie(t.metric, t.filter) = parse_metric_selector(key);
  for (const auto& c : conditions) t.conditions.push_back(parse_condition(c));
  return t;
}

TEST(Thresholds, ParsesK6Syntax) {
  const auto p = parse_condition("p(99.9) <= 1500");
  EXPECT_EQ(p.aggregation, Aggregation::percentile);
  EXPECT_DOUBLE_EQ(p.percentile, 99.9);
  EXPECT_EQ(p.comparison, Comparison::le);
  EXPECT_DOUBLE_EQ(p.target, 1500);
  EXPECT_EQ(parse_condition("rate<0.01").aggregation, Aggregation::rate);
  EXPECT_EQ(parse_condition("count===10").comparison, Comparison::eq);
  EXPECT_EQ(parse_condition("med!=3").comparison, Comparison::ne);
  EXPECT_THROW((void)parse_condition("p95<500"), UsageError);
  EXPECT_THROW((void)parse_condition("p(95)"), UsageError);
  EXPECT_THROW((void)parse_condition("p(101)<5"), UsageError);
  EXPECT_THROW((void)parse_condition("avg<abc"), UsageError);
  const auto [metric, filter] = parse_metric_selector("http_req_duration{name:signup, status:201}");
  EXPECT_EQ(metric, "http_req_duration");
  EXPECT_EQ(filter, (Tags{{"name", "signup"}, {"status", "201"}}));
  EXPECT_THROW((void)parse_metric_selector("http_req_duration{name}"), UsageError);
  EXPECT_THROW((void)parse_metric_selector("http_req_duration{name:x"), UsageError);
}

TEST(Thresholds, EvaluatesTrendAggregationsWithTagFilters) {
  std::vector<double> fast, slow;
  for (int i = 1; i <= 100; ++i) fast.push_back(i);         // 1..100 ms
  for (int i = 1; i <= 100; ++i) slow.push_back(10.0 * i);  // 10..1000 ms
  const auto set = with_durations({{"signup", fast}, {"login", slow}});
  const auto results = evaluate(
      {threshold("http_req_duration{name:signup}",
                 {"p(95)<100", "avg<51", "max<=100", "med<=51", "min>=1", "count==100"}),
       threshold("http_req_duration{name:login}", {"p(95)<500"}), threshold("http_req_duration", {"count==200"}),
       threshold("http_reqs", {"count==200", "rate>=10"})},
      set, 20);
  ASSERT_EQ(results.size(), 10u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_TRUE(results[i].ok) << results[i].source << " actual " << results[i].actual;
  EXPECT_NEAR(results[0].actual, 95, 0.1);
  EXPECT_NEAR(results[1].actual, 50.5, 0.1);
  EXPECT_FALSE(results[6].ok);  // login's p95 is 950 ms
  EXPECT_NEAR(results[6].actual, 950, 1);
  EXPECT_TRUE(results[7].ok);
  EXPECT_TRUE(results[8].ok);
  EXPECT_DOUBLE_EQ(results[9].actual, 10);  // 200 requests in 20 s
}

TEST(Thresholds, RatesAndGauges) {
  MetricSet set;
  define_builtin_metrics(set);
  auto& failed = set.at(set.series_index("http_req_failed", {}));
  for (int i = 0; i < 1000; ++i) failed.value.add_rate(i < 12);
  auto& vus = set.at(set.series_index("vus", {}));
  vus.value.set_gauge(5);
  vus.value.set_gauge(20);
  vus.value.set_gauge(10);
  const auto results = evaluate(
      {threshold("http_req_failed", {"rate<0.01", "rate<0.02"}), threshold("vus", {"value==10", "max==20", "min==5"})},
      set, 1);
  EXPECT_FALSE(results[0].ok);
  EXPECT_DOUBLE_EQ(results[0].actual, 0.012);
  EXPECT_TRUE(results[1].ok);
  EXPECT_TRUE(results[2].ok);
  EXPECT_TRUE(results[3].ok);
  EXPECT_TRUE(results[4].ok);
}

TEST(Thresholds, ConditionsWithoutSamplesAreMarked) {
  const auto set = with_durations({{"signup", {10, 20}}});
  const auto results = evaluate({threshold("http_req_duration{name:singup}", {"p(95)<500"}),
                                          threshold("http_req_duration{name:signup}", {"p(95)<500"})},
                                         set, 1);
  EXPECT_TRUE(results[0].no_samples);  // the typo matched nothing: reports say so
  EXPECT_FALSE(results[1].no_samples);
}

TEST(Thresholds, AggregationMustFitTheMetricType) {
  MetricInfo rate{"http_req_failed", MetricType::rate, ValueKind::plain};
  EXPECT_THROW(check_condition_applies(parse_condition("p(95)<1"), rate), UsageError);
  EXPECT_NO_THROW(check_condition_applies(parse_condition("rate<0.1"), rate));
  MetricInfo trend{"http_req_duration", MetricType::trend, ValueKind::time};
  EXPECT_THROW(check_condition_applies(parse_condition("rate<1"), trend), UsageError);
}

TEST(Thresholds, RoundTripThroughJsonKeepsAbortOnFail) {
  auto t = threshold("checks{scenario:a}", {"rate>0.99"});
  t.conditions[0].abort_on_fail = true;
  t.conditions[0].delay_abort_eval = std::chrono::seconds(10);
  const auto back = thresholds_from_json(thresholds_to_json({t}));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].key, "checks{scenario:a}");
  EXPECT_EQ(back[0].filter, (Tags{{"scenario", "a"}}));
  EXPECT_TRUE(back[0].conditions[0].abort_on_fail);
  EXPECT_EQ(back[0].conditions[0].delay_abort_eval, std::chrono::seconds(10));
}

TEST(MetricSet, MergesExactlyAndRoundTrips) {
  const auto a = with_durations({{"x", {1, 2, 3, 500}}});
  const auto b = with_durations({{"x", {4, 5}}, {"y", {1000}}});
  MetricSet merged = a;
  merged.merge(b);
  const auto x = merged.aggregate("http_req_duration", {{"name", "x"}});
  EXPECT_EQ(x.value.histogram->count(), 6);
  EXPECT_EQ(merged.aggregate("http_req_duration").value.histogram->count(), 7);
  EXPECT_EQ(merged.aggregate("http_reqs").value.sum, 7);
  const auto back = MetricSet::from_json(nlohmann::json::parse(merged.to_json().dump()));
  EXPECT_EQ(*back.aggregate("http_req_duration").value.histogram, *merged.aggregate("http_req_duration").value.histogram);
  EXPECT_EQ(back.size(), merged.size());
  EXPECT_THROW((void)MetricSet::from_json(
                   nlohmann::json::parse(R"({"definitions":[],"series":[{"metric":"nope","tags":{}}]})")),
               Error);
  MetricSet clash;
  clash.define({"m", MetricType::counter, ValueKind::plain});
  EXPECT_THROW(clash.define({"m", MetricType::rate, ValueKind::plain}), UsageError);
}

TEST(MetricSet, SeriesKeysAndTagMatching) {
  const auto tags = normalize_tags({{"status", "200"}, {"name", "a"}, {"status", "201"}});
  EXPECT_EQ(tags, (Tags{{"name", "a"}, {"status", "201"}}));
  EXPECT_EQ(series_key("http_reqs", tags), "http_reqs{name:a,status:201}");
  EXPECT_TRUE(tags_match(tags, {{"status", "201"}}));
  EXPECT_FALSE(tags_match(tags, {{"status", "200"}}));
  EXPECT_FALSE(tags_match(tags, {{"method", "GET"}}));
}

}  // namespace
}  // namespace rsolv::loadgen::metrics
