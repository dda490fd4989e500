#pragma once
// The structured access log: one JSON object per line with ts, method, route (the template, never
// the raw path or query), status, duration_ms, bytes, ip and request_id. By construction it has no
// field that could carry an API key, a webhook secret, a body or card data.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace rsolv::sandbox::server {

struct AccessRecord {
  std::chrono::system_clock::time_point time;
  std::string_view method;
  std::string_view route;
  int status = 0;
  std::chrono::microseconds duration{0};
  std::size_t bytes = 0;  // response body bytes
  std::string_view client_ip;
  std::string_view request_id;
};

// Formats one record as a JSON line (with the trailing newline).
std::string format_access_record(const AccessRecord& record);

class AccessLog {
 public:
  // "-" writes to stdout; anything else is a file opened for appending (created 0640).
  // Throws rsolv::Error naming the path when it cannot be opened.
  explicit AccessLog(const std::string& destination);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Thread-safe; each line is written whole and flushed, so a crash loses no logged request.
  void write(const AccessRecord& record);

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

}  // namespace rsolv::sandbox::server
