#pragma once
// webhook-sim/flows/*.yaml, compiled in by CMakeLists.txt (embedded_flows.cpp.in).
#include <string_view>
#include <utility>
#include <vector>

namespace rsolv::webhook_sim::detail {

const std::vector<std::pair<std::string_view, std::string_view>>& embedded_flows();

}  // namespace rsolv::webhook_sim::detail
