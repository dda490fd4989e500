#pragma once
#include <nlohmann/json_fwd.hpp>

#include <filesystem>

namespace rsolv::report {

// Pretty-printed JSON plus a trailing newline, written atomically.
void write_json_file(const std::filesystem::path& path, const nlohmann::json& json, int indent = 2);

}  // namespace rsolv::report
