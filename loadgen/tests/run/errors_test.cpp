// Failure reasons: a failed request says why, as k6 does, with its `error_code` (k6's
// numbers) and `error` tags, summed in the text summary, the JSON summary, the HTML report and the
// live Prometheus metrics, and usable in thresholds. The real binary against real loopback peers:
// a port nobody listens on, a server that resets every connection, one that never answers.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "delay_server.hpp"
#include "rsolv/testing/loopback.hpp"
#include "rsolv/testing/scripted_server.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;
using namespace std::chrono_literals;
using rsolv::testing::Action;
using rsolv::testing::ScriptedServer;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// `requests` requests from one VU, each with a 300 ms timeout, and a threshold that fails when any
// request failed for reason `code`.
std::string scenario(const std::string& url, int requests, int code) {
  return "name: errors\nbase_url: " + url + "\ntimeout: 300ms\nscenarios:\n  main:\n    executor: shared-iterations\n"
         "    vus: 1\n    iterations: " + std::to_string(requests) + "\n    flow:\n      - {name: root, url: /}\n"
         "thresholds:\n  http_reqs{error_code:" + std::to_string(code) + "}: [\"count<1\"]\n";
}

struct Case {
  const char* what;
  int code;            // k6's error_code (k6's lib/netext/httpext/error_codes.go)
  std::string error;   // k6's error text
  bool answered_none;  // no request got an answer nor timed out: no latency exists
};

// One run per failure, every output read as a user would.
void expect_reason_in_every_output(const std::string& url, const Case& c) {
  SCOPED_TRACE(c.what);
  constexpr int kRequests = 3;
  TempDir dir;
  const auto file = dir.write("errors.yaml", scenario(url, kRequests, c.code));
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--html", dir.file("r.html"), "--quiet"}, 30s);
  EXPECT_EQ(result.exit_code, 99) << "the error_code threshold must fail the run\n" << result.out << result.err;

  // Text summary: the reason, by code, with its count, and the failing threshold on it.
  const auto line_of = [&](const std::string& text, const std::string& part) {
    const auto at = text.find(part);
    return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
  };
  const auto reason_line = line_of(result.out, std::to_string(c.code) + " " + c.error);
  EXPECT_FALSE(reason_line.empty()) << result.out;
  EXPECT_TRUE(reason_line.ends_with(" " + std::to_string(kRequests))) << reason_line;
  EXPECT_TRUE(contains(result.out, "✗ http_reqs{error_code:" + std::to_string(c.code) + "}")) << result.out;

  // JSON: the errors list, the threshold's sub-metric, and the tags on the exact series.
  const auto summary = read_json(dir.file("s.json"));
  ASSERT_EQ(summary.at("errors").size(), 1u) << summary.at("errors").dump();
  EXPECT_EQ(summary.at("errors")[0].at("error_code"), c.code);
  EXPECT_EQ(summary.at("errors")[0].at("error"), c.error);
  EXPECT_EQ(summary.at("errors")[0].at("count"), kRequests);
  EXPECT_EQ(metric(summary, "http_reqs{error_code:" + std::to_string(c.code) + "}", "count"), kRequests);
  bool tagged = false;
  for (const auto& series : summary.at("series").at("series")) {
    if (series.at("metric") != "http_req_failed") continue;
    tagged = series.at("tags").value("error_code", "") == std::to_string(c.code) &&
             series.at("tags").value("error", "") == c.error;
  }
  EXPECT_TRUE(tagged) << summary.at("series").dump();

  // HTML: the Errors table row; no latency cards made of zeros when nothing was answered.
  const auto html = rsolv::testing::read_file(dir.file("r.html"));
  EXPECT_TRUE(contains(html, ">" + std::to_string(c.code) + "</td><td>" + c.error + "</td><td class=\"n\">" +
                                 std::to_string(kRequests) + "<"))
      << html.substr(html.find("<h2>Errors"), 400);
  if (c.answered_none) {
    EXPECT_TRUE(contains(html, "no successful response"));
    EXPECT_FALSE(contains(html, "p50 latency"));
    EXPECT_TRUE(contains(result.out, "no successful response")) << result.out;
  }
}

TEST(Errors, AClosedPortIsConnectionRefused1212) {
  // Bound, never listened on: a connect is refused, and no other process takes the port meanwhile.
  const auto closed = rsolv::testing::reserve_loopback_port();
  expect_reason_in_every_output(closed.url(), {"closed port", 1212, "dial: connection refused", true});
}

TEST(Errors, AServerThatResetsTheConnectionIsResetByPeer1220) {
  ScriptedServer server;
  server.set_default(Action::reset_connection());
  expect_reason_in_every_output(server.base_url(), {"reset", 1220, "read: connection reset by peer", true});
}

TEST(Errors, AServerThatNeverAnswersIsRequestTimeout1050) {
  ScriptedServer server;
  server.set_default(Action::respond(200, "late").after(10s));  // the destructor cuts the stall short
  // A timeout is recorded at the timeout (k6 does the same), so its latency shows.
  expect_reason_in_every_output(server.base_url(), {"never answers", 1050, "request timeout", false});
}

TEST(Errors, AFailedTlsHandshakeIsTls1300WithOpenSslsReason) {
  // A plain-HTTP peer that answers every connection at once with an HTTP error, as a web server
  // does to a ClientHello: what a client sees when it speaks https to an http port.
  const auto listener = rsolv::testing::listen_on_loopback({.backlog = 8});
  std::thread peer([fd = listener.fd()] {
    for (int i = 0; i < 2; ++i) {  // the scenario's two requests, one connection each
      const int client = ::accept(fd, nullptr, nullptr);
      if (client < 0) return;
      const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  });
  const auto url = listener.url("https");
  TempDir dir;
  const auto result = loadgen({"run", dir.write("tls.yaml", scenario(url, 2, 1300)), "--out", dir.file("s.json"), "--quiet"}, 30s);
  EXPECT_EQ(result.exit_code, 99) << result.out << result.err;
  const auto errors = read_json(dir.file("s.json")).at("errors");
  EXPECT_EQ(errors.size(), 1u) << errors.dump();  // no ASSERT: the peer thread is joined below
  EXPECT_EQ(errors.empty() ? 0 : errors[0].at("error_code").get<int>(), 1300);
  const auto text = errors.empty() ? std::string() : errors[0].at("error").get<std::string>();
  EXPECT_TRUE(text.starts_with("tls: ") && text.size() > 5) << text;  // OpenSSL's reason follows
  EXPECT_TRUE(contains(result.out, "1300 " + text)) << result.out;
  listener.shutdown();  // ends a peer still waiting in accept()
  peer.join();
}

TEST(Errors, AnErrorThresholdPassesWhenNothingFailsAndFiltersByTheErrorText) {
  DelayServer server({});
  TempDir dir;
  const auto ok = loadgen({"run", dir.write("ok.yaml", scenario(server.base_url(), 3, 1212)), "--out", dir.file("ok.json"), "--quiet"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_TRUE(read_json(dir.file("ok.json")).at("errors").empty());
  EXPECT_FALSE(contains(ok.out, "errors (requests by error_code)")) << ok.out;

  // The `error` tag as a filter: its text holds a colon, which the value may (quoted or not).
  const auto closed = rsolv::testing::reserve_loopback_port();
  const auto file = dir.write("text.yaml", "name: errors\nbase_url: " + closed.url() +
                                               "\nscenarios:\n  main:\n    executor: shared-iterations\n    vus: 1\n"
                                               "    iterations: 2\n    flow:\n      - {name: root, url: /}\n"
                                               "thresholds:\n  'http_req_failed{error:\"dial: connection refused\"}': [\"rate<0.5\"]\n"
                                               "  http_reqs{error:request timeout}: [\"count<1\"]\n");
  const auto failed = loadgen({"run", file, "--out", dir.file("text.json"), "--quiet"});
  EXPECT_EQ(failed.exit_code, 99) << failed.out << failed.err;
  const auto results = read_json(dir.file("text.json")).at("thresholds");
  EXPECT_FALSE(results.at("http_req_failed{error:\"dial: connection refused\"}")[0].at("ok").get<bool>()) << results.dump();
  EXPECT_TRUE(results.at("http_reqs{error:request timeout}")[0].at("ok").get<bool>()) << results.dump();
}

TEST(Errors, LiveMetricsCountFailuresByErrorCode) {
  ScriptedServer server;
  server.set_default(Action::respond(200, "late").after(10s));
  TempDir dir;
  const auto file = dir.write("live.yaml", "name: live\nbase_url: " + server.base_url() +
                                               "\ntimeout: 200ms\nscenarios:\n  main:\n    executor: constant-vus\n"
                                               "    vus: 1\n    duration: 60s\n    flow:\n      - {name: root, url: /}\n");
  const int metrics_port = process::find_free_port();
  process::ServerOptions options;
  options.executable = kLoadgen;
  options.args = {"run", file, "--quiet", "--metrics-listen", "127.0.0.1:" + std::to_string(metrics_port)};
  options.ready_by = process::ReadyBy::tcp_connect;
  options.port = metrics_port;
  auto child = process::ServerProcess::start(options);
  const std::string family = "rsolv_loadgen_errors_total{error_code=\"1050\",error=\"request timeout\"}";
  std::string text;
  // The first 1 s interval shows it; waited for up to 20 s (the run lasts 60 s and is stopped below).
  for (int i = 0; i < 200 && !contains(text, family); ++i) {
    std::this_thread::sleep_for(100ms);
    text = scrape(metrics_port);
  }
  EXPECT_TRUE(contains(text, family)) << text;
  // The per-request series carry the same labels.
  EXPECT_TRUE(contains(text, "error_code=\"1050\"") && contains(text, "rsolv_loadgen_http_reqs_total{")) << text;
  child.stop();
}

}  // namespace
}  // namespace rsolv::loadgen
