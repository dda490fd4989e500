#pragma once
// How rsolv-loadgen shows values and pages, shared by a run's reports and `compare`'s: numbers,
// durations, bytes and percentages as k6 prints them, HTML escaping, and the pages' one style.
#include <string>
#include <string_view>

#include "rsolv/loadgen/metrics/metric_set.hpp"

namespace rsolv::loadgen::output {

std::string format_number(double value);                          // "12.35", "1234", "0.001"
std::string format_duration_ms(double ms);                        // "512µs", "12.35ms", "1.23s", "2m3.4s"
std::string format_bytes(double bytes);                           // "940 B", "1.2 kB", "3.4 MB" (SI, as k6)
std::string format_value(double value, metrics::ValueKind kind);  // by the metric's kind
std::string format_percent(double share);                         // "98.50%"

// HTML-escaped; "://" is broken up so no user text (a URL in a step name) reads as a reference.
std::string html_escape(std::string_view text);
// The pages' inline CSS (no external resource: reports open offline from a CI artefact).
std::string_view html_style();

}  // namespace rsolv::loadgen::output
