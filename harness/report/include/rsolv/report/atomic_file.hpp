#pragma once
// Report files are written whole or not at all: a temp file in the same directory, fsync, rename,
// fsync of the directory. A crash or a full disk never leaves a truncated report behind.
#include <filesystem>
#include <string_view>

namespace rsolv::report {

// Throws rsolv::Error naming the path and the OS reason; the previous file, if any, stays intact
// and no temp file is left.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace rsolv::report
