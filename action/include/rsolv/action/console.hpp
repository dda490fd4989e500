#pragma once
// Everything the action prints goes through here, so that (1) the API key is masked before the
// first line in Actions and redacted from every line everywhere, (2) annotations and groups are
// workflow commands on a runner and plain readable lines in a terminal.
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/common/secret.hpp"

namespace rsolv::action {

enum class Level { notice, warning, error };

class Console {
 public:
  // actions: running on a GitHub runner (GITHUB_ACTIONS=true): workflow commands on stdout.
  Console(std::ostream& out, std::ostream& err, bool actions, bool verbose = false);

  bool actions() const { return actions_; }
  void set_verbose(bool verbose) { verbose_ = verbose; }

  // Registers a secret for redaction; on a runner the first registration of a value prints its
  // ::add-mask:: line(s) at once. Call before printing anything else.
  void protect(const Secret& secret);
  // Redacts registered secrets and anything shaped like an RSOLV key (rsolv_ + 20 or more
  // base64url characters), so a key that was never registered still cannot leak.
  std::string redact(std::string_view text) const;

  // A result line on stdout.
  void line(std::string_view text);
  // Runner: "::error title=..::message" (etc.) on stdout. Terminal: "rsolv-action: error: message"
  // on stderr (warnings and notices likewise), one line.
  void annotate(Level level, std::string_view title, std::string_view message);
  // Detail lines (HTTP attempts): inside a collapsed group on a runner; on stderr with --verbose.
  void begin_group(std::string_view title);
  void detail(std::string_view text);
  void end_group();

 private:
  void write(std::ostream& stream, std::string_view text);

  std::ostream& out_;
  std::ostream& err_;
  bool actions_;
  bool verbose_;
  bool in_group_ = false;
  std::vector<Secret> secrets_;
};

// Replaces rsolv_ + 20 or more base64url characters by "rsolv_...[redacted]".
std::string redact_key_shapes(std::string text);

}  // namespace rsolv::action
