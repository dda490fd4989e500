#pragma once
// The two commands of rsolv-sandbox, as library functions main.cpp calls after parsing arguments.
#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/common/secret.hpp"
#include "rsolv/sandbox/server/rate_limiter.hpp"

namespace rsolv::sandbox::server {

struct ServeOptions {
  std::string listen = "127.0.0.1:4000";
  bool allow_remote = false;
  std::string db;
  std::vector<Secret> webhook_secrets;  // any of them verifies (secret rotation)
  std::string pro_price_id = "price_pro_monthly";
  RateLimit onboard{10, 3600};
  RateLimit api{500, 3600};
  std::size_t threads = 0;  // 0: one per core
  std::optional<std::string> access_log;  // "-" for stdout
};

// Opens the database, binds, prints "listening on http://HOST:PORT" as the first stdout line and
// serves until SIGTERM/SIGINT; then finishes in-flight requests and closes the database.
// Throws rsolv::UsageError for bad options (non-loopback without allow_remote, no secret) and
// rsolv::Error when the database or the address cannot be opened.
void serve(const ServeOptions& options, std::ostream& out);

// Seeds the nine customer states (docs/platform-contract.md#seeded-customer-states) into `db` and writes their keys to `out_file`
// ({"customers":[{state, api_key, customer_id, email, stripe_customer_id, credit_balance}]}),
// atomically and with mode 0600 since it holds raw keys. Prints one summary line per customer
// (never the key) to `summary`.
void seed(const std::string& db, const std::filesystem::path& out_file, std::ostream& summary);

// temp file (0600) in the same directory, fsync, rename, fsync of the directory.
void write_private_file_atomic(const std::filesystem::path& path, std::string_view content);

// The secret from RSOLV_WEBHOOK_SECRET when no --webhook-secret was given.
std::vector<Secret> webhook_secrets_or_env(std::vector<Secret> from_flags);

}  // namespace rsolv::sandbox::server
