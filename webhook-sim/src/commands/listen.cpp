// `listen`: run the verifying receiver until SIGINT/SIGTERM or --max-requests.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <ostream>
#include <thread>

#include "rsolv/common/error.hpp"
#include "rsolv/config/duration.hpp"
#include "rsolv/webhook_sim/commands.hpp"
#include "rsolv/webhook_sim/listener.hpp"

namespace rsolv::webhook_sim {

namespace {

std::vector<int> parse_codes(const std::string& text) {
  std::vector<int> codes;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const auto item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    try {
      std::size_t used = 0;
      codes.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UsageError("--respond takes status codes separated by commas (e.g. 500,500,200), not '" + text + "'");
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return codes;
}

// "invoice.paid,customer.created" -> the types; empty and "*" mean every type, as in the Stripe CLI.
std::vector<std::string> split_types(const std::string& text) {
  std::vector<std::string> types;
  std::size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    const auto comma = text.find(',', pos);
    auto item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    std::erase(item, ' ');
    if (item == "*") return {};
    const bool shaped = !item.empty() && item.size() <= 100 && item.find('.') != std::string::npos &&
                        std::all_of(item.begin(), item.end(), [](char c) {
                          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
                        });
    if (!shaped) {
      throw UsageError("--events takes event types separated by commas (e.g. invoice.paid,customer.created), not '" +
                       item.substr(0, 100) + "'");
    }
    types.push_back(std::move(item));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return types;
}

}  // namespace

int run_listen(const ListenArgs& args, std::ostream& out, std::ostream& err) {
  ListenOptions options;
  options.address = args.listen;
  if (args.secret.empty() && args.extra_secrets.empty()) {
    throw UsageError("no webhook secret: pass --secret whsec_... (or set RSOLV_WEBHOOK_SECRET)");
  }
  if (!args.secret.empty()) options.secrets.emplace_back(args.secret);
  for (const auto& secret : args.extra_secrets) options.secrets.emplace_back(secret);
  check_range("--tolerance", args.tolerance, kToleranceRange);
  check_range("--invalid-status", args.invalid_status, kStatusRange);
  check_range("--max-requests", args.max_requests, kMaxRequestsRange);
  options.tolerance_seconds = args.tolerance;
  options.respond = parse_codes(args.respond);
  options.invalid_status = args.invalid_status;
  options.include_events = args.print_events;
  options.event_types = split_types(args.events);
  if (!args.forward_to.empty()) {
    ForwardOptions forward;
    forward.url = args.forward_to;
    check_forward_url(forward.url);  // before the secret: the URL is what a user typed last
    forward.secret = Secret(args.forward_secret.empty() ? args.secret : args.forward_secret);
    if (forward.secret.empty()) {
      throw UsageError("--forward-to needs the app's secret: --forward-secret whsec_... (or $RSOLV_FORWARD_SECRET, or --secret)");
    }
    const auto timeout = config::parse_duration(args.forward_timeout);
    forward.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    if (forward.timeout.count() <= 0 || forward.timeout > std::chrono::minutes(5)) {
      throw UsageError("--forward-timeout: '" + args.forward_timeout + "' not in range 1ms to 5m");
    }
    options.forward = std::move(forward);
  }
  options.max_requests = args.max_requests;

  std::ofstream file;
  if (!args.out_file.empty()) {
    file.open(args.out_file, std::ios::app);
    if (!file) throw Error("cannot open " + args.out_file + " for appending; check the directory and permissions");
  }
  std::mutex mutex;
  const auto sink = [&](const std::string& line) {
    std::lock_guard lock(mutex);
    if (!args.quiet) out << line << std::endl;
    if (file.is_open()) file << line << std::endl;  // flushed per line so a reader sees it at once
  };

  // Signals are taken by a waiting thread, so no handler touches shared state.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Listener listener(options, sink);
  out << "listening on http://" << listener.bound_address() << std::endl;
  std::thread waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    listener.stop();
  });
  listener.run();
  pthread_kill(waiter.native_handle(), SIGUSR1);  // wakes the waiter when the loop ended by itself
  waiter.join();
  err << "rsolv-webhook-sim: served " << listener.requests() << " requests\n";
  return kExitOk;
}

}  // namespace rsolv::webhook_sim
