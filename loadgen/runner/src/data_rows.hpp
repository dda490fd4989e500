#pragma once
// Which row of each data source an iteration reads (`each:` of a scenario's `data:`). Costs a
// few integer operations per iteration, no allocation: the hot path stays as it was.
#include <cstdint>
#include <vector>

#include "prepared_plan.hpp"
#include "rsolv/loadgen/scenario/template.hpp"

namespace rsolv::loadgen::runner {

// Picks the rows of one iteration of `scenario` into `rows` (indexed by source). `unique` rows
// are striped over segments as VUs are (segment K of N takes rows K-1, K-1+N, ...), so the N
// processes of a segmented test together take each row once. False when a `unique` source with
// `exhausted: stop` has no row left for this segment: the scenario starts no more iterations.
bool take_rows(PreparedScenario& scenario, const std::vector<const scenario::DataTable*>& tables,
               std::int64_t global_vu, scenario::FastRandom& random, std::uint32_t* rows);

}  // namespace rsolv::loadgen::runner
