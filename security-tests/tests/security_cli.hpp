#pragma once
// Runs the real rsolv-security binary with a target file in a directory and reads back every
// report it wrote (console, JSON, SARIF, JUnit), for the end-to-end tests.
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/process/server.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace rsolv::security::testing {

inline const std::string kSecurityBinary = std::string(RSOLV_BIN_DIR) + "/rsolv-security";

struct SecurityRun {
  rsolv::process::CommandResult result;
  nlohmann::json report;  // --json, null when not written
  std::string sarif, junit;
  std::chrono::duration<double> wall{0};
  std::set<std::string> rule_ids() const {
    std::set<std::string> ids;
    if (report.is_null()) return ids;
    for (const auto& check : report.value("checks", nlohmann::json::array())) {
      for (const auto& finding : check.at("findings")) ids.insert(finding.at("rule_id").get<std::string>());
    }
    return ids;
  }
  std::size_t findings() const { return report.is_null() ? 0 : report.at("summary").at("findings").get<std::size_t>(); }
};

// `dir/target.yaml` must exist; reports go to dir/r.json, r.sarif, r.xml (removed first).
inline SecurityRun run_security(const std::filesystem::path& dir, const std::vector<std::string>& extra,
                                const std::vector<std::pair<std::string, std::string>>& env = {},
                                std::chrono::milliseconds timeout = std::chrono::milliseconds(300000)) {
  for (const auto* name : {"r.json", "r.sarif", "r.xml"}) std::filesystem::remove(dir / name);
  std::vector<std::string> args = {"run", "--target", (dir / "target.yaml").string(), "--json", (dir / "r.json").string(),
                                   "--sarif", (dir / "r.sarif").string(), "--junit", (dir / "r.xml").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  SecurityRun run;
  const auto started = std::chrono::steady_clock::now();
  run.result = rsolv::process::run(kSecurityBinary, args, env, timeout);
  run.wall = std::chrono::steady_clock::now() - started;
  if (std::filesystem::exists(dir / "r.json")) run.report = nlohmann::json::parse(rsolv::testing::read_file(dir / "r.json"));
  if (std::filesystem::exists(dir / "r.sarif")) run.sarif = rsolv::testing::read_file(dir / "r.sarif");
  if (std::filesystem::exists(dir / "r.xml")) run.junit = rsolv::testing::read_file(dir / "r.xml");
  return run;
}

}  // namespace rsolv::security::testing
