// `trigger` -> `listen --forward-to` -> a real rsolv-sandbox, three real processes on loopback:
// a verified delivery changes the sandbox's state as if it had come directly (re-signed with the
// sandbox's secret, which the sender never had), and a tampered one is refused at the listener and
// never forwarded.
#include <gtest/gtest.h>

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include <boost/asio.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <unistd.h>

#include "rsolv/process/server.hpp"
#include "rsolv/testing/scripted_server.hpp"
#include "sandbox_support.hpp"

namespace rsolv::webhook_sim {
namespace {

using namespace rsolv::webhook_sim::testing;
using nlohmann::json;

const std::string kTool = std::string(RSOLV_BIN_DIR) + "/rsolv-webhook-sim";
// The listener's own secret: what the sender signs with. Only the listener knows the sandbox's.
const std::string kListenerSecret = "whsec_listener_side_only";

rsolv::process::CommandResult sim(const std::vector<std::string>& args) {
  return rsolv::process::run(kTool, args, {}, std::chrono::seconds(60));
}

std::vector<json> read_lines(const std::filesystem::path& path) {
  std::vector<json> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line) && lines.size() < 100;) lines.push_back(json::parse(line));
  return lines;
}

TEST(ListenForward, VerifiedDeliveriesChangeTheSandboxTamperedOnesNeverReachIt) {
  Sandbox sandbox;
  const auto customer = sandbox.new_customer();
  ASSERT_EQ(sandbox.state(customer).at("has_billing"), true);
  const auto log = std::filesystem::temp_directory_path() / ("whsim-forward-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(log);

  rsolv::process::ServerOptions options;
  options.executable = kTool;
  options.args = {"listen", "--listen", "127.0.0.1:0", "--secret", kListenerSecret, "--forward-to", sandbox.webhook_url(),
                  "--forward-secret", kSecret, "--forward-timeout", "5s", "--out", log.string(), "--quiet"};
  auto listener = rsolv::process::ServerProcess::start(options);
  const auto url = listener.base_url() + "/webhooks";
  const std::vector<std::string> detach = {"trigger", "payment_method.detached", "--customer", customer.stripe_id,
                                           "--secret", kListenerSecret, "--forward-to", url};
  const auto with = [](std::vector<std::string> base, const std::vector<std::string>& extra) {
    base.insert(base.end(), extra.begin(), extra.end());
    return base;
  };

  // Tampered and unsigned: the listener refuses them (400) and the customer keeps billing.
  for (const auto& fault : std::vector<std::vector<std::string>>{{"--tamper", "body"}, {"--no-signature"}}) {
    const auto refused = sim(with(with(detach, fault), {"--expect", "400"}));
    EXPECT_EQ(refused.exit_code, 0) << refused.out << refused.err;
  }
  EXPECT_EQ(sandbox.state(customer).at("has_billing"), true) << "a refused delivery reached the sandbox";

  // The sender's own signature would not pass the sandbox: it gets in only because the listener re-signs.
  const auto direct = sim({"trigger", "payment_method.detached", "--customer", customer.stripe_id, "--secret",
                           kListenerSecret, "--forward-to", sandbox.webhook_url(), "--expect", "401"});
  EXPECT_EQ(direct.exit_code, 0) << direct.out << direct.err;

  const auto detached = sim(with(detach, {"--expect", "2xx"}));
  EXPECT_EQ(detached.exit_code, 0) << detached.out << detached.err;
  EXPECT_NE(detached.out.find(R"("status":"processed")"), std::string::npos) << "the sandbox's answer comes back: "
                                                                             << detached.out;
  EXPECT_EQ(sandbox.state(customer).at("has_billing"), false);

  const auto attached = sim({"trigger", "payment_method.attached", "--customer", customer.stripe_id, "--secret",
                             kListenerSecret, "--forward-to", url, "--expect", "2xx"});
  EXPECT_EQ(attached.exit_code, 0) << attached.out << attached.err;
  EXPECT_EQ(sandbox.state(customer).at("has_billing"), true);

  listener.stop();
  const auto lines = read_lines(log);
  ASSERT_EQ(lines.size(), 4u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(lines[i].at("verified"), false) << lines[i];
    EXPECT_EQ(lines[i].at("status"), 400) << lines[i];
    EXPECT_FALSE(lines[i].contains("forward")) << "refused, yet forwarded: " << lines[i];
  }
  for (std::size_t i = 2; i < 4; ++i) {
    EXPECT_EQ(lines[i].at("verified"), true) << lines[i];
    EXPECT_EQ(lines[i].at("forward").at("status"), 200) << lines[i];
    EXPECT_GT(lines[i].at("forward").at("latency_ms").get<double>(), 0.0) << lines[i];
    EXPECT_EQ(lines[i].at("status"), 200) << lines[i];
  }
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text.find(kSecret), std::string::npos) << "the app's secret leaked";
  EXPECT_EQ(text.find(kListenerSecret), std::string::npos) << "the listener's secret leaked";
  std::filesystem::remove(log);
}

// --events filters as the Stripe CLI's does: other types are not forwarded (answered 200, "skipped").
// An app that does not answer is a 502 naming the forward timeout, within it.
TEST(ListenForward, EventsFilterAndAnAppThatDoesNotAnswer) {
  Sandbox sandbox;
  const auto customer = sandbox.new_customer();
  rsolv::process::ServerOptions options;
  options.executable = kTool;
  options.args = {"listen", "--listen", "127.0.0.1:0", "--secret", kListenerSecret, "--forward-to", sandbox.webhook_url(),
                  "--forward-secret", kSecret, "--events", "payment_method.attached,invoice.paid", "--quiet"};
  auto listener = rsolv::process::ServerProcess::start(options);
  const auto skipped = sim({"trigger", "payment_method.detached", "--customer", customer.stripe_id, "--secret",
                            kListenerSecret, "--forward-to", listener.base_url() + "/", "--expect", "200"});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.out << skipped.err;
  EXPECT_NE(skipped.out.find(R"("skipped":true)"), std::string::npos) << skipped.out;
  EXPECT_EQ(sandbox.state(customer).at("has_billing"), true) << "a filtered event was forwarded";
  listener.stop();

  // A TCP listener that accepts and never answers: the app hangs.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  options.args = {"listen", "--listen", "127.0.0.1:0", "--secret", kListenerSecret, "--forward-to",
                  "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/hook", "--forward-timeout",
                  "300ms", "--quiet"};
  auto hanging = rsolv::process::ServerProcess::start(options);
  const auto started = std::chrono::steady_clock::now();
  const auto timed_out = sim({"trigger", "invoice.paid", "--secret", kListenerSecret, "--forward-to",
                              hanging.base_url() + "/", "--expect", "502"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(timed_out.exit_code, 0) << timed_out.out << timed_out.err;
  EXPECT_NE(timed_out.out.find("forward timeout 300 ms"), std::string::npos) << timed_out.out;
}

// Forwards run off the listener's event loop: while the app sits silent on one delivery (until the
// forward timeout), a second delivery is forwarded and answered at once.
TEST(ListenForward, ASilentAppHoldsOnlyTheDeliveryItWasSent) {
  rsolv::testing::ScriptedServer app;
  app.enqueue(rsolv::testing::Action::respond(200, R"({"app":"late"})").after(std::chrono::seconds(60)));
  app.set_default(rsolv::testing::Action::respond(200, R"({"app":"answered"})"));
  rsolv::process::ServerOptions options;
  options.executable = kTool;
  options.args = {"listen", "--listen", "127.0.0.1:0", "--secret", kListenerSecret, "--forward-to",
                  app.base_url() + "/hook", "--forward-timeout", "4s", "--quiet"};
  auto listener = rsolv::process::ServerProcess::start(options);
  const auto url = listener.base_url() + "/";

  const auto started = std::chrono::steady_clock::now();
  auto first = std::async(std::launch::async, [&] {
    return sim({"trigger", "invoice.paid", "--secret", kListenerSecret, "--forward-to", url, "--timeout", "20s"});
  });
  ASSERT_TRUE(app.wait_for_requests(1, std::chrono::seconds(10))) << "the first delivery was not forwarded";

  const auto second_started = std::chrono::steady_clock::now();
  const auto second = sim({"trigger", "customer.created", "--secret", kListenerSecret, "--forward-to", url, "--expect",
                           "200", "--timeout", "20s"});
  const auto second_took = std::chrono::steady_clock::now() - second_started;
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find(R"("app":"answered")"), std::string::npos) << second.out;
  EXPECT_LT(second_took, std::chrono::seconds(2)) << "the second delivery waited for the first one's app";
  EXPECT_EQ(first.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "the first delivery was answered before the app or the forward timeout";

  const auto late = first.get();
  EXPECT_EQ(late.exit_code, 0) << late.out << late.err;
  EXPECT_NE(late.out.find("-> 502"), std::string::npos) << late.out;
  EXPECT_NE(late.out.find("forward timeout 4000 ms"), std::string::npos) << late.out;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(3900));
  EXPECT_EQ(app.requests().size(), 2u);
}

}  // namespace
}  // namespace rsolv::webhook_sim
