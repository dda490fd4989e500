#pragma once
// Internal to output/ (and the compare report, which includes it privately): what every HTML page
// of rsolv-loadgen shares, so the run report and the comparison look and escape alike.
#include <string>
#include <string_view>

namespace rsolv::loadgen::output::detail {

// HTML-escaped; "://" is broken up so no user text (a URL in a step name) reads as a reference.
std::string html_escape(std::string_view text);
// The page's inline CSS (no external resource: reports open offline from a CI artefact).
std::string_view html_style();

}  // namespace rsolv::loadgen::output::detail
