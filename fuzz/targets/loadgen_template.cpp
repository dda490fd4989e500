// loadgen's templates and JSON paths (loadgen/scenario): a template inside a JSON string renders
// to a valid JSON string whatever the variables hold; a JSON body with no references renders back
// to the same document; a JSON path finds what it finds without a crash.
#include <nlohmann/json.hpp>

#include "fuzz_target.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/scenario/json_path.hpp"
#include "rsolv/loadgen/scenario/template.hpp"

namespace {

using namespace rsolv;

const config::EnvLookup kEnv = [](std::string_view name) -> std::optional<std::string> {
  if (name == "QUOTE") return std::string("a\"b\\c\n\x01");
  if (name == "EMPTY") return std::string();
  return std::nullopt;
};

std::string render(const loadgen::scenario::Template& t, const std::vector<std::string>& values) {
  loadgen::scenario::FastRandom random(3);
  loadgen::scenario::TemplateContext context;
  context.vu = 1;
  context.iter = 2;
  context.now_ms = 1700000000000;
  context.scenario = "fuzz";
  context.variables = &values;
  context.random = &random;
  return t.render(context);
}

}  // namespace

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  fuzz::Input input(data, size);
  const std::string path(input.piece());
  const std::string template_text(input.piece());
  const std::string document_text(input.rest());

  // 1. A template inside a JSON string.
  loadgen::scenario::VariableTable table;
  try {
    const auto t = loadgen::scenario::compile_template(template_text, table, kEnv, true);
    // Variables may hold anything a response held: quotes, backslashes, control characters.
    std::vector<std::string> values(table.size(), std::string("q\"\\\n\t\x01</"));
    const auto rendered = "\"" + render(t, values) + "\"";
    if (fuzz::valid_utf8(template_text)) {
      FUZZ_CHECK(nlohmann::json::accept(rendered), "not a JSON string: " + rendered);
    }
  } catch (const UsageError&) {
  }

  // 2. A JSON body as a template, and a JSON path into it.
  const auto document = nlohmann::json::parse(document_text, nullptr, false);
  if (document.is_discarded()) return;
  try {
    loadgen::scenario::VariableTable body_table;
    const auto t = loadgen::scenario::json_template(document, body_table, kEnv);
    std::vector<std::string> values(body_table.size(), std::string("v\"\\"));
    const auto rendered = render(t, values);
    const auto reparsed = nlohmann::json::parse(rendered, nullptr, false);
    FUZZ_CHECK(!reparsed.is_discarded(), "a JSON body renders to invalid JSON: " + rendered);
    if (document_text.find("${") == std::string::npos && document_text.find('$') == std::string::npos) {
      FUZZ_CHECK(reparsed == document, "a body without references changed: " + rendered);
    }
  } catch (const UsageError&) {
  }
  try {
    const auto compiled = loadgen::scenario::JsonPath::parse(path);
    if (const auto* found = compiled.find(document)) (void)loadgen::scenario::json_scalar_text(*found);
  } catch (const UsageError&) {
  }
}
