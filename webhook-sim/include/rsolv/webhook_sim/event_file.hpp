#pragma once
// The events `replay` sends, read from what an engineer has at hand: JSON lines as `listen --out`
// writes them (with --print-events) or as `flow --print` prints them, a JSON array of events,
// Stripe's list object `{"object":"list","data":[...]}` (`stripe events list`, the API's
// GET /v1/events), or one event. Any event type, also ones the catalogue does not know.
// Bounded: the file's size, the number of events, JSON nesting; a bad file is one UsageError line
// naming where (LABEL:LINE:COL for a line or document, "item N" inside an array or list).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rsolv::webhook_sim {

inline constexpr std::size_t kMaxReplayFileBytes = 64 * 1024 * 1024;  // replay file limit
inline constexpr std::size_t kMaxReplayEvents = 100'000;             // events per replay

struct EventFile {
  std::vector<nlohmann::json> events;  // in the file's order
  // `listen` lines with nothing to replay: refused deliveries, types --events skipped, bodies
  // that were not JSON.
  std::size_t skipped_lines = 0;
};

// `label` names the input in errors (the path, or "<stdin>").
EventFile parse_event_file(std::string_view text, const std::string& label);
// A path, or "-" for standard input (the same size limit).
EventFile load_event_file(const std::string& path);

}  // namespace rsolv::webhook_sim
