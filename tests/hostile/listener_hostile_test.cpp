// `rsolv-webhook-sim listen --print-events` under attack, as a real process on loopback. A sender's
// signed delivery must be answered whatever else is connected; an unsigned request costs the
// receiver nothing; no body crashes it. The liveness probe is a GET, which the receiver answers
// with its invalid-signature status (400) at once.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "rsolv/common/secret.hpp"
#include "rsolv/process/server.hpp"
#include "rsolv/stripe/signature.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "support.hpp"

namespace rsolv::hostile {
namespace {

constexpr long kListenerRssKib = 32 * 1024 * kRssScale;  // the stated bound (a fresh listener: about 11 MiB)
const std::string kSecret = "whsec_hostile_listener_secret";

class ListenerUnderAttack : public ::testing::Test {
 protected:
  ListenerUnderAttack() : server_(process::ServerProcess::start(options(dir_))) {}

  static process::ServerOptions options(const testing::TempDir& dir) {
    process::ServerOptions options;
    options.executable = std::string(RSOLV_BIN_DIR) + "/rsolv-webhook-sim";
    options.args = {"listen", "--listen", "127.0.0.1:0", "--secret", kSecret, "--print-events", "--quiet", "--out",
                    dir.file("lines.jsonl")};
    return options;
  }

  int port() const { return server_.port(); }

  static std::string signed_post(const std::string& body) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nStripe-Signature: " +
           stripe::sign(Secret(kSecret), now, body) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  std::vector<nlohmann::json> lines() const {
    std::vector<nlohmann::json> out;
    const auto text = testing::read_file(dir_.path() / "lines.jsonl");
    std::size_t pos = 0;
    while (pos < text.size()) {
      const auto end = text.find('\n', pos);
      out.push_back(nlohmann::json::parse(text.substr(pos, end - pos)));
      if (end == std::string::npos) break;
      pos = end + 1;
    }
    return out;
  }

  void expect_healthy() {
    ASSERT_TRUE(server_.running()) << "the listener died";
    const auto answer = probe(port(), "/");
    EXPECT_EQ(answer.status, 400);
    EXPECT_LE(answer.elapsed, kAnswerBound) << "first answer after the attack took " << answer.elapsed.count() << " us";
    const long rss = rss_kib(server_.pid());
    EXPECT_GT(rss, 0);
    RecordProperty("vmrss_kib", static_cast<int>(rss));
    RecordProperty("answer_us", static_cast<int>(answer.elapsed.count()));
    EXPECT_LT(rss, kListenerRssKib) << "VmRSS " << rss << " KiB";
  }

  testing::TempDir dir_;
  process::ServerProcess server_;
};

TEST_F(ListenerUnderAttack, ATrailerFieldOf64KiBIsRefusedWith431AndTheListenerLives) {
  // A syntactically valid signature header, so the body (and its trailer) is read.
  const std::string request = "POST /hook HTTP/1.1\r\nHost: x\r\nStripe-Signature: t=1,v1=" + std::string(64, 'a') +
                              "\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Pad: " + std::string(70'000, 'a') +
                              "\r\n\r\n";
  const auto response = exchange(port(), request);
  EXPECT_EQ(status_of(response), 431) << response.substr(0, 200);
  EXPECT_NE(body_of(response).find("header_limit"), std::string::npos) << body_of(response);
  expect_healthy();
}

TEST_F(ListenerUnderAttack, IdleConnectionsAndASlowlorisDoNotDelayASignedDelivery) {
  std::vector<RawConnection> idle;
  for (int i = 0; i < 20; ++i) idle.emplace_back(port());
  RawConnection drip(port());
  drip.send("POST /hook HTTP/1.1\r\nHost: x\r\nX-Drip: ");
  std::chrono::microseconds worst{0};
  for (int i = 0; i < 5; ++i) {
    drip.send("a");
    const auto started = std::chrono::steady_clock::now();
    const auto body = R"({"id":"evt_busy_)" + std::to_string(i) + R"(","object":"event","type":"invoice.paid"})";
    const auto response = exchange(port(), signed_post(body), 5s);
    worst = std::max(worst, std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
    EXPECT_EQ(status_of(response), 200) << response;
  }
  // The old receiver served one connection at a time and waited 5 s on each silent one.
  EXPECT_LT(worst, 10 * kAnswerBound) << "slowest signed delivery: " << worst.count() << " us";
  idle.clear();
  const auto received = lines();
  ASSERT_EQ(received.size(), 5u);
  EXPECT_EQ(received[0]["verified"], true);
  EXPECT_EQ(received[0]["event_id"], "evt_busy_0");
  expect_healthy();
}

TEST_F(ListenerUnderAttack, AnUnsignedRequestIsAnsweredBeforeItsBodyIsRead) {
  RawConnection connection(port());
  const auto started = std::chrono::steady_clock::now();
  // Announces 4 MB and sends none of it: nothing to verify, nothing worth waiting for.
  connection.send("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n");
  const auto response = connection.read_response(5s);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(status_of(response), 400) << response;
  EXPECT_NE(body_of(response).find("invalid_signature"), std::string::npos) << body_of(response);
  EXPECT_LT(elapsed, 10 * kAnswerBound);
  EXPECT_TRUE(connection.closed_by_peer(3s));
  const auto received = lines();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0]["verified"], false);
  EXPECT_EQ(received[0]["bytes"], 0);
  expect_healthy();
}

TEST_F(ListenerUnderAttack, AHundredThousandLevelsOfJsonNeitherCrashNorReachTheEventsOutput) {
  std::string deep = R"({"id":"evt_deep","object":"event","type":"invoice.paid","data":)";
  deep += std::string(100'000, '[') + std::string(100'000, ']') + "}";
  // Unsigned: refused without a parse.
  const auto unsigned_response = exchange(port(), "POST /hook HTTP/1.1\r\nHost: x\r\nStripe-Signature: t=1,v1=" +
                                                      std::string(64, 'b') + "\r\nContent-Length: " +
                                                      std::to_string(deep.size()) + "\r\n\r\n" + deep);
  EXPECT_EQ(status_of(unsigned_response), 400);
  // Signed: accepted, but the body is refused at the depth limit and never echoed.
  const auto signed_response = exchange(port(), signed_post(deep));
  EXPECT_EQ(status_of(signed_response), 200) << signed_response.substr(0, 200);
  const auto received = lines();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0]["verified"], false);
  EXPECT_FALSE(received[0].contains("event"));
  EXPECT_EQ(received[1]["verified"], true);
  EXPECT_FALSE(received[1].contains("event"));
  EXPECT_NE(received[1].value("body_error", "").find("max_json_depth"), std::string::npos) << received[1].dump();
  expect_healthy();
}

TEST_F(ListenerUnderAttack, SmugglingShapesAndOversizedRequestsAreRefused) {
  const std::string sig = "Stripe-Signature: t=1,v1=" + std::string(64, 'c') + "\r\n";
  const auto smuggled = exchange(port(), "POST /hook HTTP/1.1\r\nHost: x\r\n" + sig +
                                             "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(status_of(smuggled), 400);
  EXPECT_NE(body_of(smuggled).find("Transfer-Encoding"), std::string::npos) << body_of(smuggled);
  const auto big_header = exchange(port(), "POST /hook HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20'000, 'h') + "\r\n\r\n");
  EXPECT_EQ(status_of(big_header), 431);
  const std::string body(5 * 1024 * 1024, 'x');
  const auto big_body = exchange(port(), "POST /hook HTTP/1.1\r\nHost: x\r\n" + sig + "Content-Length: " +
                                             std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(status_of(big_body), 413);
  EXPECT_NE(body_of(big_body).find("body_limit"), std::string::npos) << body_of(big_body);
  for (int i = 0; i < 20; ++i) {
    RawConnection connection(port());
    connection.send("POST /hook HTTP/1.1\r\nHost: x\r\n" + sig + "Content-Length: 100000\r\n\r\n" + std::string(500, '{'));
    connection.reset();
  }
  expect_healthy();
}

}  // namespace
}  // namespace rsolv::hostile
