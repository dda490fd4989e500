#include "rsolv/loadgen/runner/stop_signals.hpp"

#include <csignal>

namespace rsolv::loadgen::runner {

namespace {

// The one piece of process-wide state: signal handlers can reach nothing else.
std::atomic<int> g_stop_requests{0};

extern "C" void on_stop_signal(int) { g_stop_requests.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

const std::atomic<int>& install_stop_signals() {
  struct sigaction action{};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return g_stop_requests;
}

}  // namespace rsolv::loadgen::runner
