#include "rsolv/loadgen/scenario/template.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <tuple>
#include <charconv>

#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/scenario/data_source.hpp"

namespace rsolv::loadgen::scenario {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void append_int(std::string& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

void append_text(std::string& out, std::string_view text, bool json_escape) {
  if (json_escape) {
    append_json_escaped(out, text);
  } else {
    out.append(text);
  }
}

bool valid_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// ${data.SOURCE.COLUMN} or ${setup.COLUMN}: (source, column), or a UsageError naming what exists.
std::pair<int, int> data_reference(std::string_view name, const VariableTable& table) {
  const bool setup = name.starts_with("setup.");
  std::string_view source_name = "setup";
  std::string_view column = name.substr(6);
  if (!setup) {
    const auto rest = name.substr(5);
    const auto dot = rest.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size()) {
      throw UsageError("invalid reference '${" + std::string(name) + "}' (write ${data.SOURCE.COLUMN})");
    }
    source_name = rest.substr(0, dot);
    column = rest.substr(dot + 1);
  }
  const auto source = table.find_source(source_name);
  if (!source) {
    if (setup) {
      throw UsageError("'${" + std::string(name) + "}' reads the setup's values, but no `setup:` flow extracts any "
                       "before this point (setup cannot read its own values)");
    }
    std::string known;
    for (const auto& [n, columns] : table.sources()) {
      if (n != "setup") known += (known.empty() ? "" : ", ") + n;
    }
    throw UsageError("unknown data source '" + std::string(source_name) + "' in '${" + std::string(name) + "}' (" +
                     (known.empty() ? std::string("declare it under the top-level `data:`") : "declared: " + known) + ")");
  }
  const auto& columns = table.sources()[static_cast<std::size_t>(*source)].second;
  const auto it = std::find(columns.begin(), columns.end(), column);
  if (it == columns.end()) {
    std::string known;
    for (const auto& c : columns) known += (known.empty() ? "" : ", ") + c;
    throw UsageError(std::string(setup ? "the setup extracts no value '" : "data source '" + std::string(source_name) +
                                                                            "' has no column '") +
                     std::string(column) + "' (" + (setup ? "it extracts: " : "its columns: ") + known + ")");
  }
  return {*source, static_cast<int>(it - columns.begin())};
}

}  // namespace

int VariableTable::index_of(std::string_view name) {
  if (const auto found = find(name)) return *found;
  names_.emplace_back(name);
  return static_cast<int>(names_.size() - 1);
}

std::optional<int> VariableTable::find(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

int VariableTable::add_source(std::string name, std::vector<std::string> columns) {
  sources_.emplace_back(std::move(name), std::move(columns));
  return static_cast<int>(sources_.size() - 1);
}

std::optional<int> VariableTable::find_source(std::string_view name) const {
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].first == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

FastRandom::FastRandom(std::uint64_t seed) {
  // splitmix64 expands the seed into the four words of state.
  for (auto& word : s_) {
    seed += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    word = z ^ (z >> 31);
  }
}

std::uint64_t FastRandom::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::int64_t FastRandom::uniform(std::int64_t low, std::int64_t high) {
  if (high <= low) return low;
  const auto span = static_cast<std::uint64_t>(high - low) + 1;
  return low + static_cast<std::int64_t>(next() % span);
}

Template Template::literal(std::string text) {
  Template t;
  if (!text.empty()) t.parts_.push_back({TemplatePartKind::literal, false, -1, std::move(text)});
  return t;
}

std::string_view Template::constant_text() const {
  if (parts_.empty()) return {};
  return parts_[0].text;
}

void Template::append(TemplatePart part) {
  if (part.kind == TemplatePartKind::literal) {
    if (part.text.empty()) return;
    if (part.json_escape) {
      std::string escaped;
      append_json_escaped(escaped, part.text);
      part.text = std::move(escaped);
      part.json_escape = false;
    }
    if (!parts_.empty() && parts_.back().kind == TemplatePartKind::literal) {
      parts_.back().text += part.text;
      return;
    }
  }
  parts_.push_back(std::move(part));
}

void Template::append(const Template& other) {
  for (const auto& part : other.parts_) append(part);
}

std::vector<int> Template::variables() const {
  std::vector<int> out;
  for (const auto& part : parts_) {
    if (part.kind == TemplatePartKind::variable) out.push_back(part.variable);
  }
  return out;
}

void Template::render(std::string& out, const TemplateContext& c) const {
  for (const auto& part : parts_) {
    switch (part.kind) {
      case TemplatePartKind::literal: out.append(part.text); break;
      case TemplatePartKind::vu: append_int(out, c.vu); break;
      case TemplatePartKind::iter: append_int(out, c.iter); break;
      case TemplatePartKind::now_ms: append_int(out, c.now_ms); break;
      case TemplatePartKind::timestamp: append_int(out, c.now_ms / 1000); break;
      case TemplatePartKind::scenario: append_text(out, c.scenario, part.json_escape); break;
      case TemplatePartKind::uuid: {
        char text[36];
        const std::uint64_t hi = c.random->next();
        const std::uint64_t lo = c.random->next();
        int bit = 0;
        for (int i = 0; i < 36; ++i) {
          if (i == 8 || i == 13 || i == 18 || i == 23) {
            text[i] = '-';
            continue;
          }
          const std::uint64_t word = bit < 16 ? hi : lo;
          const int nibble = static_cast<int>((word >> ((bit % 16) * 4)) & 0xf);
          text[i] = kHex[nibble];
          ++bit;
        }
        text[14] = '4';                                    // version 4
        text[19] = kHex[(lo & 0x3) | 0x8];                 // UUID variant bits 10
        out.append(text, sizeof text);
        break;
      }
      case TemplatePartKind::random_id: {
        char text[24];
        for (auto& ch : text) ch = kBase62[c.random->next() % 62];
        out.append(text, sizeof text);
        break;
      }
      case TemplatePartKind::variable:
        if (c.variables != nullptr && part.variable >= 0 && static_cast<std::size_t>(part.variable) < c.variables->size()) {
          append_text(out, (*c.variables)[static_cast<std::size_t>(part.variable)], part.json_escape);
        }
        break;
      case TemplatePartKind::data:
        if (c.tables != nullptr && c.rows != nullptr) {
          if (const DataTable* table = c.tables[part.variable]; table != nullptr) {
            const std::uint32_t row = c.rows[part.variable];
            if (row < table->rows()) append_text(out, table->cell(row, static_cast<std::size_t>(part.column)), part.json_escape);
          }
        }
        break;
    }
  }
}

std::string Template::render(const TemplateContext& context) const {
  std::string out;
  render(out, context);
  return out;
}

Template compile_template(std::string_view text, VariableTable& table, const config::EnvLookup& env, bool json_escape) {
  Template out;
  std::string literal;
  std::size_t i = 0;
  auto flush = [&] {
    out.append(TemplatePart{TemplatePartKind::literal, json_escape, -1, literal});
    literal.clear();
  };
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      literal += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      literal.push_back(text[i++]);
      continue;
    }
    const auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      throw UsageError("unterminated '${' in '" + std::string(text) + "' (close it with '}' or write $${ for a literal)");
    }
    const auto name = text.substr(i + 2, close - i - 2);
    if (name.starts_with("env.")) {
      // The environment resolves now; the value is literal text, never re-read as a template.
      literal += config::expand_env(text.substr(i, close - i + 1), env);
      i = close + 1;
      continue;
    }
    flush();
    TemplatePart part;
    part.json_escape = json_escape;
    if (name == "vu") {
      part.kind = TemplatePartKind::vu;
    } else if (name == "iter") {
      part.kind = TemplatePartKind::iter;
    } else if (name == "uuid") {
      part.kind = TemplatePartKind::uuid;
    } else if (name == "now") {
      part.kind = TemplatePartKind::now_ms;
    } else if (name == "timestamp") {
      part.kind = TemplatePartKind::timestamp;
    } else if (name == "scenario") {
      part.kind = TemplatePartKind::scenario;
    } else if (name == "random_id") {
      part.kind = TemplatePartKind::random_id;
    } else if (name.starts_with("data.") || name.starts_with("setup.")) {
      part.kind = TemplatePartKind::data;
      std::tie(part.variable, part.column) = data_reference(name, table);
    } else if (valid_variable_name(name)) {
      part.kind = TemplatePartKind::variable;
      part.variable = table.index_of(name);
    } else {
      throw UsageError("invalid reference '${" + std::string(name) +
                       "}' (use vu, iter, uuid, now, timestamp, scenario, random_id, env.NAME, data.SOURCE.COLUMN, "
                       "setup.NAME or an extracted variable's name)");
    }
    out.append(std::move(part));
    i = close + 1;
  }
  flush();
  return out;
}

void append_json_escaped(std::string& out, std::string_view text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(ch);
        }
    }
  }
}

namespace {

void json_template_into(Template& out, const nlohmann::json& value, const std::string& path, VariableTable& table,
                        const config::EnvLookup& env, const JsonTemplateHook& hook) {
  if (hook && !path.empty()) {
    if (auto replaced = hook(path)) {
      out.append(*replaced);
      return;
    }
  }
  if (value.is_object()) {
    out.append(TemplatePart{TemplatePartKind::literal, false, -1, "{"});
    bool first = true;
    for (const auto& [key, item] : value.items()) {
      std::string head = first ? "\"" : ",\"";
      append_json_escaped(head, key);
      head += "\":";
      out.append(TemplatePart{TemplatePartKind::literal, false, -1, head});
      json_template_into(out, item, path.empty() ? key : path + "." + key, table, env, hook);
      first = false;
    }
    out.append(TemplatePart{TemplatePartKind::literal, false, -1, "}"});
  } else if (value.is_array()) {
    out.append(TemplatePart{TemplatePartKind::literal, false, -1, "["});
    std::size_t index = 0;
    for (const auto& item : value) {
      if (index > 0) out.append(TemplatePart{TemplatePartKind::literal, false, -1, ","});
      json_template_into(out, item, path + "[" + std::to_string(index) + "]", table, env, hook);
      ++index;
    }
    out.append(TemplatePart{TemplatePartKind::literal, false, -1, "]"});
  } else if (value.is_string()) {
    out.append(TemplatePart{TemplatePartKind::literal, false, -1, "\""});
    out.append(compile_template(value.get_ref<const std::string&>(), table, env, true));
    out.append(TemplatePart{TemplatePartKind::literal, false, -1, "\""});
  } else {
    out.append(TemplatePart{TemplatePartKind::literal, false, -1, value.dump()});
  }
}

}  // namespace

Template json_template(const nlohmann::json& document, VariableTable& table, const config::EnvLookup& env,
                       const JsonTemplateHook& hook) {
  Template out;
  json_template_into(out, document, "", table, env, hook);
  return out;
}

}  // namespace rsolv::loadgen::scenario
