#include "rsolv/config/bounded_file.hpp"

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
  // One byte past the limit, never the whole file: it may not end.
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw ConfigError(name + ": cannot read file");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_bytes) {
    throw ConfigError(name + ": larger than " + std::to_string(max_bytes) + " bytes (limit " + std::to_string(max_bytes) +
                      " bytes for " + what + ")");
  }
  return text;
}

}  // namespace rsolv::config
