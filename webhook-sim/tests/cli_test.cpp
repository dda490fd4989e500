// The rsolv-webhook-sim binary as a user runs it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "rsolv/process/server.hpp"

namespace rsolv::webhook_sim {
namespace {

const std::string kTool = std::string(RSOLV_BIN_DIR) + "/rsolv-webhook-sim";
const std::string kSecret = "whsec_cli_test_secret_value";

rsolv::process::CommandResult sim(const std::vector<std::string>& args) {
  return rsolv::process::run(kTool, args, {}, std::chrono::seconds(60));
}

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("whsim-cli-" + std::to_string(::getpid()) + "-" + name);
}

TEST(Cli, VersionHelpAndCatalogue) {
  EXPECT_EQ(sim({"--version"}).exit_code, 0);
  const auto help = sim({"trigger", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--forward-to"), std::string::npos);
  const auto events = sim({"events"});
  EXPECT_NE(events.out.find("invoice.payment_succeeded"), std::string::npos);
  EXPECT_NE(events.out.find("2025-10-29.clover"), std::string::npos);
}

// docs/webhook-sim.md's catalogue table and `events` name the same event types, so neither drifts:
// `events` prints an object heading, then one indented line per event; the doc's table rows start
// with the event in backticks.
TEST(Cli, TheDocsCatalogueTableListsEveryEventThatEventsPrints) {
  const auto listed = sim({"events"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::set<std::string> printed;
  std::set<std::string> headings;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("  ")) {
      printed.insert(line.substr(2, line.find(' ', 2) - 2));
    } else if (!line.empty() && !line.starts_with("Stripe API")) {
      headings.insert(line);
    }
  }
  EXPECT_GE(printed.size(), 34u) << listed.out;
  for (const char* object : {"customer", "subscription", "invoice", "payment_intent", "charge", "setup_intent", "credit_note"}) {
    EXPECT_TRUE(headings.contains(object)) << "no group for " << object << " in:\n" << listed.out;
  }

  std::ifstream file(std::string(RSOLV_SOURCE_DIR) + "/docs/webhook-sim.md");
  ASSERT_TRUE(file) << "docs/webhook-sim.md";
  const std::string doc((std::istreambuf_iterator<char>(file)), {});
  const auto start = doc.find("\n## The event catalogue");
  ASSERT_NE(start, std::string::npos);
  const auto end = doc.find("\n### ", start);
  std::set<std::string> documented;
  std::istringstream section(doc.substr(start, end - start));
  for (std::string line; std::getline(section, line);) {
    if (!line.starts_with("| `")) continue;
    documented.insert(line.substr(3, line.find('`', 3) - 3));
  }
  EXPECT_EQ(documented, printed);
}

TEST(Cli, PrintIsRepeatableWithASeedAndEditsApply) {
  // A fixed seed and time give the same bytes on every run.
  const std::vector<std::string> args = {"trigger", "invoice.payment_succeeded", "--print", "--seed", "4",
                                         "--var", "created=1760000000",
                                         "--customer", "cus_cli", "--amount", "1500",
                                         "--set", "data.object.lines.data[0].pricing.price_details.price=price_cli",
                                         "--unset", "data.object.footer"};
  const auto first = sim(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, sim(args).out);
  const auto event = nlohmann::json::parse(first.out);
  EXPECT_EQ(event["data"]["object"]["customer"], "cus_cli");
  EXPECT_EQ(event["data"]["object"]["amount_due"], 1500);
  EXPECT_EQ(event["data"]["object"]["lines"]["data"][0]["pricing"]["price_details"]["price"], "price_cli");
  EXPECT_FALSE(event["data"]["object"].contains("footer"));
}

TEST(Cli, UserErrorsAreOneLineWithExitTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"trigger", "invoice.payed", "--print"},
           {"trigger", "invoice.paid", "--print", "--set", "data.object.status.x=1"},
           {"trigger", "invoice.paid", "--forward-to", "http://127.0.0.1:9/"},
           {"flow", "no-such-flow", "--print"},
           {"trigger", "invoice.paid", "--print", "--tamper", "everything"}}) {
    const auto result = sim(args);
    EXPECT_EQ(result.exit_code, 2) << args[1] << ": " << result.err;
    EXPECT_TRUE(result.err.starts_with("rsolv-webhook-sim: error: ")) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

TEST(Cli, SignAndVerifyOffline) {
  const auto payload = temp_file("payload.json");
  std::ofstream(payload) << R"({"id":"evt_1","object":"event","type":"invoice.payment_succeeded","data":{"object":{"id":"in_1"}}})";
  const auto signed_header = sim({"sign", "--secret", "whsec_test_secret", "--payload", payload.string(), "--timestamp", "1700000000"});
  ASSERT_EQ(signed_header.exit_code, 0) << signed_header.err;
  EXPECT_EQ(signed_header.out, "t=1700000000,v1=db69618a986949b323416b57d0924a9aa087984ffe100403374d1956f1e38bb7\n");
  const auto header = signed_header.out.substr(0, signed_header.out.size() - 1);
  EXPECT_EQ(sim({"verify", "--secret", "whsec_test_secret", "--payload", payload.string(), "--header", header, "--now",
                 "1700000100"}).exit_code, 0);
  const auto stale = sim({"verify", "--secret", "whsec_test_secret", "--payload", payload.string(), "--header", header});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.err.find("timestamp"), std::string::npos) << stale.err;
  EXPECT_EQ(sim({"verify", "--secret", "whsec_other", "--payload", payload.string(), "--header", header, "--now",
                 "1700000100"}).exit_code, 1);
  std::filesystem::remove(payload);
}

TEST(Cli, TriggerAgainstListenRetriesReportsAndExpects) {
  const auto log = temp_file("listen.jsonl");
  rsolv::process::ServerOptions options;
  options.executable = kTool;
  // The secret as a flag: ServerOptions::env trips a Boost.Process 1.74 bug under ASan.
  options.args = {"listen", "--listen", "127.0.0.1:0", "--respond", "500,200", "--out", log.string(), "--quiet",
                  "--secret", kSecret};
  auto listener = rsolv::process::ServerProcess::start(options);
  const auto url = listener.base_url() + "/webhooks";
  const auto report = temp_file("report.json");

  const auto ok = sim({"trigger", "invoice.paid", "--forward-to", url, "--secret", kSecret, "--retry", "test",
                       "--time-compression", "100000", "--expect", "2xx", "--report", report.string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("-> 500"), std::string::npos);
  EXPECT_NE(ok.out.find("-> 200"), std::string::npos);
  EXPECT_NE(ok.out.find("\n1 delivery, 1 as expected"), std::string::npos) << ok.out;  // not "1 deliveries"
  std::ifstream in(report);
  const auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc["deliveries"][0]["attempts"].size(), 2u);
  EXPECT_EQ(doc["passed"], true);

  const auto wrong = sim({"trigger", "invoice.paid", "--forward-to", url, "--secret", kSecret, "--expect", "401"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out << wrong.err;

  std::ifstream file(report);
  const std::string report_text((std::istreambuf_iterator<char>(file)), {});
  for (const auto& text : {ok.out, ok.err, wrong.out, wrong.err, report_text}) {
    EXPECT_EQ(text.find(kSecret), std::string::npos) << "a secret leaked";
  }
  listener.stop();
  std::ifstream lines(log);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.find(kSecret), std::string::npos);
    EXPECT_TRUE(nlohmann::json::parse(line)["verified"].get<bool>());
    ++count;
  }
  EXPECT_EQ(count, 3);  // 500 then 200 for the first event; 500 for the second (no retry)
  std::filesystem::remove(report);
  std::filesystem::remove(log);
}

TEST(Cli, RepeatedEditsBeforeTheEventNameAndFlowPrinting) {
  const auto edited = sim({"trigger", "--set", "data.object.metadata.a=1", "--set", "data.object.metadata.b=x",
                           "invoice.paid", "--print", "--seed", "2"});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  const auto event = nlohmann::json::parse(edited.out);
  EXPECT_EQ(event["data"]["object"]["metadata"], (nlohmann::json{{"a", 1}, {"b", "x"}}));

  const auto flow = sim({"flow", "pro-signup", "--print", "--seed", "3", "--customer", "cus_flowcli"});
  ASSERT_EQ(flow.exit_code, 0) << flow.err;
  std::istringstream lines(flow.out);
  std::string line;
  std::set<std::string> subscriptions;
  int count = 0;
  while (std::getline(lines, line)) {
    const auto e = nlohmann::json::parse(line);
    const auto& object = e["data"]["object"];
    EXPECT_EQ(object["object"] == "customer" ? object["id"] : object["customer"], "cus_flowcli") << e["type"];
    if (object["object"] == "subscription") subscriptions.insert(object["id"].get<std::string>());
    ++count;
  }
  EXPECT_EQ(count, 9);
  EXPECT_EQ(subscriptions.size(), 1u);
}

// --start places a flow on a timeline: the first event's `created` is the start, later steps keep
// their offsets, so a second flow on the same subscription can begin after the first one ended.
TEST(Cli, FlowStartSetsTheTimelineAbsoluteOrFromNow) {
  const auto created_of = [](const std::string& out) {
    std::vector<std::int64_t> created;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) created.push_back(nlohmann::json::parse(line)["created"]);
    return created;
  };
  const auto absolute = sim({"flow", "cancel-at-period-end", "--print", "--compact", "--start", "1767225600"});
  ASSERT_EQ(absolute.exit_code, 0) << absolute.err;
  EXPECT_EQ(created_of(absolute.out), (std::vector<std::int64_t>{1767225600, 1767225600 + 2592000}));

  const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const auto later = sim({"flow", "renewal", "--print", "--compact", "--start", "+721h"});
  ASSERT_EQ(later.exit_code, 0) << later.err;
  const auto first = created_of(later.out).front();
  EXPECT_GE(first, before + 721 * 3600);
  EXPECT_LE(first, before + 721 * 3600 + 60);

  for (const std::string bad : {"tomorrow", "+3", "-", "0", "17x"}) {
    const auto result = sim({"flow", "renewal", "--print", "--start", bad});
    EXPECT_EQ(result.exit_code, 2) << bad << ": " << result.out;
    EXPECT_NE(result.err.find("--start"), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

// Every bad flag is a usage error: exit 2, ONE "rsolv-webhook-sim: error: ..." line naming the flag
// and its rule, and nothing is sent (a live listener sees no request) or listened on.
TEST(Cli, EveryBadFlagIsExitTwoWithOneLineNamingTheRule) {
  const auto log = temp_file("bad-flags.jsonl");
  rsolv::process::ServerOptions options;
  options.executable = kTool;
  options.args = {"listen", "--listen", "127.0.0.1:0", "--out", log.string(), "--quiet", "--secret", kSecret};
  auto listener = rsolv::process::ServerProcess::start(options);
  const auto url = listener.base_url() + "/webhooks";
  const auto payload = temp_file("bad-flags-payload.json");
  std::ofstream(payload) << R"({"id":"evt_1"})";
  const std::vector<std::string> send = {"trigger", "invoice.paid", "--secret", kSecret, "--forward-to", url};
  const auto with = [](std::vector<std::string> base, const std::vector<std::string>& extra) {
    base.insert(base.end(), extra.begin(), extra.end());
    return base;
  };
  struct Row {
    std::vector<std::string> args;
    std::string flag;  // named in the message
    std::string rule;  // the range or rule in words
  };
  const std::vector<Row> rows = {
      {with(send, {"--duplicate", "0"}), "--duplicate", "not in range 1 to 10000"},
      {with(send, {"--duplicate", "10001"}), "--duplicate", "not in range 1 to 10000"},
      {with(send, {"--max-attempts", "-1"}), "--max-attempts", "not in range 0 to 100"},
      {with(send, {"--stale-timestamp", "-1"}), "--stale-timestamp", "not in range 0 to"},
      {with(send, {"--amount", "99999999999999999999"}), "--amount", "whole number of cents from 0 to 99999999"},
      {with(send, {"--amount", "-5"}), "--amount", "whole number of cents from 0 to 99999999"},
      {with(send, {"--amount", "12.5"}), "--amount", "whole number of cents from 0 to 99999999"},
      {with(send, {"--var", "amount=-5"}), "amount", "whole number of cents from 0 to 99999999"},
      {{"trigger", "invoice.paid", "--secret", kSecret, "--forward-to", "ftp://127.0.0.1/x"}, "--forward-to", "use http or https"},
      {{"trigger", "invoice.paid", "--secret", kSecret, "--forward-to", "not a url"}, "--forward-to", "no scheme"},
      {{"sign", "--secret", kSecret, "--payload", "/tmp"}, "--payload", "is a directory"},
      {{"sign", "--secret", kSecret, "--payload", payload.string(), "--timestamp", "-5"}, "--timestamp", "not in range 0 to"},
      {{"verify", "--secret", kSecret, "--payload", payload.string(), "--header", "t=1,v1=00", "--tolerance", "-5"},
       "--tolerance", "not in range 0 to 31536000"},
      {{"listen", "--secret", kSecret, "--listen", "127.0.0.1:0", "--tolerance", "-5"}, "--tolerance", "not in range 0 to"},
      {{"listen", "--secret", kSecret, "--listen", "127.0.0.1:0", "--invalid-status", "99"}, "--invalid-status",
       "not in range 100 to 599"},
      {{"listen", "--secret", kSecret, "--listen", "127.0.0.1:0", "--max-requests", "-1"}, "--max-requests",
       "not in range 0 to"},
      {{"listen", "--secret", kSecret, "--listen", "127.0.0.1:0", "--forward-to", "ftp://127.0.0.1/x"}, "--forward-to",
       "use http or https"},
      {{"listen", "--secret", kSecret, "--listen", "127.0.0.1:0", "--forward-to", url, "--forward-timeout", "0s"},
       "--forward-timeout", "not in range 1ms to 5m"},
      {{"listen", "--secret", kSecret, "--listen", "127.0.0.1:0", "--events", "invoice.paid,<x>"}, "--events",
       "event types separated by commas"},
  };
  for (const auto& row : rows) {
    const auto result = sim(row.args);
    const auto shown = row.flag + " " + row.args.back();
    EXPECT_EQ(result.exit_code, 2) << shown << ": " << result.out << result.err;
    EXPECT_TRUE(result.err.starts_with("rsolv-webhook-sim: error: ")) << shown << ": " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << shown << ": " << result.err;
    EXPECT_NE(result.err.find(row.flag), std::string::npos) << shown << ": " << result.err;
    EXPECT_NE(result.err.find(row.rule), std::string::npos) << shown << ": " << result.err;
    EXPECT_EQ(result.out, "") << shown << ": nothing is sent, printed or listened on";
    EXPECT_EQ(result.err.find(kSecret), std::string::npos) << "a secret leaked";
  }
  listener.stop();
  std::ifstream lines(log);
  std::string line;
  EXPECT_FALSE(std::getline(lines, line)) << "the listener received a request: " << line;
  std::filesystem::remove(log);
  std::filesystem::remove(payload);
}

}  // namespace
}  // namespace rsolv::webhook_sim
