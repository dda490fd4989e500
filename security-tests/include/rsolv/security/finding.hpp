#pragma once
// A security finding as every report format needs it: a stable rule id, what was seen (request and
// response excerpts with secrets redacted), where (the endpoint URL), and how to fix it.
#include <string>
#include <string_view>
#include <vector>

namespace rsolv::security {

enum class Severity { info, low, medium, high, critical };

std::string_view to_string(Severity severity);
// Throws rsolv::UsageError for an unknown name ("low", "medium", ...).
Severity parse_severity(std::string_view name);
// SARIF result level: error for high/critical, warning for medium, note below.
std::string_view sarif_level(Severity severity);

struct Finding {
  std::string rule_id;   // e.g. "RSOLV-PCI-001"
  std::string suite;     // pci, sqli, webhooks, rate-limit, auth
  std::string title;     // one line
  Severity severity = Severity::medium;
  std::string location;  // METHOD URL of the endpoint
  std::string subject;   // what on the endpoint (an input, a kind of key): tells findings of one rule apart
  std::string evidence;  // request/response excerpt, secrets and card numbers redacted
  std::string remediation;
  // What CI makes of it: new findings decide the exit code; ones in the --baseline SARIF or
  // covered by an --ignore entry are still reported, marked.
  enum class Triage { fresh, in_baseline, ignored };
  Triage triage = Triage::fresh;
  std::string ignore_reason;
};

std::string_view to_string(Finding::Triage triage);

// passed: the target answered and behaved; failed: confirmed findings; inconclusive: the target
// gave no usable answer (no answer, timeout, rate-limited, --max-duration reached), so the check
// proves nothing either way.
enum class Outcome { passed, failed, inconclusive };
std::string_view to_string(Outcome outcome);

// A check that ran, whatever its result: reports list passes too (JUnit test cases).
struct CheckResult {
  std::string suite;
  std::string name;
  Outcome outcome = Outcome::passed;
  double seconds = 0;
  std::vector<Finding> findings;  // empty unless failed
  std::string detail;             // what was checked, or why it is inconclusive
  std::size_t requests = 0;       // requests the check sent
};

}  // namespace rsolv::security
