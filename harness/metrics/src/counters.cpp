#include "rsolv/metrics/counters.hpp"

namespace rsolv::metrics {

double Rate::rate() const {
  const auto all = total();
  return all ? static_cast<double>(hits()) / static_cast<double>(all) : 0.0;
}

}  // namespace rsolv::metrics
