// `replay` against a real rsolv-sandbox: a pro-signup flow captured by `listen --print-events --out`
// (never reaching the sandbox) is replayed re-signed with the sandbox's secret and applied; replayed
// again, every delivery is a duplicate (the sandbox's answer and its duplicate counter) and nothing
// changes; replayed with --new-ids, the sandbox applies it again (+60 credits once more).
#include <gtest/gtest.h>

#include <algorithm>

#include "rsolv/http/client.hpp"
#include "rsolv/process/server.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "sandbox_support.hpp"

namespace rsolv::webhook_sim {
namespace {

using namespace rsolv::webhook_sim::testing;
using nlohmann::json;

const std::string kTool = std::string(RSOLV_BIN_DIR) + "/rsolv-webhook-sim";
const std::string kCaptureSecret = "whsec_capture_side_only";

rsolv::process::CommandResult sim(const std::vector<std::string>& args) {
  return rsolv::process::run(kTool, args, {}, std::chrono::seconds(60));
}

// The sandbox's answers, one per delivery, from a --report.
std::vector<std::string> outcomes(const std::string& report_path) {
  const auto report = json::parse(rsolv::testing::read_file(report_path));
  std::vector<std::string> statuses;
  for (const auto& delivery : report.at("deliveries")) {
    const auto& attempt = delivery.at("attempts").back();
    const auto body = json::parse(attempt.at("response_body").get<std::string>(), nullptr, false);
    statuses.push_back(body.is_object() && body.contains("status") ? body["status"].get<std::string>() : "?");
  }
  return statuses;
}

// rsolv_sandbox_webhooks_total{type="...",outcome="duplicate"} summed over types.
long duplicates_counted(const Sandbox& sandbox) {
  rsolv::http::Client client;
  const auto metrics = client.send({"GET", sandbox.url() + "/metrics"}).body;
  long total = 0;
  std::size_t pos = 0;
  while ((pos = metrics.find("outcome=\"duplicate\"} ", pos)) != std::string::npos) {
    pos += std::string("outcome=\"duplicate\"} ").size();
    total += std::stol(metrics.substr(pos, metrics.find('\n', pos) - pos));
  }
  return total;
}

TEST(Replay, ACapturedFlowAppliesOnceIsAllDuplicatesAgainAndAppliesAgainWithNewIds) {
  Sandbox sandbox;
  const auto customer = sandbox.new_customer();
  const auto start = sandbox.state(customer);
  rsolv::testing::TempDir dir;
  const auto captured = dir.file("captured.jsonl");

  // Capture: the flow goes to a listener that only records, as events from Stripe would.
  {
    rsolv::process::ServerOptions options;
    options.executable = kTool;
    options.args = {"listen", "--listen", "127.0.0.1:0", "--secret", kCaptureSecret, "--print-events", "--out", captured,
                    "--quiet"};
    auto listener = rsolv::process::ServerProcess::start(options);
    const auto sent = sim({"flow", "pro-signup", "--customer", customer.stripe_id, "--secret", kCaptureSecret,
                           "--forward-to", listener.base_url() + "/", "--expect", "200", "--quiet"});
    ASSERT_EQ(sent.exit_code, 0) << sent.err;
    listener.stop();
  }
  ASSERT_EQ(billing_state(sandbox.state(customer)), billing_state(start)) << "the capture reached the sandbox";

  const auto replay = [&](const std::string& report, std::vector<std::string> extra) {
    std::vector<std::string> args = {"replay", captured, "--secret", kSecret, "--forward-to", sandbox.webhook_url(),
                                     "--expect", "2xx", "--report", dir.file(report), "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = sim(args);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return outcomes(dir.file(report));
  };

  const auto capture = rsolv::testing::read_file(captured);
  const auto captured_events = static_cast<std::size_t>(std::count(capture.begin(), capture.end(), '\n'));
  ASSERT_EQ(captured_events, flow_events("pro-signup", customer).size());

  // 1. Applied as if Stripe had sent it: Pro, active, +60 credits.
  const auto first = replay("first.json", {});
  ASSERT_EQ(first.size(), captured_events);
  EXPECT_EQ(std::count(first.begin(), first.end(), "duplicate"), 0);
  EXPECT_GT(std::count(first.begin(), first.end(), "processed"), 0);
  const auto applied = sandbox.state(customer);
  EXPECT_EQ(applied.at("subscription_type"), "pro");
  EXPECT_EQ(applied.at("subscription_state"), "active");
  EXPECT_EQ(applied.at("credit_balance").get<long>(), start.at("credit_balance").get<long>() + 60);

  // 2. The same events again: every delivery a duplicate, answered and counted so, nothing changes.
  const auto counted = duplicates_counted(sandbox);
  const auto second = replay("second.json", {});
  ASSERT_EQ(second.size(), captured_events);
  EXPECT_EQ(static_cast<std::size_t>(std::count(second.begin(), second.end(), "duplicate")), captured_events)
      << json(second);
  EXPECT_EQ(duplicates_counted(sandbox), counted + static_cast<long>(captured_events));
  EXPECT_EQ(billing_state(sandbox.state(customer)), billing_state(applied));

  // 3. --new-ids: new events about a new subscription and invoice of the same customer, applied again.
  const auto third = replay("third.json", {"--new-ids", "--order", "created", "--seed", "7"});
  ASSERT_EQ(third.size(), captured_events);
  EXPECT_EQ(std::count(third.begin(), third.end(), "duplicate"), 0) << json(third);
  EXPECT_EQ(duplicates_counted(sandbox), counted + static_cast<long>(captured_events));
  const auto again = sandbox.state(customer);
  EXPECT_EQ(again.at("credit_balance").get<long>(), start.at("credit_balance").get<long>() + 120);
  EXPECT_EQ(again.at("subscription_state"), "active");
  const auto report = json::parse(rsolv::testing::read_file(dir.file("third.json")));
  EXPECT_EQ(report.at("command"), "replay " + captured);
  const auto first_line = json::parse(capture.substr(0, capture.find('\n')));
  EXPECT_EQ(report.at("deliveries")[0].at("type"), first_line.at("type"));
  EXPECT_NE(report.at("deliveries")[0].at("event_id"), first_line.at("event_id"));
}

// The fault flags of `flow` work on a replay: a tampered copy is refused and changes nothing, and
// --duplicate sends each event twice (the second copy a duplicate).
TEST(Replay, FaultFlagsApplyToReplayedEvents) {
  Sandbox sandbox;
  const auto customer = sandbox.new_customer();
  const auto before = sandbox.state(customer);
  rsolv::testing::TempDir dir;
  const auto events = flow_events("pro-signup", customer, 3);
  std::string text;
  for (const auto& event : events) text += event.dump() + "\n";
  const auto file = dir.write("flow.jsonl", text);

  const auto tampered = sim({"replay", file, "--secret", kSecret, "--forward-to", sandbox.webhook_url(), "--tamper",
                             "body", "--expect", "401", "--quiet"});
  EXPECT_EQ(tampered.exit_code, 0) << tampered.err;
  EXPECT_EQ(billing_state(sandbox.state(customer)), billing_state(before));

  const auto twice = sim({"replay", file, "--secret", kSecret, "--forward-to", sandbox.webhook_url(), "--duplicate", "2",
                          "--expect", "2xx", "--report", dir.file("twice.json"), "--quiet"});
  EXPECT_EQ(twice.exit_code, 0) << twice.err;
  const auto statuses = outcomes(dir.file("twice.json"));
  EXPECT_EQ(statuses.size(), 2 * events.size());
  EXPECT_EQ(static_cast<std::size_t>(std::count(statuses.begin(), statuses.end(), "duplicate")), events.size());
  EXPECT_EQ(sandbox.state(customer).at("subscription_state"), "active");
}

}  // namespace
}  // namespace rsolv::webhook_sim
