#pragma once
// Ctrl-C and SIGTERM as stop requests for a run: the handler only increments a counter the run's
// coordinator polls (async-signal-safe), so the first signal stops gracefully and still writes
// every report, and the second interrupts running iterations.
#include <atomic>

namespace rsolv::loadgen::runner {

// Installs handlers for SIGINT and SIGTERM (and ignores SIGPIPE); returns the counter they bump.
const std::atomic<int>& install_stop_signals();

}  // namespace rsolv::loadgen::runner
