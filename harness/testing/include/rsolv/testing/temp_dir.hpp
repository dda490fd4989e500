#pragma once
// A scratch directory for a test, and whole-file reads and writes of what goes in it.
#include <filesystem>
#include <string>

namespace rsolv::testing {

// A fresh directory under the system temp dir ("<prefix>-XXXXXX"), removed with its contents.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "rsolv-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // The path of `name` inside, as a string for command lines.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Writes `content` to `name` inside and returns its path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// The whole file as bytes ("" when it cannot be opened: a missing log reads as empty).
std::string read_file(const std::filesystem::path& path);
// Replaces the file's content.
void write_file(const std::filesystem::path& path, const std::string& content);

}  // namespace rsolv::testing
