#include "rsolv/report/json_report.hpp"

#include <nlohmann/json.hpp>

#include "rsolv/report/atomic_file.hpp"

namespace rsolv::report {

void write_json_file(const std::filesystem::path& path, const nlohmann::json& json, int indent) {
  write_file_atomic(path, json.dump(indent) + "\n");
}

}  // namespace rsolv::report
