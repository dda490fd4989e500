// The top-level `data:` (sources, loaded once) and a scenario's `data:` (how its iterations pick
// rows). Shapes, after k6's SharedArray and Artillery's payload:
//   data:
//     users: users.csv                                    # shorthand: file only
//     cards: {file: cards.json, each: unique, exhausted: wrap}   # with the default row choice
//   scenarios:
//     s: {..., data: {users: unique, cards: {each: random}}}     # per scenario
#include <algorithm>
#include <cctype>

#include "plan_loader.hpp"
#include "rsolv/config/env_expand.hpp"

namespace rsolv::loadgen::scenario::detail {

namespace {

DataOrder parse_order(Loader& l, const YAML::Node& node) {
  const auto text = l.text(node, "each");
  if (text == "vu") return DataOrder::vu;
  if (text == "iteration") return DataOrder::iteration;
  if (text == "unique") return DataOrder::unique;
  if (text == "random") return DataOrder::random;
  config::fail_at(l.doc, node, "each: must be vu, iteration, unique or random, not '" + text + "'");
}

DataExhausted parse_exhausted(Loader& l, const YAML::Node& node) {
  const auto text = l.text(node, "exhausted");
  if (text == "stop") return DataExhausted::stop;
  if (text == "wrap") return DataExhausted::wrap;
  config::fail_at(l.doc, node, "exhausted: must be stop or wrap, not '" + text + "'");
}

// `{each: ..., exhausted: ...}` or the shorthand `unique`, over `use`.
void parse_choice(Loader& l, const YAML::Node& node, DataUse& use, std::initializer_list<std::string_view> keys) {
  if (node.IsScalar()) {
    use.each = parse_order(l, node);
    return;
  }
  config::require_map(l.doc, node, "a data source's row choice");
  config::check_keys(l.doc, node, keys);
  if (const auto each = node["each"]) use.each = parse_order(l, each);
  if (const auto exhausted = node["exhausted"]) {
    use.exhausted = parse_exhausted(l, exhausted);
    if (use.each != DataOrder::unique) config::fail_at(l.doc, exhausted, "exhausted: applies to each: unique only");
  }
}

void collect_sources(const Template& t, std::vector<bool>& read) {
  for (const auto& part : t.parts()) {
    if (part.kind == TemplatePartKind::data) read[static_cast<std::size_t>(part.variable)] = true;
  }
}

}  // namespace

void parse_data_sources(Loader& l, const YAML::Node& node) {
  config::require_map(l.doc, node, "data");
  for (const auto& entry : node) {
    const auto name = l.text(entry.first, "a data source's name");
    const bool valid = !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])) == 0 &&
                       std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
    if (!valid || name == "setup") {
      config::fail_at(l.doc, entry.first, "invalid data source name '" + name + "' (letters, digits and _; not setup)");
    }
    if (l.plan.variables.find_source(name)) config::fail_at(l.doc, entry.first, "data source '" + name + "' is declared twice");
    DataUse use;
    if (entry.second.IsMap()) {
      if (!entry.second["file"]) config::fail_at(l.doc, entry.second, "a data source needs `file:` (a .csv or .json file)");
      parse_choice(l, entry.second, use, {"file", "each", "exhausted"});
    }
    // Not assigned later: assigning a YAML::Node writes through to the node it refers to.
    const YAML::Node file_node = entry.second.IsMap() ? entry.second["file"] : entry.second;
    const auto written = l.text(file_node, "file");
    auto path = std::filesystem::path(l.at(file_node, [&] { return config::expand_env(written, l.options.env); }));
    if (path.is_relative()) path = l.base_dir / path;
    // Errors name the file as the user wrote it (plus the line), and where the scenario names it.
    DataTable table = l.at(file_node, [&] {
      try {
        return load_data_file(name, path.string(), path.lexically_normal().string());
      } catch (const config::ConfigError& error) {
        throw UsageError(std::string(error.what()) + " (data source '" + name + "'; paths are relative to the scenario file)");
      }
    });
    use.source = l.plan.variables.add_source(name, table.columns());
    l.plan.data.push_back(std::move(table));
    l.data_defaults.push_back(use);
  }
}

std::vector<DataUse> parse_data_uses(Loader& l, const YAML::Node& node, const std::vector<Step>& flow,
                                     DataOrder setup_fallback) {
  const auto sources = l.plan.variables.sources().size();
  std::vector<bool> read(sources, false);
  for (const auto& step : flow) {
    if (step.kind != Step::Kind::request) continue;
    collect_sources(step.request.target, read);
    for (const auto& header : step.request.headers) collect_sources(header.second, read);
    collect_sources(step.request.body, read);
  }
  std::vector<DataUse> uses(l.data_defaults.begin(), l.data_defaults.end());
  uses.resize(sources);
  if (l.plan.setup_source >= 0 && static_cast<std::size_t>(l.plan.setup_source) < sources) {
    uses[static_cast<std::size_t>(l.plan.setup_source)].each = setup_fallback;
  }
  if (node) {
    config::require_map(l.doc, node, "data");
    for (const auto& entry : node) {
      const auto name = l.text(entry.first, "a data source's name");
      const auto source = l.plan.variables.find_source(name);
      if (!source) config::fail_at(l.doc, entry.first, "unknown data source '" + name + "' (declare it under the top-level `data:`)");
      auto& use = uses[static_cast<std::size_t>(*source)];
      use.source = *source;
      parse_choice(l, entry.second, use, {"each", "exhausted"});
      read[static_cast<std::size_t>(*source)] = true;  // named: its rows are taken even if unread
    }
  }
  std::vector<DataUse> out;
  for (std::size_t s = 0; s < sources; ++s) {
    if (!read[s]) continue;
    uses[s].source = static_cast<int>(s);
    out.push_back(uses[s]);
  }
  return out;
}

}  // namespace rsolv::loadgen::scenario::detail
