#include "rsolv/sandbox/testing/sandbox_process.hpp"

#include <stdexcept>

#include "rsolv/common/random.hpp"

namespace rsolv::sandbox::testing {

namespace {

std::vector<std::string> serve_args(const SandboxProcess& sandbox, const SandboxOptions& options) {
  std::vector<std::string> args = {"serve",     "--listen", "127.0.0.1:0", "--db", sandbox.db_path().string(),
                                   "--threads", options.threads};
  if (!options.rate_limit_api.empty()) args.insert(args.end(), {"--rate-limit-api", options.rate_limit_api});
  if (!options.rate_limit_onboard.empty()) args.insert(args.end(), {"--rate-limit-onboard", options.rate_limit_onboard});
  if (options.access_log) args.insert(args.end(), {"--access-log", sandbox.access_log_path().string()});
  if (options.pass_secret_flag) args.insert(args.end(), {"--webhook-secret", sandbox.secret()});
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  return args;
}

}  // namespace

std::string sandbox_binary() { return std::string(RSOLV_BIN_DIR) + "/rsolv-sandbox"; }

SandboxProcess::SandboxProcess(SandboxOptions options)
    : dir_("rsolv-sandbox-test"),
      secret_(options.webhook_secret.empty() ? "whsec_test_" + Random().base62(24) : options.webhook_secret) {
  if (options.seed) {
    const auto seeded = process::run(sandbox_binary(), {"seed", "--db", db_path().string(), "--out", keys_path().string()});
    if (seeded.exit_code != 0) throw std::runtime_error("rsolv-sandbox seed failed: " + seeded.err);
    keys_ = nlohmann::json::parse(rsolv::testing::read_file(keys_path()));
  }
  process::ServerOptions server;
  server.executable = sandbox_binary();
  server.args = serve_args(*this, options);
  if (!options.pass_secret_flag) server.env.emplace_back("RSOLV_WEBHOOK_SECRET", secret_);
  server.env.insert(server.env.end(), options.env.begin(), options.env.end());
  server.ready_by = process::ReadyBy::first_stdout_line;
  server.health_path = options.health_path;
  server.stdout_file = stdout_path().string();
  server.stderr_file = stderr_path().string();
  server_ = std::make_unique<process::ServerProcess>(process::ServerProcess::start(server));
}

SandboxProcess::~SandboxProcess() = default;

const nlohmann::json& SandboxProcess::seeded_customer(const std::string& state) const {
  if (!keys_.is_null()) {
    for (const auto& customer : keys_.at("customers")) {
      if (customer.at("state") == state) return customer;
    }
  }
  throw std::runtime_error("no seeded customer in state " + state);
}

std::string SandboxProcess::key(const std::string& state) const {
  return seeded_customer(state).at("api_key").get<std::string>();
}

std::optional<std::string> SandboxProcess::stripe_customer(const std::string& state) const {
  const auto& id = seeded_customer(state).at("stripe_customer_id");
  if (id.is_null()) return std::nullopt;
  return id.get<std::string>();
}

}  // namespace rsolv::sandbox::testing
