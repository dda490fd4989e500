#include "data_rows.hpp"

namespace rsolv::loadgen::runner {

bool take_rows(PreparedScenario& scenario, const std::vector<const scenario::DataTable*>& tables,
               std::int64_t global_vu, scenario::FastRandom& random, std::uint32_t* rows) {
  const executors::Segment& segment = scenario.executor->segment();
  for (std::size_t u = 0; u < scenario.data.size(); ++u) {
    const scenario::DataUse& use = scenario.data[u];
    const scenario::DataTable* table = tables[static_cast<std::size_t>(use.source)];
    const auto count = table != nullptr ? static_cast<std::int64_t>(table->rows()) : 0;
    auto& row = rows[use.source];
    if (count == 0) {
      row = 0;
      continue;
    }
    switch (use.each) {
      case scenario::DataOrder::vu: row = static_cast<std::uint32_t>((global_vu - 1) % count); break;
      case scenario::DataOrder::iteration:
        row = static_cast<std::uint32_t>(scenario.data_taken[u].fetch_add(1, std::memory_order_relaxed) % count);
        break;
      case scenario::DataOrder::random:
        row = static_cast<std::uint32_t>(random.next() % static_cast<std::uint64_t>(count));
        break;
      case scenario::DataOrder::unique: {
        const std::int64_t share = segment.share(count);
        const std::int64_t taken = scenario.data_taken[u].fetch_add(1, std::memory_order_relaxed);
        if (taken >= share && use.exhausted == scenario::DataExhausted::stop) return false;
        // wrap: this segment's rows again (the whole table when it has none of its own).
        row = static_cast<std::uint32_t>(share > 0 ? segment.global_iteration(taken % share) : taken % count);
        break;
      }
    }
  }
  return true;
}

}  // namespace rsolv::loadgen::runner
