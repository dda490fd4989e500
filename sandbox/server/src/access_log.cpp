#include "rsolv/sandbox/server/access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "rsolv/common/error.hpp"

namespace rsolv::sandbox::server {

namespace {

std::string utc_timestamp_millis(std::chrono::system_clock::time_point time) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[40];
  const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(millis % 1000));
  return text;
}

// Methods come from the client; an unknown one is logged by length-capped name only.
std::string_view capped(std::string_view text, std::size_t limit) { return text.substr(0, limit); }

}  // namespace

std::string format_access_record(const AccessRecord& record) {
  nlohmann::json line = {
      {"ts", utc_timestamp_millis(record.time)},
      {"method", std::string(capped(record.method, 16))},
      {"route", std::string(record.route)},
      {"status", record.status},
      {"duration_ms", static_cast<double>(record.duration.count()) / 1000.0},
      {"bytes", record.bytes},
      {"ip", std::string(record.client_ip)},
      {"request_id", std::string(record.request_id)},
  };
  // Invalid UTF-8 in a method name must not throw: replace it.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

AccessLog::AccessLog(const std::string& destination) {
  if (destination == "-") {
    file_ = stdout;
    return;
  }
  const int fd = ::open(destination.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    throw Error("cannot open access log " + destination + ": " + std::strerror(errno) +
                " (check the directory exists and is writable, or use --access-log -)");
  }
  file_ = ::fdopen(fd, "a");
  if (file_ == nullptr) {
    ::close(fd);
    throw Error("cannot open access log " + destination + ": " + std::strerror(errno));
  }
  owned_ = true;
}

AccessLog::~AccessLog() {
  if (owned_) std::fclose(file_);
  else std::fflush(file_);
}

void AccessLog::write(const AccessRecord& record) {
  const std::string line = format_access_record(record);
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

}  // namespace rsolv::sandbox::server
