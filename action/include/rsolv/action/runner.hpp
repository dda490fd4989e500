#pragma once
// One run of rsolv-action: resolve inputs, call the platform, write outputs, summary and
// annotations, and return the exit code (0 ok, 1 refused or API error, 2 bad input).
#include <optional>
#include <string>

#include "rsolv/action/console.hpp"
#include "rsolv/action/inputs.hpp"
#include "rsolv/common/clock.hpp"
#include "rsolv/common/random.hpp"

namespace rsolv::action {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;

struct RunOptions {
  Flags flags;
  std::optional<std::string> output_file;  // --output FILE: the outputs as a JSON object
};

// True when GITHUB_ACTIONS=true.
bool on_runner(const EnvLookup& env);

// `console` must already have protect()ed the key (main does this first thing).
int run(const RunOptions& options, const EnvLookup& env, Console& console, Clock& clock, Random& random);

}  // namespace rsolv::action
