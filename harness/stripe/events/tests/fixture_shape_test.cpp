// Every template's data.object against Stripe's own fixture file (../shared/stripe/fixtures3.json,
// or $RSOLV_STRIPE_FIXTURES): the same keys, nested objects included. Skipped when the file is
// absent, because people who clone the project do not have it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "rsolv/common/clock.hpp"
#include "rsolv/stripe/events/catalogue.hpp"

namespace rsolv::stripe::events {
namespace {

using nlohmann::json;


std::filesystem::path fixtures_path() {
  if (const char* env = std::getenv("RSOLV_STRIPE_FIXTURES")) return env;
  return std::filesystem::path(RSOLV_SOURCE_DIR) / ".." / "shared" / "stripe" / "fixtures3.json";
}

// Keys our templates carry that the fixture's example lacks, each documented by Stripe: the fixture
// generator leaves optional sub-objects out.
const std::set<std::string> kDocumentedExtras = {
    "lines.data[].pricing.price_details",  // API 2025-03-31+: where a line's price lives now
    "payment_method_options.card",         // payment_intent / setup_intent: the card options an invoice sets
};

// Objects the fixture shows only as a stub ({"type": ...}): Stripe documents them as unions whose
// other keys depend on `type`, so every key under them is documented, not invented.
const std::set<std::string> kStubPrefixes = {
    "last_payment_error.",       // payment_intent: the API error (code, decline_code, message, ...)
    "last_setup_error.",         // setup_intent: the same error object
    "last_finalization_error.",  // invoice: the same error object
    "next_action.",              // payment_intent: next_action.use_stripe_sdk for 3D Secure
};

bool documented_extra(const std::string& path) {
  if (kDocumentedExtras.contains(path)) return true;
  return std::any_of(kStubPrefixes.begin(), kStubPrefixes.end(),
                     [&](const std::string& prefix) { return path.starts_with(prefix); });
}

void compare(const json& ours, const json& theirs, const std::string& path, std::vector<std::string>& problems) {
  if (ours.is_object() && theirs.is_object()) {
    for (const auto& [key, value] : theirs.items()) {
      if (!ours.contains(key)) problems.push_back("missing " + path + key);
    }
    for (const auto& [key, value] : ours.items()) {
      const auto child = path + key;
      if (!theirs.contains(key)) {
        if (!documented_extra(child)) problems.push_back("extra " + child);
        continue;
      }
      if (key == "metadata") continue;  // free-form
      compare(value, theirs[key], child + ".", problems);
    }
  } else if (ours.is_array() && theirs.is_array() && !ours.empty() && !theirs.empty()) {
    auto base = path;
    if (!base.empty() && base.back() == '.') base.pop_back();
    compare(ours[0], theirs[0], base + "[].", problems);
  }
}

json load_fixtures() {
  std::ifstream in(fixtures_path());
  return json::parse(in).at("resources");
}


TEST(FixtureShape, EveryTemplateHasTheKeysOfStripesObject) {
  if (!std::filesystem::exists(fixtures_path())) {
    GTEST_SKIP() << "fixtures3.json not found at " << fixtures_path() << " (set RSOLV_STRIPE_FIXTURES)";
  }
  const auto fixtures = load_fixtures();
  rsolv::Random random(1);
  rsolv::ManualClock clock;
  for (const auto& info : catalogue()) {
    SCOPED_TRACE(info.type);
    ASSERT_TRUE(fixtures.contains(info.object)) << info.object;
    const auto event = build_event(info.type, json::object(), random, clock);
    std::vector<std::string> problems;
    compare(event["data"]["object"], fixtures[info.object], "", problems);
    EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  }
}

TEST(FixtureShape, TheEnvelopeHasTheKeysOfStripesEvent) {
  if (!std::filesystem::exists(fixtures_path())) GTEST_SKIP() << "fixtures3.json not found at " << fixtures_path();
  const auto fixture = load_fixtures().at("event");
  rsolv::Random random(1);
  const auto event = build_event("invoice.paid", json::object(), random);
  std::set<std::string> ours, theirs;
  for (const auto& [key, value] : event.items()) ours.insert(key);
  for (const auto& [key, value] : fixture.items()) theirs.insert(key);
  EXPECT_EQ(ours, theirs);
}

}  // namespace
}  // namespace rsolv::stripe::events
