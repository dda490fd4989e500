#pragma once
// Whole-file reads with a size limit, for every file a configuration names: the file may be
// /dev/zero, a pipe that never ends or a multi-gigabyte log, and must not take the process with it.
#include <cstddef>
#include <string>

namespace rsolv::config {

// Reads at most `max_bytes` of `path`. Throws ConfigError "LABEL: larger than N bytes (limit N
// bytes for WHAT)", "LABEL: cannot open file ...", or "LABEL: is a directory ...", where LABEL is
// `path` unless `label` is given.
std::string read_bounded_file(const std::string& path, std::size_t max_bytes, const std::string& what,
                              const std::string& label = {});

}  // namespace rsolv::config
