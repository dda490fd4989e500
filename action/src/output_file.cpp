#include "rsolv/action/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rsolv/common/error.hpp"

namespace rsolv::action {

std::string format_output(std::string_view name, std::string_view value, Random& random) {
  if (name.empty() || name.find_first_of("=<\r\n") != std::string_view::npos) {
    throw Error("output name '" + std::string(name) + "' cannot be written to GITHUB_OUTPUT");
  }
  if (value.find_first_of("\r\n") == std::string_view::npos) {
    return std::string(name) + "=" + std::string(value) + "\n";
  }
  // The runner ends the value at the first line equal to the delimiter, so it must not occur in it.
  std::string delimiter;
  do {
    delimiter = "ghadelimiter_" + random.uuid_v4();
  } while (value.find(delimiter) != std::string_view::npos);
  return std::string(name) + "<<" + delimiter + "\n" + std::string(value) + "\n" + delimiter + "\n";
}

std::string format_outputs(const Outputs& outputs, Random& random) {
  std::string out;
  for (const auto& [name, value] : outputs) out += format_output(name, value, random);
  return out;
}

AppendFile::AppendFile(const std::string& path, std::string label) : path_(path), label_(std::move(label)) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw Error("cannot open " + label_ + " file " + path + ": " + std::strerror(errno) +
                " (the runner must give the action a writable file)");
  }
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

void AppendFile::append(std::string_view content) {
  std::size_t written = 0;
  while (written < content.size()) {
    const auto n = ::write(fd_, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw Error("cannot write to " + label_ + " file " + path_ + ": " + std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace rsolv::action
