#pragma once
// Report files are written whole or not at all: a temp file in the same directory, fsync, rename,
// fsync of the directory. A crash or a full disk never leaves a truncated report behind.
#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace rsolv::report {

// Throws rsolv::Error naming the path and the OS reason; the previous file, if any, stays intact
// and no temp file is left.
// Reports are meant to be read by others (CI artifacts), hence 0644; files holding secrets pass 0600.
void write_file_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode = 0644);

}  // namespace rsolv::report
