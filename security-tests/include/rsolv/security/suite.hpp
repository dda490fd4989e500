#pragma once
// A suite is a named set of checks against one target; the runner picks suites by name.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/security/finding.hpp"
#include "rsolv/security/probe.hpp"

namespace rsolv::security {

struct SuiteContext {
  Probe& probe;
  const Target& target;
  std::function<void(std::string_view)> progress;  // one line per check, for a TTY
};

class Suite {
 public:
  virtual ~Suite() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual std::vector<CheckResult> run(SuiteContext& context) = 0;
};

std::unique_ptr<Suite> make_pci_suite();
std::unique_ptr<Suite> make_sqli_suite();
std::unique_ptr<Suite> make_webhooks_suite();
std::unique_ptr<Suite> make_rate_limit_suite();
std::unique_ptr<Suite> make_auth_suite();
std::unique_ptr<Suite> make_mass_assignment_suite();
std::unique_ptr<Suite> make_bola_suite();
std::unique_ptr<Suite> make_business_logic_suite();
std::unique_ptr<Suite> make_race_suite();

// Every suite, in the order they run (rate-limit last: it uses up the limits).
std::vector<std::unique_ptr<Suite>> all_suites();

// Runs `body`, times it, counts its requests, and turns its findings into a CheckResult: failed
// with findings, passed without, inconclusive when the body met NoAnswer.
CheckResult run_check(SuiteContext& context, std::string_view suite, std::string name,
                      const std::function<std::vector<Finding>(std::string& detail)>& body);

// A finding for `rule_id` with the rule's title, severity and remediation.
Finding make_finding(std::string_view rule_id, std::string location, std::string evidence, std::string title = {});

}  // namespace rsolv::security
