#pragma once
// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub test reporters): <testsuites> of
// <testsuite> of <testcase>, with <failure>, <skipped> and <system-out>.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rsolv::report {

struct JUnitCase {
  std::string name;
  std::string classname;
  double time_seconds = 0;
  std::optional<std::string> failure_message;  // set: the case failed
  std::string failure_text;
  bool skipped = false;
  std::string system_out;
  std::string skipped_message;  // why it was skipped, as <skipped message="..."/>
};

struct JUnitSuite {
  std::string name;
  std::vector<JUnitCase> cases;
  double time_seconds = 0;
  std::string timestamp;  // ISO 8601, optional
  std::vector<std::pair<std::string, std::string>> properties;
};

std::string render_junit(const std::vector<JUnitSuite>& suites);
// Escapes the five XML specials and drops characters XML 1.0 forbids (control characters).
std::string xml_escape(std::string_view text);

}  // namespace rsolv::report
