// rsolv-sandbox: the RSOLV platform contract on loopback. Parses arguments and calls the library.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "rsolv/cli/parse.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/common/secret.hpp"
#include "rsolv/sandbox/server/rate_limiter.hpp"
#include "rsolv/sandbox/server/serve.hpp"

namespace {
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
}  // namespace

int main(int argc, char** argv) {
  namespace server = rsolv::sandbox::server;
  CLI::App app{"rsolv-sandbox: the RSOLV platform API (docs/platform-contract.md) on loopback, backed by SQLite"};
  app.set_version_flag("--version", std::string("rsolv-sandbox ") + RSOLV_VERSION);
  app.require_subcommand(1);

  server::ServeOptions serve;
  std::vector<std::string> secrets;
  std::string onboard_rate = "10/3600";
  std::string api_rate = "500/3600";
  std::string access_log;
  auto* serve_cmd = app.add_subcommand("serve", "serve the platform API over HTTP/1.1");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->capture_default_str();
  serve_cmd->add_flag("--allow-remote", serve.allow_remote, "allow a non-loopback --listen address");
  serve_cmd->add_option("--db", serve.db, "SQLite database file (created when missing)")->required();
  serve_cmd->add_option("--webhook-secret", secrets,
                        "Stripe endpoint secret whsec_...; repeat for rotation (default: $RSOLV_WEBHOOK_SECRET)");
  serve_cmd->add_option("--pro-price-id", serve.pro_price_id, "Stripe price id of the Pro plan")->capture_default_str();
  serve_cmd->add_option("--rate-limit-onboard", onboard_rate, "onboarding limit per client IP, N/SECONDS")
      ->capture_default_str();
  serve_cmd->add_option("--rate-limit-api", api_rate, "authenticated /api/v1/* limit per API key, N/SECONDS")
      ->capture_default_str();
  int threads = 0;
  rsolv::cli::threads_option(*serve_cmd, threads, "worker threads (default: one per core)");
  serve_cmd->add_option("--access-log", access_log, "JSON-lines access log: a FILE, or - for stdout");

  std::string seed_db;
  std::string seed_out;
  auto* seed_cmd = app.add_subcommand("seed", "create the nine seeded customer states and write their keys");
  seed_cmd->add_option("--db", seed_db, "SQLite database file (created when missing)")->required();
  seed_cmd->add_option("--out", seed_out, "JSON file for the API keys (written with mode 0600)")->required();

  if (const auto exit_code = rsolv::cli::parse(app, argc, argv, "rsolv-sandbox", std::cout, std::cerr)) return *exit_code;

  try {
    if (*serve_cmd) {
      for (auto& secret : secrets) serve.webhook_secrets.emplace_back(std::move(secret));
      serve.webhook_secrets = server::webhook_secrets_or_env(std::move(serve.webhook_secrets));
      serve.onboard = server::parse_rate_limit(onboard_rate);
      serve.api = server::parse_rate_limit(api_rate);
      if (!access_log.empty()) serve.access_log = access_log;
      if (threads > 0) serve.threads = static_cast<std::size_t>(threads);
      server::serve(serve, std::cout);
    } else if (*seed_cmd) {
      server::seed(seed_db, seed_out, std::cout);
    }
  } catch (const rsolv::UsageError& error) {
    std::cerr << "rsolv-sandbox: error: " << error.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << "rsolv-sandbox: error: " << error.what() << "\n";
    return kExitError;
  }
  return 0;
}
