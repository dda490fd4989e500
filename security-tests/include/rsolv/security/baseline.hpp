#pragma once
// So that CI fails only on new findings: a previous run's SARIF (--baseline) and an ignore file
// with a reason per entry (--ignore). Findings they cover are still reported, marked, and never
// change the exit code.
//
//   # rsolv-security ignore file
//   ignore:
//     - rule: RSOLV-PCI-004
//       route: GET /api/v1/customers/me   # optional: every route when absent
//       subject: missing key              # optional: the input or kind of key the finding names
//       reason: served by the edge with no-store added (SEC-123)   # required
//       expires: 2027-01-31               # optional: from this day on the finding counts again
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rsolv/security/reports.hpp"

namespace rsolv::security {

struct IgnoreEntry {
  std::string rule;
  std::string route;    // "GET api/v1/customers/me" (as route_of gives it), empty: any
  std::string subject;  // empty: any
  std::string reason;
  std::string expires;  // YYYY-MM-DD, empty: never
  std::string at;       // file:line of the entry
};

// The rsolvFinding fingerprints of an rsolv-security SARIF file. Throws rsolv::UsageError (one
// line naming the file) for a missing, oversized (64 MiB) or foreign file.
std::set<std::string> load_baseline_sarif(const std::string& path);

// Throws config::ConfigError with file:line:col for a malformed entry (a missing reason, an
// unknown rule, a bad date).
std::vector<IgnoreEntry> load_ignore_file(const std::string& path);
std::vector<IgnoreEntry> parse_ignore_file(const std::string& text, const std::string& label);

// Marks every finding of the run: in the baseline, ignored (with its reason) or new. `today` is
// YYYY-MM-DD (UTC) for expiry.
void apply_triage(RunSummary& run, const std::set<std::string>& baseline, const std::vector<IgnoreEntry>& ignores,
                  const std::string& today);

}  // namespace rsolv::security
