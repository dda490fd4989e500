#include "rsolv/config/bounded_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "rsolv/config/yaml_loader.hpp"

namespace rsolv::config {

std::string read_bounded_file(const std::string& path, std::size_t max_bytes, const std::string& what,
                              const std::string& label) {
  const auto& name = label.empty() ? path : label;
  // An ifstream opens a directory without complaint and reads nothing: say what happened instead.
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) throw ConfigError(name + ": is a directory (give a file, not a folder)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(name + ": cannot open file (check the path and permissions)");
  // Up to one byte past the limit, never the whole file: it may not end. In blocks, so that a large
  // limit costs memory only for what the file holds.
  std::string text;
  constexpr std::size_t kBlock = 64 * 1024;
  while (text.size() <= max_bytes && in) {
    const auto before = text.size();
    text.resize(before + std::min(kBlock, max_bytes + 1 - before));
    in.read(text.data() + before, static_cast<std::streamsize>(text.size() - before));
    text.resize(before + static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw ConfigError(name + ": cannot read file");
  if (text.size() > max_bytes) {
    throw ConfigError(name + ": larger than " + std::to_string(max_bytes) + " bytes (limit " + std::to_string(max_bytes) +
                      " bytes for " + what + ")");
  }
  return text;
}

}  // namespace rsolv::config
