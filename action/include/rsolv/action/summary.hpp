#pragma once
// The Markdown appended to $GITHUB_STEP_SUMMARY: a heading, a one-line verdict and a two-column table.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rsolv::action {

using SummaryRows = std::vector<std::pair<std::string, std::string>>;

// Escapes a table cell: '|' -> '\|', CR/LF -> space, and Markdown/HTML active characters
// (`*_<>[]\) backslash-escaped so an API message cannot inject links or markup.
std::string escape_markdown_cell(std::string_view text);

std::string render_summary(std::string_view heading, std::string_view verdict, const SummaryRows& rows);

// "$29.00" for 2900 cents.
std::string format_cents(long long cents);

}  // namespace rsolv::action
