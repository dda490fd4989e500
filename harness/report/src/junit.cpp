#include "rsolv/report/junit.hpp"

#include <fmt/format.h>

namespace rsolv::report {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows only tab, newline and carriage return below 0x20.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string render_junit(const std::vector<JUnitSuite>& suites) {
  std::size_t total = 0, failures = 0, skipped = 0;
  double time = 0;
  for (const auto& suite : suites) {
    for (const auto& test : suite.cases) {
      ++total;
      if (test.failure_message) ++failures;
      if (test.skipped) ++skipped;
    }
    time += suite.time_seconds;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3f}\">\n", total,
                     failures, skipped, time);
  for (const auto& suite : suites) {
    std::size_t suite_failures = 0, suite_skipped = 0;
    for (const auto& test : suite.cases) {
      if (test.failure_message) ++suite_failures;
      if (test.skipped) ++suite_skipped;
    }
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3f}\"",
                       xml_escape(suite.name), suite.cases.size(), suite_failures, suite_skipped, suite.time_seconds);
    if (!suite.timestamp.empty()) out += fmt::format(" timestamp=\"{}\"", xml_escape(suite.timestamp));
    out += ">\n";
    if (!suite.properties.empty()) {
      out += "    <properties>\n";
      for (const auto& [name, value] : suite.properties) {
        out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_escape(name), xml_escape(value));
      }
      out += "    </properties>\n";
    }
    for (const auto& test : suite.cases) {
      out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3f}\"", xml_escape(test.name),
                         xml_escape(test.classname.empty() ? suite.name : test.classname), test.time_seconds);
      if (!test.failure_message && !test.skipped && test.system_out.empty()) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      if (test.failure_message) {
        out += fmt::format("      <failure message=\"{}\">{}</failure>\n", xml_escape(*test.failure_message),
                           xml_escape(test.failure_text));
      }
      if (test.skipped) {
        out += test.skipped_message.empty()
                   ? std::string("      <skipped/>\n")
                   : fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(test.skipped_message));
      }
      if (!test.system_out.empty()) out += "      <system-out>" + xml_escape(test.system_out) + "</system-out>\n";
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace rsolv::report
