#include "rsolv/security/finding.hpp"

#include "rsolv/common/error.hpp"

namespace rsolv::security {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
    case Severity::critical: return "critical";
  }
  return "info";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::passed: return "passed";
    case Outcome::failed: return "failed";
    case Outcome::inconclusive: return "inconclusive";
  }
  return "inconclusive";
}

std::string_view to_string(Finding::Triage triage) {
  switch (triage) {
    case Finding::Triage::fresh: return "new";
    case Finding::Triage::in_baseline: return "baseline";
    case Finding::Triage::ignored: return "ignored";
  }
  return "new";
}

Severity parse_severity(std::string_view name) {
  for (auto severity : {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical}) {
    if (to_string(severity) == name) return severity;
  }
  throw UsageError("unknown severity '" + std::string(name) + "' (use info, low, medium, high or critical)");
}

std::string_view sarif_level(Severity severity) {
  switch (severity) {
    case Severity::critical:
    case Severity::high: return "error";
    case Severity::medium: return "warning";
    default: return "note";
  }
}

}  // namespace rsolv::security
