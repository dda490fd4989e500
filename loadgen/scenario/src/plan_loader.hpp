#pragma once
// Internal to the scenario loader: the state shared by test_plan.cpp (file, scenarios, executors,
// metrics, thresholds) and flow_parser.cpp (steps, requests, checks, extraction, recordings).
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"

namespace rsolv::loadgen::scenario::detail {

struct Loader {
  Loader(const config::Document& d, const LoadOptions& o, TestPlan& p, std::filesystem::path dir)
      : doc(d), options(o), plan(p), base_dir(std::move(dir)) {}

  const config::Document& doc;
  const LoadOptions& options;
  TestPlan& plan;
  std::filesystem::path base_dir;  // body_file paths are relative to the scenario file
  metrics::MetricSet definitions;  // built-in and custom metrics
  std::optional<engine::Url> base_url;
  std::vector<std::pair<std::string, Template>> default_headers;
  executors::Micros default_timeout{60'000'000};
  metrics::Tags default_tags;

  // Per scenario: variables extracted, and where each variable is first read.
  std::vector<bool> extracted;
  std::map<int, std::string> first_read;
  std::map<int, std::string> default_reads;  // from the file's default headers
  // By data source: the top-level `data:` entry's row choice (a scenario may override it).
  std::vector<DataUse> data_defaults;

  // Runs `body`, turning a plain rsolv::UsageError (from a parser of durations, templates, paths)
  // into a ConfigError at `node`.
  template <class F>
  auto at(const YAML::Node& node, F&& body) -> decltype(body()) {
    try {
      return body();
    } catch (const config::ConfigError&) {
      throw;
    } catch (const UsageError& error) {
      config::fail_at(doc, node, error.what());
    }
  }

  // Durations and integers may come from the environment: `duration: ${env.HOLD:-30s}`.
  executors::Micros duration(const YAML::Node& node, std::string_view what);
  std::int64_t integer(const YAML::Node& node, std::string_view what);
  std::string text(const YAML::Node& node, std::string_view what) { return config::as_string(doc, node, what); }
  // A template read from a node; records where its variables are first read.
  Template compile(const YAML::Node& node, std::string_view text, bool json_escape = false);
  void note_reads(const YAML::Node& node, const Template& t);
  metrics::Tags tags(const YAML::Node& node);
  int origin_index(const engine::Origin& origin);
};

// A YAML node as JSON: plain scalars become null, booleans and numbers where they read as such,
// quoted scalars stay strings.
nlohmann::json yaml_to_json(const config::Document& doc, const YAML::Node& node);

Step parse_step(Loader& loader, const YAML::Node& node);
// The top-level `data:` (sources, loaded now) and a scenario's, setup's or teardown's uses of them:
// every source its flow reads, with the row choice its own `data:` (node, may be null) gives, else
// the source's default, else `fallback` for the setup's values.
void parse_data_sources(Loader& loader, const YAML::Node& node);
std::vector<DataUse> parse_data_uses(Loader& loader, const YAML::Node& node, const std::vector<Step>& flow,
                                     DataOrder setup_fallback);
// Headers whose constant values are credentials (Authorization, X-Api-Key, Cookie, *token*, *secret*).
bool sensitive_header(std::string_view name);
// One `Name: value` header, validated and compiled; credentials join plan.secrets.
std::pair<std::string, Template> parse_header(Loader& loader, const YAML::Node& key, const YAML::Node& value);

}  // namespace rsolv::loadgen::scenario::detail
