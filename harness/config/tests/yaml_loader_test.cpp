#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rsolv/config/yaml_loader.hpp"

namespace rsolv::config {
namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(YamlLoader, LoadsAFileAndReadsTypedValues) {
  const auto path = std::filesystem::temp_directory_path() / "rsolv_config_test_ok.yaml";
  std::ofstream(path) << "name: signup\nvus: 10\nratio: 0.5\nenabled: true\n";
  const auto doc = load_yaml_file(path.string());
  EXPECT_EQ(get_string(doc, doc.root, "name"), "signup");
  EXPECT_EQ(get_int(doc, doc.root, "vus"), 10);
  EXPECT_DOUBLE_EQ(get_double(doc, doc.root, "ratio"), 0.5);
  EXPECT_TRUE(get_bool(doc, doc.root, "enabled"));
  EXPECT_FALSE(get_optional_string(doc, doc.root, "absent"));
  std::filesystem::remove(path);
}

TEST(YamlLoader, JsonLoadsThroughTheSameLoader) {
  const auto doc = load_yaml_string(R"({"target": "http://127.0.0.1:4000", "limits": {"api": 500}})", "t.json");
  EXPECT_EQ(get_string(doc, doc.root, "target"), "http://127.0.0.1:4000");
  EXPECT_EQ(get_int(doc, doc.root["limits"], "api"), 500);
}

TEST(YamlLoader, MissingFileNamesThePath) {
  const auto message = error_of([] { load_yaml_file("/nonexistent/dir/scenario.yaml"); });
  EXPECT_NE(message.find("/nonexistent/dir/scenario.yaml: cannot open file"), std::string::npos) << message;
}

TEST(YamlLoader, SyntaxErrorNamesFileLineAndColumn) {
  // Line 3 has an unclosed flow sequence.
  const auto message = error_of([] { load_yaml_string("a: 1\nb: 2\nc: [1, 2\n", "bad.yaml"); });
  EXPECT_EQ(message.rfind("bad.yaml:", 0), 0u) << message;
  EXPECT_NE(message.find("fix the YAML syntax"), std::string::npos) << message;
}

TEST(YamlLoader, BadIndentationPointsAtTheLine) {
  const auto message = error_of([] { load_yaml_string("scenarios:\n  a:\n    vus: 1\n   b: 2\n", "indent.yaml"); });
  EXPECT_EQ(message.rfind("indent.yaml:4:", 0), 0u) << message;
}

TEST(YamlLoader, TabIndentationIsAnError) {
  const auto message = error_of([] { load_yaml_string("a:\n\tb: 1\n", "tabs.yaml"); });
  EXPECT_EQ(message.rfind("tabs.yaml:2:", 0), 0u) << message;
}

TEST(YamlLoader, WrongTypeFailsAtTheValue) {
  const auto doc = load_yaml_string("scenario:\n  vus: ten\n", "s.yaml");
  const auto message = error_of([&] { get_int(doc, doc.root["scenario"], "vus"); });
  EXPECT_EQ(message, "s.yaml:2:8: vus must be an integer, got 'ten'");
}

TEST(YamlLoader, ListWhereAStringIsExpected) {
  const auto doc = load_yaml_string("name:\n  - a\n  - b\n", "s.yaml");
  const auto message = error_of([&] { get_string(doc, doc.root, "name"); });
  EXPECT_EQ(message, "s.yaml:2:3: name must be a string, not a list");
}

TEST(YamlLoader, MissingRequiredKeyFailsAtTheMapping) {
  const auto doc = load_yaml_string("top: 1\nscenario:\n  executor: constant-vus\n", "s.yaml");
  const auto message = error_of([&] { get_string(doc, doc.root["scenario"], "duration"); });
  EXPECT_EQ(message, "s.yaml:3:3: missing required key 'duration'");
}

TEST(YamlLoader, IntegerOutOfRange) {
  const auto doc = load_yaml_string("n: 99999999999999999999999\n", "s.yaml");
  const auto message = error_of([&] { get_int(doc, doc.root, "n"); });
  EXPECT_NE(message.find("out of range"), std::string::npos) << message;
}

TEST(YamlLoader, BooleanMustBeTrueOrFalse) {
  const auto doc = load_yaml_string("flag: maybe\n", "s.yaml");
  EXPECT_EQ(error_of([&] { get_bool(doc, doc.root, "flag"); }), "s.yaml:1:7: flag must be true or false, got 'maybe'");
}

TEST(YamlLoader, NonFiniteNumberIsRefused) {
  const auto doc = load_yaml_string("ratio: .nan\n", "s.yaml");
  EXPECT_NE(error_of([&] { get_double(doc, doc.root, "ratio"); }).find("must be a number"), std::string::npos);
}

TEST(YamlLoader, UnknownKeySuggestsTheClosestOne) {
  const auto doc = load_yaml_string("executor: constant-vus\nduraton: 30s\n", "s.yaml");
  const auto message = error_of([&] { check_keys(doc, doc.root, {"executor", "duration", "vus"}); });
  EXPECT_EQ(message, "s.yaml:2:1: unknown key 'duraton' (did you mean 'duration'?)");
}

TEST(YamlLoader, UnknownKeyFarFromAnyListsTheAllowedOnes) {
  const auto doc = load_yaml_string("zzzzzz: 1\n", "s.yaml");
  const auto message = error_of([&] { check_keys(doc, doc.root, {"executor", "vus"}); });
  EXPECT_EQ(message, "s.yaml:1:1: unknown key 'zzzzzz' (allowed: executor vus)");
}

TEST(YamlLoader, SectionThatMustBeAMapping) {
  const auto doc = load_yaml_string("scenarios: 5\n", "s.yaml");
  EXPECT_EQ(error_of([&] { require_map(doc, doc.root["scenarios"], "scenarios"); }),
            "s.yaml:1:12: scenarios must be a mapping (key: value), not a scalar");
}

TEST(YamlLoader, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
}

}  // namespace
}  // namespace rsolv::config
