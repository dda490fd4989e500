#include "rsolv/webhook_sim/expectation.hpp"

#include <algorithm>

#include "rsolv/common/error.hpp"

namespace rsolv::webhook_sim {

Expectation Expectation::parse(const std::string& text) {
  Expectation out;
  out.text_ = text;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const auto item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const bool is_class = item.size() == 3 && item[0] >= '1' && item[0] <= '5' && (item.substr(1) == "xx" || item.substr(1) == "XX");
    const bool is_code = item.size() == 3 && std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                         item[0] >= '1' && item[0] <= '5';
    if (is_class) {
      out.classes_.push_back(item[0] - '0');
    } else if (is_code) {
      out.codes_.push_back(std::stol(item));
    } else {
      throw UsageError("--expect takes status codes or classes separated by commas (2xx, 401, 200,422), not '" +
                       text + "'");
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

bool Expectation::matches(long status) const {
  if (status <= 0) return false;
  if (codes_.empty() && classes_.empty()) return true;
  return std::find(codes_.begin(), codes_.end(), status) != codes_.end() ||
         std::find(classes_.begin(), classes_.end(), status / 100) != classes_.end();
}

}  // namespace rsolv::webhook_sim
