#include "rsolv/action/summary.hpp"

#include <cstdio>
#include <cstdlib>

namespace rsolv::action {

std::string escape_markdown_cell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\r':
      case '\n': out += ' '; break;
      case '|':
      case '\\':
      case '`':
      case '*':
      case '_':
      case '<':
      case '>':
      case '[':
      case ']':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string render_summary(std::string_view heading, std::string_view verdict, const SummaryRows& rows) {
  std::string out = "### " + escape_markdown_cell(heading) + "\n\n" + escape_markdown_cell(verdict) + "\n\n";
  out += "| | |\n| --- | --- |\n";
  for (const auto& [name, value] : rows) {
    out += "| " + escape_markdown_cell(name) + " | " + escape_markdown_cell(value) + " |\n";
  }
  out += "\n";
  return out;
}

std::string format_cents(long long cents) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s$%lld.%02lld", cents < 0 ? "-" : "", std::llabs(cents) / 100,
                std::llabs(cents) % 100);
  return buffer;
}

}  // namespace rsolv::action
