#pragma once
// The one place the tools turn CLI11's parse outcome into the documented contract: --help and
// --version print and exit 0; any bad command line (unknown flag or subcommand, missing or
// malformed option, value out of range) is ONE line "TOOL: error: WHAT (run TOOL --help)" on
// stderr and exit 2. CLI11's own App::exit would print two unprefixed lines and exit with its
// internal codes (105..120).
#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace rsolv::cli {

inline constexpr int kExitUsage = 2;

// Receives the one-line message ("--db is required (run rsolv-sandbox --help)") of a bad command line.
using UsageReporter = std::function<void(const std::string& message)>;

// Parses argv into `app`. Returns nothing when the tool should go on, or the exit code when it
// must stop now (0 after help or version, printed to `out`; kExitUsage after `report` got the
// message).
std::optional<int> parse(CLI::App& app, int argc, const char* const* argv, std::string_view tool, std::ostream& out,
                         const UsageReporter& report);
// The same, reporting "TOOL: error: ..." on `err`.
std::optional<int> parse(CLI::App& app, int argc, const char* const* argv, std::string_view tool, std::ostream& out,
                         std::ostream& err);

// A worker-thread count flag's accepted range, shared by every tool that has --threads: at least
// one, and at most kMaxThreads (each thread costs a stack and an event loop; thousands only
// exhaust memory before the first request).
// A tool may bound it lower (`max`, e.g. rsolv-loadgen's 4 per core); the error names the range.
inline constexpr int kMaxThreads = 256;
CLI::Option* threads_option(CLI::App& app, int& threads, const std::string& description, int max = kMaxThreads);

}  // namespace rsolv::cli
