#pragma once
// Execution segments (--segment K/N), after k6's execution segments: segment K of N runs a
// deterministic slice of every executor, and the N slices add up exactly to the whole test.
// Everything is striped: VU number j (1-based) and iteration number g (0-based) of the whole
// test belong to segment ((j-1) mod N) + 1 and (g mod N) + 1. A segment's share of any count is
// therefore monotonic in the count (a ramp never loses a VU on the way up), the shares of the N
// segments sum to the count at every moment, and VU numbers stay unique across machines.
// Work is never handed to a segment without a VU to do it: arrival-rate iterations are striped
// over the min(N, VUs) segments that own VUs, and shared iterations follow the VUs they go
// round-robin to (see executors/src/executor_types.hpp).
#include <cstdint>
#include <string>
#include <string_view>

namespace rsolv::loadgen::executors {

struct Segment {
  std::int64_t index = 1;  // K, 1-based
  std::int64_t count = 1;  // N

  bool whole() const { return count == 1; }
  // How many of the first `total` units (VUs, iterations) belong to this segment.
  std::int64_t share(std::int64_t total) const { return total <= 0 ? 0 : (total + count - index) / count; }
  // Global VU number (1-based) of this segment's i-th VU (0-based).
  std::int64_t global_vu(std::int64_t i) const { return i * count + index; }
  // Global iteration number (0-based) of this segment's n-th iteration (0-based).
  std::int64_t global_iteration(std::int64_t n) const { return n * count + (index - 1); }
  std::string str() const { return std::to_string(index) + "/" + std::to_string(count); }
  bool operator==(const Segment&) const = default;
};

// "K/N" with 1 <= K <= N <= 1000; throws rsolv::UsageError otherwise.
Segment parse_segment(std::string_view text);

}  // namespace rsolv::loadgen::executors
