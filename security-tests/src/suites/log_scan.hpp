#pragma once
// Reading the target's log files for the PCI suite, bounded: a log may be gigabytes, endless
// (/dev/zero, a FIFO) or one line that never ends, and must cost neither the run's memory nor its time.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace rsolv::security {

struct LogScanLimits {
  std::size_t max_bytes = 256 * 1024 * 1024;  // per file: a regular file's last bytes, else its first
  std::size_t max_line_bytes = 1024 * 1024;   // a longer line is scanned in overlapping pieces
};

struct LogScan {
  bool opened = false;
  std::size_t bytes_scanned = 0;
  bool limited = false;  // the file held more than max_bytes: only part of it was scanned
};

// Calls `visit(line, number)` for each line (or piece of an over-long line) until it returns
// false. A regular file larger than the limit is scanned from max_bytes before its end, where the
// probes' own requests were logged.
LogScan scan_log_lines(const std::string& path, const std::function<bool(std::string_view line, long number)>& visit,
                       const LogScanLimits& limits = {});

}  // namespace rsolv::security
