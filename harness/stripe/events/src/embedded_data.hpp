#pragma once
// The templates/*.json files, compiled in by CMake (embedded_data.cpp.in) so that the tools need
// no data files at run time.
#include <string_view>
#include <utility>
#include <vector>

namespace rsolv::stripe::events::detail {

// (file name without .json, content)
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();

}  // namespace rsolv::stripe::events::detail
