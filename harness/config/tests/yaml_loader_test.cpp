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

TEST(YamlLoader, SyntaxErrorsPointAtTheExactPlace) {
  // Positions as a user counts them (1-based), checked against the text by hand.
  EXPECT_EQ(error_of([] { load_yaml_string("name: a\nkey: value: other\n", "s.yaml"); }),
            "s.yaml:2:11: illegal map value (fix the YAML syntax)");
  EXPECT_EQ(error_of([] { load_yaml_string("a: 1\nb: *nope\n", "s.yaml"); }),
            "s.yaml:2:4: the referenced anchor is not defined (fix the YAML syntax)");
  EXPECT_EQ(error_of([] { load_yaml_string("a: [1, 2]]\n", "s.yaml"); }),
            "s.yaml:1:10: illegal flow end (fix the YAML syntax)");
}

TEST(YamlLoader, UnclosedJsonObjectNamesTheFile) {
  const auto message = error_of([] { load_yaml_string("{\"target\": \"x\",\n \"vus\": 1\n", "t.json"); });
  EXPECT_EQ(message.rfind("t.json:3:1: ", 0), 0u) << message;
  EXPECT_NE(message.find("end of map flow not found"), std::string::npos) << message;
}

TEST(YamlLoader, DuplicateKeyIsRefusedAtTheSecondOccurrence) {
  const auto message = error_of([] { load_yaml_string("vus: 10\nduration: 30s\nvus: 20\n", "s.yaml"); });
  EXPECT_EQ(message, "s.yaml:3:1: duplicate key 'vus' (first set at line 1; keep one)");
}

TEST(YamlLoader, DuplicateKeyIsFoundInNestedAndFlowMappings) {
  EXPECT_EQ(error_of([] { load_yaml_string("scenarios:\n  - name: a\n    exec: x\n    name: b\n", "s.yaml"); }),
            "s.yaml:4:5: duplicate key 'name' (first set at line 2; keep one)");
  EXPECT_EQ(error_of([] { load_yaml_string("limits: {api: 1, api: 2}\n", "s.yaml"); }),
            "s.yaml:1:18: duplicate key 'api' (first set at line 1; keep one)");
  EXPECT_EQ(error_of([] { load_yaml_string(R"({"a": {"b": 1, "b": 2}})", "t.json"); }),
            "t.json:1:16: duplicate key 'b' (first set at line 1; keep one)");
}

TEST(YamlLoader, SameKeyInSiblingMappingsIsFine) {
  const auto doc = load_yaml_string("a: {name: x}\nb: {name: y}\nl: [{name: 1}, {name: 2}]\n", "s.yaml");
  EXPECT_EQ(get_string(doc, doc.root["b"], "name"), "y");
}

TEST(YamlLoader, AliasesAreNotMistakenForDuplicates) {
  const auto doc = load_yaml_string("base: &b {vus: 1}\none: *b\ntwo: *b\n", "s.yaml");
  EXPECT_EQ(get_int(doc, doc.root["two"], "vus"), 1);
}

TEST(YamlLoader, SecondDocumentIsRefusedNotIgnored) {
  EXPECT_EQ(error_of([] { load_yaml_string("vus: 1\n---\nvus: 2\n", "s.yaml"); }).rfind("s.yaml:3:1: a second YAML document", 0),
            0u);
  // yaml-cpp reads a mapping line after a top-level list as a new document: the error says where.
  EXPECT_EQ(error_of([] { load_yaml_string("- a\nb: 1\n", "s.yaml"); }).rfind("s.yaml:2:1: ", 0), 0u);
}

TEST(YamlLoader, LeadingAndTrailingDocumentMarkersAreFine) {
  const auto doc = load_yaml_string("---\nvus: 3\n---\n", "s.yaml");
  EXPECT_EQ(get_int(doc, doc.root, "vus"), 3);
  const auto ended = load_yaml_string("vus: 4\n...\n", "s.yaml");
  EXPECT_EQ(get_int(ended, ended.root, "vus"), 4);
}

TEST(YamlLoader, DirectoryInsteadOfFileIsNamed) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto message = error_of([&] { load_yaml_file(dir.string()); });
  EXPECT_EQ(message, dir.string() + ": is a directory (give a file, not a folder)");
}

TEST(YamlLoader, EmptyDocumentFailsNamingTheFileWhenAKeyIsNeeded) {
  const auto doc = load_yaml_string("# nothing but a comment\n", "empty.yaml");
  EXPECT_TRUE(doc.root.IsNull());
  EXPECT_EQ(error_of([&] { get_string(doc, doc.root, "target"); }),
            "empty.yaml: this section must be a mapping (key: value), not empty");
}

TEST(YamlLoader, IntegerGetterRefusesFractionsHexAndBooleans) {
  const auto doc = load_yaml_string("a: 1.5\nb: 0x10\nc: true\nd: -7\n", "s.yaml");
  EXPECT_EQ(error_of([&] { get_int(doc, doc.root, "a"); }), "s.yaml:1:4: a must be an integer, got '1.5'");
  EXPECT_EQ(error_of([&] { get_int(doc, doc.root, "b"); }), "s.yaml:2:4: b must be an integer, got '0x10'");
  EXPECT_EQ(error_of([&] { get_int(doc, doc.root, "c"); }), "s.yaml:3:4: c must be an integer, got 'true'");
  EXPECT_EQ(get_int(doc, doc.root, "d"), -7);
}

TEST(YamlLoader, MappingWhereANumberIsExpected) {
  const auto doc = load_yaml_string("thresholds:\n  p95: {max: 1}\n", "s.yaml");
  EXPECT_EQ(error_of([&] { get_double(doc, doc.root["thresholds"], "p95"); }),
            "s.yaml:2:8: p95 must be a string, not a mapping");
}

TEST(YamlLoader, OptionalGettersReturnEmptyForNullAndAbsent) {
  const auto doc = load_yaml_string("a: ~\nb:\nc: 5\n", "s.yaml");
  EXPECT_FALSE(get_optional_int(doc, doc.root, "a"));
  EXPECT_FALSE(get_optional_int(doc, doc.root, "b"));
  EXPECT_FALSE(get_optional_bool(doc, doc.root, "zzz"));
  EXPECT_EQ(get_optional_int(doc, doc.root, "c"), 5);
  // Required getters treat an explicit null like a missing key.
  EXPECT_EQ(error_of([&] { get_string(doc, doc.root, "a"); }), "s.yaml:1:1: missing required key 'a'");
}

TEST(YamlLoader, GetterOnAScalarSectionFailsAtThatScalar) {
  const auto doc = load_yaml_string("scenario: fast\n", "s.yaml");
  EXPECT_EQ(error_of([&] { get_int(doc, doc.root["scenario"], "vus"); }),
            "s.yaml:1:11: this section must be a mapping (key: value), not a scalar");
}

TEST(YamlLoader, UnknownKeyInsideASequenceItemPointsAtIt) {
  const auto doc = load_yaml_string("endpoints:\n  - path: /a\n  - path: /b\n    methd: GET\n", "t.yaml");
  const auto message = error_of([&] {
    for (const auto& item : doc.root["endpoints"]) check_keys(doc, item, {"path", "method"});
  });
  EXPECT_EQ(message, "t.yaml:4:5: unknown key 'methd' (did you mean 'method'?)");
}

TEST(YamlLoader, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
}

// yaml-cpp 0.7 starts an empty document at a stray ',' forever (memory grows ~200 MB/s); the
// loader must refuse it at the character instead. Each of these hung the old loader.
TEST(YamlLimits, StrayCommaAfterTheTopLevelValueFailsAtIt) {
  EXPECT_EQ(error_of([] { load_yaml_string(",", "scenario.yaml"); }),
            "scenario.yaml:1:1: unexpected ',' after the end of the top-level value (yaml-cpp cannot parse past it; "
            "quote it, put it inside [ ] or { }, or check the indentation)");
  EXPECT_EQ(error_of([] { load_yaml_string("[a], b", "s.yaml"); }).rfind("s.yaml:1:4: unexpected ','", 0), 0u);
  EXPECT_EQ(error_of([] { load_yaml_string("{a: 1}, b", "s.yaml"); }).rfind("s.yaml:1:7: unexpected ','", 0), 0u);
  EXPECT_EQ(error_of([] { load_yaml_string("--- ,", "s.yaml"); }).rfind("s.yaml:1:5: unexpected ','", 0), 0u);
  EXPECT_EQ(error_of([] { load_yaml_string("'quoted'\n,", "s.yaml"); }).rfind("s.yaml:2:1: unexpected ','", 0), 0u);
}

TEST(YamlLimits, KeyLineAfterATopLevelScalarFailsAtIt) {
  // The second hanging shape the fuzz run found: a '?' key line after an anchored or tagged
  // top-level scalar.
  EXPECT_EQ(error_of([] { load_yaml_string("&a a\n? ", "s.yaml"); }).rfind("s.yaml:2:1: unexpected '?'", 0), 0u);
  EXPECT_EQ(error_of([] { load_yaml_string("!t a\n? ", "s.yaml"); }).rfind("s.yaml:2:1: unexpected '?'", 0), 0u);
}

TEST(YamlLimits, BillionLaughsIsRefusedAtTheAliasThatCrossesTheLimit) {
  // Nine levels of nine aliases: 9^9 nodes for every walk of the tree, from a few hundred bytes.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    const auto previous = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 9; ++i) text += (i ? ", " : "") + previous;
    text += "]\n";
  }
  const auto message = error_of([&] { load_yaml_string(text, "laughs.yaml"); });
  EXPECT_EQ(message.rfind("laughs.yaml:", 0), 0u) << message;
  EXPECT_NE(message.find("more than 10000 nodes through aliases (limit 10000;"), std::string::npos) << message;
}

TEST(YamlLimits, OrdinaryAliasesStayWithinTheLimit) {
  const auto doc = load_yaml_string("defaults: &d {timeout: 5s, tags: [a, b]}\none: *d\ntwo: *d\n", "s.yaml");
  EXPECT_EQ(get_string(doc, doc.root["two"], "timeout"), "5s");
}

TEST(YamlLimits, AliasBudgetIsConfigurableAndCountsWholeSubtrees) {
  YamlLimits limits;
  limits.max_alias_nodes = 6;  // the anchor is a list of three: each alias costs 4 nodes
  EXPECT_NO_THROW(load_yaml_string("a: &l [1, 2, 3]\nb: *l\n", "s.yaml", limits));
  EXPECT_EQ(error_of([&] { load_yaml_string("a: &l [1, 2, 3]\nb: *l\nc: *l\n", "s.yaml", limits); }).rfind(
                "s.yaml:3:4: more than 6 nodes through aliases (limit 6;", 0),
            0u);
}

TEST(YamlLimits, DeepNestingIsRefusedWithTheLimit) {
  const std::string deep = std::string(200, '[') + std::string(200, ']');
  EXPECT_EQ(error_of([&] { load_yaml_string(deep, "deep.yaml"); }),
            "deep.yaml:1:129: nested more than 128 levels deep (limit 128)");
  const std::string fine = std::string(100, '[') + std::string(100, ']');
  EXPECT_NO_THROW(load_yaml_string(fine, "ok.yaml"));
}

// Found by the config_yaml fuzz target: yaml-cpp registers an anchor when its collection starts,
// so an alias inside it builds a cyclic tree, and the first walk of it overflows the stack.
TEST(YamlLimits, AnAliasInsideItsOwnAnchorIsACycleAndRefused) {
  EXPECT_EQ(error_of([] { load_yaml_string("x0: &a0 [l, l, l]\nx1: &a1 [*a0, *a0,1, *a1]\n", "c.yaml"); }),
            "c.yaml:2:22: this alias refers to a mapping or list that contains it (a cycle; alias a node defined "
            "before it)");
  EXPECT_NE(error_of([] { load_yaml_string("a: &m {b: {c: *m}}\n", "c.yaml"); }).find("(a cycle;"), std::string::npos);
}

TEST(YamlLimits, DepthCountsWhatAnAliasBringsWhereItStands) {
  // 100 levels under an anchor, aliased 100 levels deep: 200 levels for every walker.
  const std::string text = "a: &deep " + std::string(100, '[') + std::string(100, ']') + "\nb: " + std::string(100, '[') +
                           "*deep" + std::string(100, ']') + "\n";
  EXPECT_NE(error_of([&] { load_yaml_string(text, "d.yaml"); }).find("levels deep through this alias (limit 128)"),
            std::string::npos);
}

TEST(YamlLimits, OversizedInputIsRefusedBeforeParsing) {
  YamlLimits limits;
  limits.max_bytes = 64;
  EXPECT_EQ(error_of([&] { load_yaml_string("a: " + std::string(100, 'x'), "big.yaml", limits); }),
            "big.yaml: larger than 64 bytes (limit 64 bytes for a configuration file)");
  const std::string big(YamlLimits{}.max_bytes + 1, '#');
  EXPECT_NE(error_of([&] { load_yaml_string(big, "big.yaml"); }).find("(limit 1048576 bytes"), std::string::npos);
}

TEST(YamlLimits, AnEndlessFileIsReadOnlyUpToTheLimit) {
  // /dev/zero never ends: reading it whole would never return.
  EXPECT_EQ(error_of([] { load_yaml_file("/dev/zero"); }),
            "/dev/zero: larger than 1048576 bytes (limit 1048576 bytes for a configuration file)");
}

TEST(YamlLimits, ManyEmptyDocumentsAreRefused) {
  std::string text = "a: 1\n";
  for (int i = 0; i < 20; ++i) text += "---\n";
  EXPECT_NE(error_of([&] { load_yaml_string(text, "s.yaml"); }).find("more than 16 YAML documents (limit 16;"),
            std::string::npos);
}

}  // namespace
}  // namespace rsolv::config
