#pragma once
// Request templates, compiled once at load time into parts and rendered per request into a buffer
// that keeps its capacity (no allocation per request once warm). References:
//   ${vu} ${iter} ${uuid} ${now} (unix ms) ${timestamp} (unix s) ${scenario} ${random_id}
//   (24 base62 characters, as Stripe ids) ${env.NAME} / ${env.NAME:-default} (resolved at load)
//   ${NAME} a variable some step extracts;  ${data.SOURCE.COLUMN} the column of the row the
//   iteration took from a `data:` source;  ${setup.NAME} a value the setup flow extracted (the
//   rows of the source named "setup");  $${ is a literal ${.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/config/env_expand.hpp"

namespace rsolv::loadgen::scenario {

enum class TemplatePartKind : std::uint8_t { literal, vu, iter, uuid, now_ms, timestamp, scenario, random_id, variable, data };

struct TemplatePart {
  TemplatePartKind kind = TemplatePartKind::literal;
  bool json_escape = false;  // the part sits inside a JSON string
  int variable = -1;  // a variable's index, or a data source's (kind data)
  std::string text;  // literal text
  int column = -1;   // kind data: the column
};

class DataTable;

// Names of the extracted variables of a scenario file, and where each was first used.
class VariableTable {
 public:
  int index_of(std::string_view name);  // creates
  std::optional<int> find(std::string_view name) const;
  const std::vector<std::string>& names() const { return names_; }
  std::size_t size() const { return names_.size(); }

  // Data sources a template may read (${data.NAME.COLUMN}; the source "setup" is ${setup.COLUMN}).
  int add_source(std::string name, std::vector<std::string> columns);
  std::optional<int> find_source(std::string_view name) const;
  const std::vector<std::pair<std::string, std::vector<std::string>>>& sources() const { return sources_; }

 private:
  std::vector<std::string> names_;
  std::vector<std::pair<std::string, std::vector<std::string>>> sources_;  // name, columns
};

// A small fast generator (xoshiro256**) for ${uuid} and ${random_id}: per worker thread, seeded
// from rsolv::Random so runs are reproducible when the seed is fixed.
class FastRandom {
 public:
  explicit FastRandom(std::uint64_t seed = 0x9e3779b97f4a7c15ULL);
  std::uint64_t next();
  // Uniform in [low, high].
  std::int64_t uniform(std::int64_t low, std::int64_t high);

 private:
  std::uint64_t s_[4];
};

struct TemplateContext {
  std::int64_t vu = 0;
  std::int64_t iter = 0;
  std::int64_t now_ms = 0;
  std::string_view scenario;
  const std::vector<std::string>* variables = nullptr;
  FastRandom* random = nullptr;
  // Data sources (by source index) and the row the iteration took of each; nullptr: none.
  const DataTable* const* tables = nullptr;
  const std::uint32_t* rows = nullptr;
};

class Template {
 public:
  Template() = default;
  // A template holding plain text (no references).
  static Template literal(std::string text);

  bool constant() const { return parts_.empty() || (parts_.size() == 1 && parts_[0].kind == TemplatePartKind::literal); }
  // The text of a constant template.
  std::string_view constant_text() const;
  bool empty() const { return parts_.empty(); }
  // Appends the rendered text to `out`.
  void render(std::string& out, const TemplateContext& context) const;
  std::string render(const TemplateContext& context) const;
  // Indexes of the variables it reads.
  std::vector<int> variables() const;

  void append(TemplatePart part);
  void append(const Template& other);
  const std::vector<TemplatePart>& parts() const { return parts_; }

 private:
  std::vector<TemplatePart> parts_;
};

// Compiles `${...}` references; env references resolve now through `env` (rsolv::UsageError when
// unset without default), other unknown names become variables in `table`. Throws
// rsolv::UsageError for an unterminated `${` or an empty name.
Template compile_template(std::string_view text, VariableTable& table, const config::EnvLookup& env,
                          bool json_escape = false);

// A JSON document as a template: object keys and non-string values are literal, string values
// are compiled templates rendered JSON-escaped. `hook`, when set, may replace the value at a
// given dotted path ("id", "data.object.customer") with its own template (raw, unquoted).
using JsonTemplateHook = std::function<std::optional<Template>(const std::string& path)>;
Template json_template(const nlohmann::json& document, VariableTable& table, const config::EnvLookup& env,
                       const JsonTemplateHook& hook = {});

// Appends `text` JSON-string-escaped (without quotes).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace rsolv::loadgen::scenario
