// `replay`: every input shape an engineer has (listen --out lines, flow --print lines, a JSON array,
// Stripe's list object, one event) gives the same events; --order created undoes the list API's
// newest-first order; --new-ids renames ids consistently; bad files are one line with exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <set>

#include "rsolv/common/error.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/process/server.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "rsolv/webhook_sim/event_file.hpp"
#include "rsolv/webhook_sim/flow.hpp"
#include "rsolv/webhook_sim/new_ids.hpp"

namespace rsolv::webhook_sim {
namespace {

using nlohmann::json;

const std::string kTool = std::string(RSOLV_BIN_DIR) + "/rsolv-webhook-sim";

rsolv::process::CommandResult sim(const std::vector<std::string>& args, const std::string& stdin_data = {}) {
  return rsolv::process::run(kTool, args, {}, std::chrono::seconds(60), stdin_data);
}

std::vector<json> signup(std::uint64_t seed = 5) {
  rsolv::Random random(seed);
  return build_flow(load_flow("pro-signup"), {{"customer", "cus_ReplayTestCustomer0001"}}, random, 1767225600);
}

std::vector<std::string> ids_of(const std::vector<json>& events) {
  std::vector<std::string> ids;
  for (const auto& event : events) ids.push_back(event.at("id").get<std::string>());
  return ids;
}

std::string lines_of(const std::vector<json>& values) {
  std::string text;
  for (const auto& value : values) text += value.dump() + "\n";
  return text;
}

TEST(ReplayFile, EveryInputShapeGivesTheSameEvents) {
  const auto events = signup();
  const auto expected = ids_of(events);

  // listen --out --print-events: the event inside each line; a refused delivery has none and is skipped.
  std::vector<json> listen_lines;
  listen_lines.push_back({{"received_at_unix_ms", 1}, {"verified", false}, {"reason", "no_matching_signature"},
                          {"event_id", nullptr}, {"status", 400}});
  for (const auto& event : events) {
    listen_lines.push_back({{"received_at_unix_ms", 2}, {"verified", true}, {"event_id", event["id"]},
                            {"type", event["type"]}, {"delivery", 1}, {"status", 200}, {"event", event}});
  }
  const auto from_listen = parse_event_file(lines_of(listen_lines), "captured.jsonl");
  EXPECT_EQ(ids_of(from_listen.events), expected);
  EXPECT_EQ(from_listen.skipped_lines, 1u);
  EXPECT_EQ(from_listen.events.front(), events.front()) << "the event itself, not the line around it";

  EXPECT_EQ(ids_of(parse_event_file(lines_of(events), "flow.jsonl").events), expected);
  EXPECT_EQ(ids_of(parse_event_file(json(events).dump(2), "array.json").events), expected);

  // Stripe's list object, newest first as the API returns it.
  std::vector<json> newest_first(events.rbegin(), events.rend());
  const json list = {{"object", "list"}, {"url", "/v1/events"}, {"has_more", false}, {"data", newest_first}};
  EXPECT_EQ(ids_of(parse_event_file(list.dump(2), "list.json").events), ids_of(newest_first));
  // Two pages appended as JSON lines.
  const json page1 = {{"object", "list"}, {"data", std::vector<json>(events.begin(), events.begin() + 4)}};
  const json page2 = {{"object", "list"}, {"data", std::vector<json>(events.begin() + 4, events.end())}};
  EXPECT_EQ(ids_of(parse_event_file(page1.dump() + "\n" + page2.dump() + "\n", "pages.jsonl").events), expected);

  // One event, pretty-printed, of a type the catalogue does not know.
  json foreign = events.front();
  foreign["type"] = "radar.early_fraud_warning.created";
  const auto single = parse_event_file(foreign.dump(2), "one.json");
  ASSERT_EQ(single.events.size(), 1u);
  EXPECT_EQ(single.events.front()["type"], "radar.early_fraud_warning.created");
}

TEST(ReplayFile, MoreEventsThanTheLimitAreRefusedNamingIt) {
  std::string lines;
  for (std::size_t i = 0; i <= kMaxReplayEvents; ++i) {
    lines += R"({"id":"evt_)" + std::to_string(i) + R"(","type":"a.b","data":{"object":{}}})" "\n";
  }
  try {
    parse_event_file(lines, "many.jsonl");
    FAIL() << "100001 events were accepted";
  } catch (const rsolv::UsageError& error) {
    EXPECT_STREQ(error.what(), "many.jsonl: more than 100000 events (limit 100000 events per replay)");
  }
  lines.resize(lines.rfind('\n', lines.size() - 2) + 1);  // one fewer: at the limit
  EXPECT_EQ(parse_event_file(lines, "many.jsonl").events.size(), kMaxReplayEvents);
}

TEST(ReplayFile, OrderCreatedSendsOldestFirstAndPrintIsTheEvents) {
  rsolv::testing::TempDir dir;
  const auto events = signup();
  std::vector<json> newest_first(events.rbegin(), events.rend());
  const auto file = dir.write("list.json", json{{"object", "list"}, {"data", newest_first}}.dump(2));

  const auto as_is = sim({"replay", file, "--print", "--compact"});
  ASSERT_EQ(as_is.exit_code, 0) << as_is.err;
  const auto created = sim({"replay", file, "--order", "created", "--print", "--compact"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, lines_of(events)) << "oldest first, unchanged";
  EXPECT_EQ(as_is.out, lines_of(newest_first));

  // Standard input, the same bytes.
  const auto piped = sim({"replay", "-", "--order", "created", "--print", "--compact"}, json(newest_first).dump());
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out, created.out);
}

TEST(ReplayNewIds, EveryIdIsRenamedTheSameWayEverywhereExceptKeptOnes) {
  const auto events = signup();
  auto renamed = events;
  rsolv::Random random(9);
  const auto count = mint_new_ids(renamed, parse_kept_prefixes(kDefaultKeptIdPrefixes), random);
  EXPECT_GT(count, events.size()) << "the event ids and the objects' ids";

  // Walk both in the same order: each old string maps to exactly one new one.
  std::vector<std::pair<std::string, std::string>> pairs;
  const auto collect = [&](const json& a, const json& b, auto&& self) -> void {
    if (a.is_string()) pairs.emplace_back(a.get<std::string>(), b.get<std::string>());
    if (a.is_structured()) {
      auto ib = b.begin();
      for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib) self(*ia, *ib, self);
    }
  };
  for (std::size_t i = 0; i < events.size(); ++i) collect(events[i], renamed[i], collect);
  std::map<std::string, std::set<std::string>> images;
  for (const auto& [old_value, new_value] : pairs) images[old_value].insert(new_value);
  std::set<std::string> renamed_prefixes;
  for (const auto& [old_value, news] : images) {
    EXPECT_EQ(news.size(), 1u) << old_value << " became several ids";
    const auto& now = *news.begin();
    if (now == old_value) continue;
    const auto prefix = old_value.substr(0, old_value.rfind('_') + 1);
    EXPECT_TRUE(now.starts_with(prefix)) << old_value << " -> " << now;
    EXPECT_EQ(now.size(), prefix.size() + 24) << now;
    renamed_prefixes.insert(prefix);
  }
  for (const auto* prefix : {"evt_", "sub_", "in_", "il_", "si_", "pm_", "ch_", "pi_", "txn_"}) {
    EXPECT_TRUE(renamed_prefixes.contains(prefix)) << prefix << " ids were not renamed";
  }
  for (const auto* prefix : {"cus_", "price_", "prod_"}) {
    EXPECT_FALSE(renamed_prefixes.contains(prefix)) << prefix << " is kept by default";
  }
  // References follow their object: the invoice's subscription is the subscription's new id.
  const auto index_of = [&](const std::string& type) {
    const auto it = std::find_if(events.begin(), events.end(), [&](const json& e) { return e["type"] == type; });
    EXPECT_NE(it, events.end()) << type;
    return static_cast<std::size_t>(it - events.begin());
  };
  const auto created = index_of("customer.subscription.created");
  const auto paid = index_of("invoice.payment_succeeded");
  const auto& subscription = renamed[created]["data"]["object"];
  const auto& invoice = renamed[paid]["data"]["object"];
  EXPECT_EQ(invoice["parent"]["subscription_details"]["subscription"], subscription["id"]);
  EXPECT_NE(subscription["id"], events[created]["data"]["object"]["id"]);
  EXPECT_EQ(invoice["customer"], "cus_ReplayTestCustomer0001");
  // Words that only look like ids stay.
  EXPECT_EQ(invoice["collection_method"], "charge_automatically");

  // --keep-ids none renames customers too, consistently.
  auto all = events;
  rsolv::Random again(9);
  mint_new_ids(all, parse_kept_prefixes("none"), again);
  std::set<std::string> customers;
  for (const auto& event : all) {
    const auto& object = event["data"]["object"];
    customers.insert(object.contains("customer") && object["customer"].is_string() ? object["customer"].get<std::string>()
                                                                                  : object["id"].get<std::string>());
  }
  EXPECT_EQ(customers.size(), 1u);
  EXPECT_NE(*customers.begin(), "cus_ReplayTestCustomer0001");
}

TEST(ReplayCli, BadFilesAreOneLineWithTheirPositionAndExitTwo) {
  rsolv::testing::TempDir dir;
  const auto event = signup().front().dump();
  struct Row {
    std::string name;
    std::string content;
    std::string where;  // the position named
    std::string what;
  };
  const std::vector<Row> rows = {
      {"broken.jsonl", event + "\n" + event + "\n{\"id\": \"evt_3\", \n", "broken.jsonl:3:", "not valid JSON"},
      {"not-event.jsonl", event + "\n{\"id\":\"evt_2\",\"data\":{\"object\":{}}}\n", "not-event.jsonl:2",
       "no string \"type\""},
      {"array.json", "[" + event + ", {\"id\": \"evt_2\", \"type\": \"a.b\", \"data\": []}]", "array.json: item 2",
       "no object \"data.object\""},
      {"pretty.json", "{\n  \"object\": \"list\",\n  \"data\": [\n    nope\n  ]\n}\n", "pretty.json:4:", "not valid JSON"},
      {"text.txt", "id,type\nevt_1,invoice.paid\n", "text.txt:1:1", "expected JSON lines"},
      {"empty.json", "\n\n", "empty.json", "no events"},
      {"deep.json", std::string(100, '[') + std::string(100, ']'), "deep.json", "deeper than 64 levels (limit max_json_depth)"},
      {"uncaptured.jsonl",
       R"({"received_at_unix_ms":1,"verified":true,"event_id":"evt_1","type":"invoice.paid","status":200})" "\n"
       R"({"received_at_unix_ms":2,"verified":true,"event_id":"evt_2","type":"invoice.paid","status":200})" "\n",
       "uncaptured.jsonl:1", "listen --print-events"},
      {"scalar.json", "[1]", "scalar.json: item 1", "found number"},
  };
  for (const auto& row : rows) {
    const auto path = dir.write(row.name, row.content);
    const auto result = sim({"replay", path, "--print"});
    EXPECT_EQ(result.exit_code, 2) << row.name << ": " << result.err;
    EXPECT_TRUE(result.err.starts_with("rsolv-webhook-sim: error: ")) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << row.name << ": " << result.err;
    EXPECT_NE(result.err.find(row.where), std::string::npos) << row.name << ": " << result.err;
    EXPECT_NE(result.err.find(row.what), std::string::npos) << row.name << ": " << result.err;
    EXPECT_EQ(result.out, "") << row.name;
  }
  // Limits and paths, and flags checked before the file is read.
  const auto big = sim({"replay", "-", "--print"}, std::string(64 * 1024 * 1024 + 1, ' '));
  EXPECT_EQ(big.exit_code, 2);
  EXPECT_NE(big.err.find("<stdin>: larger than 67108864 bytes (limit 67108864 bytes for a replay file)"), std::string::npos)
      << big.err;
  const auto folder = sim({"replay", dir.path().string(), "--print"});
  EXPECT_EQ(folder.exit_code, 2);
  EXPECT_NE(folder.err.find("is a directory"), std::string::npos) << folder.err;
  const auto good = dir.write("good.jsonl", event + "\n");
  for (const auto& [args, what] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--order", "newest"}, "--order takes file or created"},
           {{"--keep-ids", "cus_"}, "--keep-ids applies only with --new-ids"},
           {{"--new-ids", "--keep-ids", "Cus"}, "--keep-ids takes id prefixes"},
           {{"--duplicate", "0"}, "--duplicate: Value 0 not in range 1 to 10000"}}) {
    auto full = std::vector<std::string>{"replay", "/nonexistent/events.json", "--print"};
    full.insert(full.end(), args.begin(), args.end());
    const auto result = sim(full);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_NE(result.err.find(what), std::string::npos) << result.err;
  }
  const auto unsorted = dir.write("no-created.jsonl", R"({"id":"evt_1","type":"a.b","data":{"object":{}}})" "\n");
  const auto no_created = sim({"replay", unsorted, "--order", "created", "--print"});
  EXPECT_EQ(no_created.exit_code, 2);
  EXPECT_NE(no_created.err.find("event 1 (evt_1) has no whole-number \"created\""), std::string::npos) << no_created.err;
  EXPECT_EQ(sim({"replay", good, "--print"}).exit_code, 0);
}

}  // namespace
}  // namespace rsolv::webhook_sim
