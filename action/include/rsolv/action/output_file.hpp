#pragma once
// The runner's file commands: $GITHUB_OUTPUT ("name=value" lines, or "name<<DELIM" heredocs for
// multi-line values) and $GITHUB_STEP_SUMMARY (Markdown), both appended to.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rsolv/common/random.hpp"

namespace rsolv::action {

using Outputs = std::vector<std::pair<std::string, std::string>>;

// "name=value\n" for a one-line value; "name<<ghadelimiter_<random>\nvalue\nghadelimiter_<random>\n"
// when the value holds a CR or LF, with a delimiter drawn until it occurs nowhere in the value.
// Throws rsolv::Error for a name the runner could not parse back (empty, '=', '<', CR/LF).
std::string format_output(std::string_view name, std::string_view value, Random& random);
std::string format_outputs(const Outputs& outputs, Random& random);

// A file the runner gave us, opened for appending up front (before privileges are dropped) and
// written with one write(2) per block, so a block is never interleaved or half there.
// Not temp+rename: the runner owns the file and reads it back by path after the step.
class AppendFile {
 public:
  // Creates the file (mode 0644) when missing; throws rsolv::Error naming `label` and the reason.
  AppendFile(const std::string& path, std::string label);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  void append(std::string_view content);
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::string label_;
};

}  // namespace rsolv::action
