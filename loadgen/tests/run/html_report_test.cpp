// The HTML report of a short run: sub-second timeline points, so a 2 s run draws a line
// (at least 2 points) in every chart; p95 and p99 drawn over max, not under it; a unit on every
// axis and threshold; the VU line not at 0 while requests flow. Reads the SVG the binary wrote.
#include <gtest/gtest.h>

#include <regex>

#include "delay_server.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;
using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> charts(const std::string& html) {
  std::vector<std::string> out;
  for (auto at = html.find("<svg class=\"chart\""); at != std::string::npos; at = html.find("<svg class=\"chart\"", at + 1)) {
    out.push_back(html.substr(at, html.find("</svg>", at) - at));
  }
  return out;
}

// Coordinates in each <path class="series" d="M x,y L x,y ..."> of one chart, with its legend order.
std::vector<std::vector<std::pair<double, double>>> series(const std::string& chart) {
  std::vector<std::vector<std::pair<double, double>>> out;
  const std::regex path_re("<path class=\"series\"[^>]* d=\"([^\"]*)\"");
  const std::regex point_re("[ML]([0-9.]+),([0-9.]+)");
  for (std::sregex_iterator p(chart.begin(), chart.end(), path_re), end; p != end; ++p) {
    const std::string d = (*p)[1];
    auto& points = out.emplace_back();
    for (std::sregex_iterator q(d.begin(), d.end(), point_re); q != end; ++q) {
      points.emplace_back(std::stod((*q)[1]), std::stod((*q)[2]));
    }
  }
  return out;
}

TEST(HtmlReport, ATwoSecondRunHasDataInEveryChartWithUnitsAndVisiblePercentiles) {
  DelayServer::Options options;
  // Mostly fast answers with a slow one now and then: max far above p99, as in real runs.
  options.delay = [](std::uint64_t n) { return std::chrono::microseconds(n % 50 == 0 ? 40ms : 2ms); };
  DelayServer server(options);
  TempDir dir;
  const auto file = dir.write("short.yaml", "name: short\nscenarios:\n  main:\n    executor: constant-vus\n    vus: 3\n"
                                            "    duration: 2s\n    flow: [{name: root, url: " + server.base_url() + "/}]\n"
                                            "thresholds:\n  http_req_duration: [\"p(95)<5000\"]\n  http_req_failed: [\"rate<0.5\"]\n");
  const auto html_path = dir.file("report.html");
  const auto result = loadgen({"run", file, "--quiet", "--html", html_path, "--out", dir.file("s.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto html = rsolv::testing::read_file(html_path);

  const auto all = charts(html);
  ASSERT_EQ(all.size(), 5u) << "throughput, latency, VUs, failed requests, latency by percentile";
  for (const auto& chart : all) {
    const auto lines = series(chart);
    ASSERT_FALSE(lines.empty()) << chart.substr(0, 200);
    for (const auto& points : lines) EXPECT_GE(points.size(), 2u) << chart.substr(0, 200);
    EXPECT_FALSE(contains(chart, "no data"));
  }
  // Over-time charts: sub-second points (1 s intervals gave 2 for a 2 s run).
  EXPECT_GE(series(all[0]).front().size(), 10u);

  // Units: on every y tick of every chart, and the x axis named.
  const std::vector<std::string> units = {"req/s", "ms", "VUs", "%", "ms"};
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::regex tick_re("text-anchor=\"end\">([^<]*)</text>");
    int ticks = 0;
    for (std::sregex_iterator t(all[i].begin(), all[i].end(), tick_re), end; t != end; ++t) {
      const std::string label = (*t)[1];
      if (label.find_first_of("0123456789") != 0) continue;  // the last x tick ends right too
      if (label.size() > 2 && label.compare(label.size() - 2, 2, " s") == 0) continue;  // the x axis: "2.0 s"
      ++ticks;
      EXPECT_TRUE(contains(label, units[i])) << "chart " << i << " tick '" << label << "'";
    }
    EXPECT_GE(ticks, 5) << "chart " << i;
  }
  EXPECT_TRUE(contains(all[0], "time since start (s)"));
  EXPECT_TRUE(contains(all[4], ">max</text>") && !contains(all[4], "nines")) << "no clipped '5.0 nines'";

  // Latency: max is drawn first (beneath), so p95 and p99 are on top and not flattened by it.
  const auto latency = series(all[1]);
  ASSERT_EQ(latency.size(), 5u);
  const auto max_at = all[1].find("stroke-dasharray");
  const auto p99_at = all[1].find(">p99");
  EXPECT_NE(max_at, std::string::npos);
  EXPECT_LT(max_at, all[1].find(">p95")) << "max drawn before p95";
  EXPECT_NE(p99_at, std::string::npos);
  // p99 (the last line) reaches into the upper half of the plot instead of hugging the axis.
  double p99_top = 1e9;
  for (const auto& [x, y] : latency.back()) p99_top = std::min(p99_top, y);
  EXPECT_LT(p99_top, 150) << "svg y grows downwards; the plot spans y 44..232";

  // VUs: never 0 while requests flow (the last interval included).
  const auto summary = read_json(dir.file("s.json"));
  for (const auto& point : summary.at("timeline")) {
    if (point.at("reqs_per_s").get<double>() > 0) {
      EXPECT_GT(point.at("vus").get<int>(), 0) << point.dump();
    }
  }
  // Thresholds with their units.
  EXPECT_TRUE(contains(html, "p(95)&lt;5000 (ms)")) << "the condition's unit";
  EXPECT_TRUE(contains(html, "rate&lt;0.5 (share: 0.01 = 1%)"));
}

}  // namespace
}  // namespace rsolv::loadgen
