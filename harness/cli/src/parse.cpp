#include "rsolv/cli/parse.hpp"

#include "rsolv/common/strings.hpp"

#include <algorithm>
#include <ostream>
#include <sstream>

namespace rsolv::cli {

namespace {

// CLI11 joins some messages with newlines; the contract is one line.
std::string one_line(std::string_view message) {
  std::string text(trim(message, " \n"));
  for (auto& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

std::optional<int> parse(CLI::App& app, int argc, const char* const* argv, std::string_view tool, std::ostream& out,
                         const UsageReporter& report) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help, --help-all and --version arrive as "errors" whose exit code is success.
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      std::ostringstream ignored;
      return app.exit(error, out, ignored);
    }
    report(one_line(error.what()) + " (run " + std::string(tool) + " --help)");
    return kExitUsage;
  }
  return std::nullopt;
}

std::optional<int> parse(CLI::App& app, int argc, const char* const* argv, std::string_view tool, std::ostream& out,
                         std::ostream& err) {
  return parse(app, argc, argv, tool, out,
               [&](const std::string& message) { err << tool << ": error: " << message << "\n"; });
}

CLI::Option* threads_option(CLI::App& app, int& threads, const std::string& description, int max) {
  max = std::clamp(max, 1, kMaxThreads);
  return app.add_option("--threads", threads, description + " (1 to " + std::to_string(max) + ")")
      ->check(CLI::Range(1, max));
}

}  // namespace rsolv::cli
