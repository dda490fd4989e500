// The sender against the in-process receiver: retries on Stripe's compressed schedule until the
// receiver answers 2xx, bad signatures are refused, duplicates counted, the report holds no secret.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "rsolv/common/clock.hpp"
#include "rsolv/process/server.hpp"
#include "rsolv/webhook_sim/listener.hpp"
#include "rsolv/webhook_sim/sender.hpp"

namespace rsolv::webhook_sim {
namespace {

using nlohmann::json;

const std::string kSecret = "whsec_listener_unit_secret";

class Receiver {
 public:
  explicit Receiver(std::vector<int> respond) {
    ListenOptions options;
    options.secrets = {rsolv::Secret(kSecret)};
    options.respond = std::move(respond);
    listener_ = std::make_unique<Listener>(options, [this](const std::string& line) {
      std::lock_guard lock(mutex_);
      lines_.push_back(json::parse(line));
    });
    thread_ = std::thread([this] { listener_->run(); });
  }
  ~Receiver() {
    listener_->stop();
    thread_.join();
  }
  std::string url() const { return "http://" + listener_->bound_address() + "/hook"; }
  std::vector<json> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  std::unique_ptr<Listener> listener_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<json> lines_;
};

Outgoing event(const std::string& id) {
  return {id, "invoice.paid", json{{"id", id}, {"object", "event"}, {"type", "invoice.paid"}}.dump()};
}

SendOptions options_for(const Receiver& receiver) {
  SendOptions options;
  options.url = receiver.url();
  options.signing.secrets = {rsolv::Secret(kSecret)};
  options.expect = Expectation::parse("2xx");
  return options;
}

TEST(SenderListener, RetriesOnTheCompressedScheduleUntilTheReceiverAccepts) {
  Receiver receiver({500, 503, 200});
  auto options = options_for(receiver);
  options.retry = RetryMode::live;
  options.time_compression = 60000;  // 1 min -> 1 ms, 5 min -> 5 ms
  rsolv::Random random(1);
  // The sender's waits on an injected clock: exact, however busy the machine (starting at the real
  // time, so the receiver's signature tolerance accepts the timestamps).
  rsolv::ManualClock clock(rsolv::SystemClock::instance().unix_seconds());
  const auto result = deliver({event("evt_retry")}, options, clock, random);
  ASSERT_EQ(result.deliveries.size(), 1u);
  const auto& attempts = result.deliveries[0].attempts;
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].status, 500);
  EXPECT_EQ(attempts[1].status, 503);
  EXPECT_EQ(attempts[2].status, 200);
  EXPECT_TRUE(result.all_matched());
  EXPECT_EQ(clock.total_slept(), std::chrono::milliseconds(6)) << "waited 1 min + 5 min, compressed";
  EXPECT_EQ(attempts[1].sent_at_unix_ms - attempts[0].sent_at_unix_ms, 1);
  EXPECT_EQ(attempts[2].sent_at_unix_ms - attempts[1].sent_at_unix_ms, 5);
  const auto lines = receiver.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["delivery"], 3);
  EXPECT_EQ(lines[2]["verified"], true);
}

TEST(SenderListener, MaxAttemptsStopsRetriesAndTheMismatchIsReported) {
  Receiver receiver({500});
  auto options = options_for(receiver);
  options.retry = RetryMode::live;
  options.time_compression = 1e6;
  options.max_attempts = 4;
  rsolv::Random random(1);
  const auto result = deliver({event("evt_down")}, options, rsolv::SystemClock::instance(), random);
  EXPECT_EQ(result.deliveries[0].attempts.size(), 4u);
  EXPECT_FALSE(result.all_matched());
  const auto report = report_json(result, options, "trigger invoice.paid");
  EXPECT_EQ(report["passed"], false);
  EXPECT_EQ(report["summary"]["attempts"], 4);
  EXPECT_EQ(report["deliveries"][0]["final_status"], 500);
  EXPECT_EQ(report.dump().find(kSecret), std::string::npos);
}

TEST(SenderListener, ReceiverRefusesBadSignaturesAndCountsDuplicates) {
  Receiver receiver({200});
  auto options = options_for(receiver);
  options.copies = 3;
  rsolv::Random random(1);
  EXPECT_TRUE(deliver({event("evt_dup")}, options, rsolv::SystemClock::instance(), random).all_matched());
  options.copies = 1;
  options.signing.tamper = Tamper::signature;
  options.expect = Expectation::parse("400");
  EXPECT_TRUE(deliver({event("evt_bad")}, options, rsolv::SystemClock::instance(), random).all_matched());
  const auto lines = receiver.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["delivery"], 1);
  EXPECT_EQ(lines[2]["delivery"], 3);
  EXPECT_EQ(lines[3]["verified"], false);
  EXPECT_FALSE(lines[3]["reason"].get<std::string>().empty());
  for (const auto& line : lines) EXPECT_EQ(line.dump().find(kSecret), std::string::npos);
}

TEST(SenderListener, ConcurrentCopiesArriveTogetherAndShuffleIsSeeded) {
  Receiver receiver({200});
  auto options = options_for(receiver);
  options.copies = 8;
  options.concurrent = true;
  rsolv::Random random(1);
  const auto result = deliver({event("evt_c")}, options, rsolv::SystemClock::instance(), random);
  EXPECT_TRUE(result.all_matched());
  EXPECT_EQ(receiver.lines().size(), 8u);

  const auto order = [&](std::uint64_t seed) {
    SendOptions shuffled = options_for(receiver);
    shuffled.shuffle = true;
    rsolv::Random seeded(seed);
    std::vector<Outgoing> events;
    for (int i = 0; i < 8; ++i) events.push_back(event("evt_s" + std::to_string(seed) + "_" + std::to_string(i)));
    std::string ids;
    for (const auto& d : deliver(events, shuffled, rsolv::SystemClock::instance(), seeded).deliveries) {
      ids += d.event_id.substr(d.event_id.rfind('_') + 1);
    }
    return ids;
  };
  EXPECT_EQ(order(5), order(5));
  EXPECT_NE(order(5), "01234567");
}

TEST(SenderListener, NoReceiverMeansNoAnswerAndAMismatch) {
  SendOptions options;
  // A port that was free a moment ago: nothing listens there.
  options.url = "http://127.0.0.1:" + std::to_string(rsolv::process::find_free_port()) + "/unreachable";
  options.signing.secrets = {rsolv::Secret(kSecret)};
  options.timeout = std::chrono::milliseconds(2000);
  rsolv::Random random(1);
  const auto result = deliver({event("evt_x")}, options, rsolv::SystemClock::instance(), random);
  EXPECT_EQ(result.deliveries[0].final_status(), 0);
  EXPECT_FALSE(result.deliveries[0].attempts[0].error.empty());
  EXPECT_FALSE(result.all_matched());
}

}  // namespace
}  // namespace rsolv::webhook_sim
