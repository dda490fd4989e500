#pragma once
// Helpers of the run tests: scenario files in a temp directory, the real binary, its summary.
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rsolv/process/server.hpp"
#include "rsolv/testing/loopback.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace rsolv::loadgen::testing {

inline const std::string kLoadgen = std::string(RSOLV_BIN_DIR) + "/rsolv-loadgen";

using rsolv::testing::TempDir;

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// metrics.<name>.values.<key> of a summary, or -1 when absent.
inline double metric(const nlohmann::json& summary, const std::string& name, const std::string& key) {
  const auto& metrics = summary.at("metrics");
  if (!metrics.contains(name)) return -1;
  const auto& values = metrics.at(name).at("values");
  return values.contains(key) ? values.at(key).get<double>() : -1;
}

inline process::CommandResult loadgen(const std::vector<std::string>& args,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                      const std::string& stdin_data = {}) {
  return process::run(kLoadgen, args, {{"NO_COLOR", "1"}}, timeout, stdin_data);
}

// One request (GET unless told) to /metrics of a --metrics-listen port on 127.0.0.1 (the server
// closes after answering); "" when nothing listens.
inline std::string scrape(int port, const std::string& method = "GET") {
  const int fd = rsolv::testing::connect_to_loopback(port);
  if (fd < 0) return "";
  const std::string request = method + " /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  (void)::send(fd, request.data(), request.size(), 0);
  std::string out;
  char buffer[65536];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) out.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

}  // namespace rsolv::loadgen::testing
