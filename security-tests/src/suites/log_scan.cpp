#include "log_scan.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace rsolv::security {

LogScan scan_log_lines(const std::string& path, const std::function<bool(std::string_view line, long number)>& visit,
                       const LogScanLimits& limits) {
  LogScan scan;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return scan;
  std::ifstream in(path, std::ios::binary);
  if (!in) return scan;
  scan.opened = true;
  const auto size = std::filesystem::is_regular_file(path, error) ? std::filesystem::file_size(path, error) : 0;
  if (!error && size > limits.max_bytes) {
    in.seekg(static_cast<std::streamoff>(size - limits.max_bytes));
    scan.limited = true;
  }
  // A card number split between two pieces of an over-long line is still seen whole in the
  // overlap carried into the next piece.
  constexpr std::size_t kOverlap = 64;
  std::string line;
  std::string block(64 * 1024, '\0');
  long number = 0;
  while (scan.bytes_scanned < limits.max_bytes && in) {
    in.read(block.data(), static_cast<std::streamsize>(std::min(block.size(), limits.max_bytes - scan.bytes_scanned)));
    const auto got = static_cast<std::size_t>(in.gcount());
    scan.bytes_scanned += got;
    for (std::size_t start = 0; start < got;) {
      const auto newline = std::find(block.begin() + static_cast<std::ptrdiff_t>(start),
                                     block.begin() + static_cast<std::ptrdiff_t>(got), '\n');
      const auto end = static_cast<std::size_t>(newline - block.begin());
      line.append(block, start, end - start);
      start = end + 1;
      if (end < got) {
        if (!visit(line, ++number)) return scan;
        line.clear();
      } else if (line.size() >= limits.max_line_bytes) {
        if (!visit(line, number + 1)) return scan;
        line.erase(0, line.size() - kOverlap);
      }
    }
  }
  if (in && scan.bytes_scanned >= limits.max_bytes && in.peek() != std::char_traits<char>::eof()) scan.limited = true;
  if (!line.empty()) visit(line, ++number);
  return scan;
}

}  // namespace rsolv::security
