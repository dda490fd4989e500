#include "rsolv/action/workflow_commands.hpp"

namespace rsolv::action {

namespace {

std::string escape(std::string_view text, bool property) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_data(std::string_view text) { return escape(text, false); }
std::string escape_property(std::string_view text) { return escape(text, true); }

std::string workflow_command(std::string_view name, const Properties& properties, std::string_view message) {
  std::string line = "::";
  line += name;
  bool first = true;
  for (const auto& [key, value] : properties) {
    if (value.empty()) continue;
    line += first ? " " : ",";
    first = false;
    line += key;
    line += '=';
    line += escape_property(value);
  }
  line += "::";
  line += escape_data(message);
  return line;
}

std::string add_mask_lines(std::string_view value) {
  std::string out;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto end = value.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = value.size();
    const auto part = value.substr(start, end - start);
    if (!part.empty()) out += workflow_command("add-mask", {}, part) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace rsolv::action
