#include "rsolv/sandbox/server/serve.hpp"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <memory>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>
#include <algorithm>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/report/atomic_file.hpp"
#include "rsolv/sandbox/platform.hpp"
#include "rsolv/sandbox/server/app.hpp"
#include "rsolv/http/server.hpp"
#include "rsolv/sandbox/server/listen_address.hpp"

namespace rsolv::sandbox::server {

std::vector<Secret> webhook_secrets_or_env(std::vector<Secret> from_flags) {
  if (!from_flags.empty()) return from_flags;
  if (const char* env = std::getenv("RSOLV_WEBHOOK_SECRET"); env != nullptr && *env != '\0') {
    from_flags.emplace_back(env);
  }
  return from_flags;
}

void serve(const ServeOptions& options, std::ostream& out) {
  const ListenAddress listen = parse_listen_address(options.listen);
  if (!listen.is_loopback() && !options.allow_remote) {
    throw UsageError("refusing to listen on " + listen.host +
                     ": the sandbox serves test keys without TLS; use a loopback address or pass --allow-remote");
  }
  if (options.webhook_secrets.empty()) {
    throw UsageError("no webhook secret: pass --webhook-secret whsec_... or set RSOLV_WEBHOOK_SECRET");
  }
  for (const auto& secret : options.webhook_secrets) {
    if (secret.empty()) throw UsageError("an empty --webhook-secret was given: pass the endpoint's whsec_... secret");
  }
  if (options.db.empty()) throw UsageError("--db is required: the SQLite file to serve from");

  http::ServerOptions server_options;
  server_options.host = listen.host;
  server_options.port = listen.port;
  server_options.threads = options.threads;

  PlatformConfig config;
  config.db_path = options.db;
  config.webhook_secrets = options.webhook_secrets;
  config.pro_price_id = options.pro_price_id;
  // One connection per worker: a worker holds at most one while it handles a request.
  config.connections = std::max<std::size_t>(2, options.threads == 0 ? std::thread::hardware_concurrency() : options.threads);

  // Process-wide SQLite settings, before the first connection opens. Every connection is leased
  // to one worker at a time (the platform's pool), so SQLite's per-connection mutexes are not
  // needed (multi-thread mode), and its global memory statistics mutex is pure contention.
  sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

  // Destruction order is the shutdown order: server (threads joined) -> app -> platform (DB closed).
  Platform platform(std::move(config), SystemClock::instance());
  App app(platform, AppOptions{options.onboard, options.api, options.access_log}, SystemClock::instance());
  auto server = std::make_unique<http::Server>(server_options, app);
  const ListenAddress bound{server->bound_host(), server->bound_port()};
  out << "listening on " << bound.url() << std::endl;  // the first stdout line; flushed
  server->run();
  // Every worker has finished. A repeated SIGTERM from a supervisor must not kill the process
  // while the database closes: block it (the worker threads are gone, this is the only thread).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  server.reset();
}

void write_private_file_atomic(const std::filesystem::path& path, std::string_view content) {
  report::write_file_atomic(path, content, 0600);  // raw API keys: owner only
}

void seed(const std::string& db, const std::filesystem::path& out_file, std::ostream& summary) {
  if (db.empty()) throw UsageError("--db is required: the SQLite file to seed");
  PlatformConfig config;
  config.db_path = db;
  config.connections = 1;
  Platform platform(std::move(config), SystemClock::instance());
  const auto customers = platform.seed();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& customer : customers) {
    list.push_back({
        {"state", customer.state},
        {"api_key", customer.api_key},
        {"customer_id", customer.customer_id},
        {"email", customer.email},
        {"stripe_customer_id",
         customer.stripe_customer_id ? nlohmann::json(*customer.stripe_customer_id) : nlohmann::json(nullptr)},
        {"credit_balance", customer.credit_balance},
    });
  }
  write_private_file_atomic(out_file, nlohmann::json{{"customers", list}}.dump(2) + "\n");
  for (const auto& customer : customers) {
    summary << "seeded " << customer.state << ": customer " << customer.customer_id << ", " << customer.credit_balance
            << " credits\n";
  }
  summary << "keys written to " << out_file.string() << " (mode 0600)" << std::endl;
}

}  // namespace rsolv::sandbox::server
