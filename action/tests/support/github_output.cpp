#include "support/github_output.hpp"

#include <vector>

namespace rsolv::action::testing {

namespace {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = std::string(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

}  // namespace

ParsedOutputs parse_github_output(std::string_view text) {
  ParsedOutputs parsed;
  const auto lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    if (line.empty()) continue;
    const auto equals = line.find('=');
    const auto heredoc = line.find("<<");
    if (equals != std::string::npos && (heredoc == std::string::npos || equals < heredoc)) {
      parsed.values[line.substr(0, equals)] = line.substr(equals + 1);
      continue;
    }
    if (heredoc == std::string::npos || heredoc == 0) {
      parsed.error = "line " + std::to_string(i + 1) + " is neither name=value nor name<<DELIMITER";
      return parsed;
    }
    const auto name = line.substr(0, heredoc);
    const auto delimiter = line.substr(heredoc + 2);
    if (delimiter.empty()) {
      parsed.error = "empty heredoc delimiter for " + name;
      return parsed;
    }
    std::string value;
    bool closed = false;
    bool first = true;
    for (++i; i < lines.size(); ++i) {
      if (lines[i] == delimiter) {
        closed = true;
        break;
      }
      if (!first) value += '\n';
      value += lines[i];
      first = false;
    }
    if (!closed) {
      parsed.error = "heredoc for " + name + " is not closed by " + delimiter;
      return parsed;
    }
    parsed.values[name] = value;
    parsed.delimiters[name] = delimiter;
  }
  return parsed;
}

std::string unescape_command_value(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const auto code = text.substr(i, 3);
      if (code == "%25") { out += '%'; i += 2; continue; }
      if (code == "%0D") { out += '\r'; i += 2; continue; }
      if (code == "%0A") { out += '\n'; i += 2; continue; }
      if (code == "%3A") { out += ':'; i += 2; continue; }
      if (code == "%2C") { out += ','; i += 2; continue; }
    }
    out += text[i];
  }
  return out;
}

}  // namespace rsolv::action::testing
