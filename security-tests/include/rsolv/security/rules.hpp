#pragma once
// The catalogue of rules the suites can report, so SARIF lists every rule with its help text even
// when no result refers to it, and ids stay stable across releases.
#include <string_view>
#include <vector>

#include "rsolv/security/finding.hpp"

namespace rsolv::security {

struct Rule {
  std::string_view id;
  std::string_view suite;
  std::string_view name;  // PascalCase, SARIF's rule name
  std::string_view short_description;
  std::string_view help;
  Severity default_severity;
};

const std::vector<Rule>& rules();
const Rule& rule(std::string_view id);  // throws rsolv::Error for an unknown id
// "API3:2023" (OWASP API Security Top 10, 2023) for a rule that maps onto one, else empty.
std::string_view owasp_api_category(std::string_view rule_id);

}  // namespace rsolv::security
