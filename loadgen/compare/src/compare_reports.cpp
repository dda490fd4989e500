// How a comparison is shown: a text table, the verdict lines, JUnit and HTML (the run report's
// formatting and page style, so values read the same in every report).
#include <cmath>
#include <cstdio>

#include "rsolv/loadgen/compare/compare.hpp"
#include "rsolv/loadgen/output/presentation.hpp"
#include "rsolv/report/junit.hpp"

namespace rsolv::loadgen::compare {

namespace {


std::string value_text(const Row& row, double v) {
  if (row.type == metrics::MetricType::rate) return output::format_percent(v);
  if (row.type == metrics::MetricType::counter && row.stat == "rate") return output::format_number(v) + "/s";
  if (row.type == metrics::MetricType::counter && row.contains != metrics::ValueKind::data)
    return output::format_number(v);
  return output::format_value(v, row.contains);
}

std::string percent_text(double percent, bool sign = true) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, sign ? "%+.1f%%" : "%.1f%%", percent);
  return buffer;
}

std::string change_text(const Row& row) { return row.change_percent ? percent_text(*row.change_percent) : "new (0 before)"; }

std::string limit_text(const Limit& limit) {
  return std::string(limit.lower_is_worse ? "-" : "+") + output::format_number(limit.percent) + "%";
}

std::string verdict_text(const Row& row) {
  switch (row.verdict) {
    case Verdict::shown: return "";
    case Verdict::ok: return "ok";
    case Verdict::regressed: return "REGRESSED";
    case Verdict::too_few_samples: return "too few samples (needs " + std::to_string(row.samples_needed) + ")";
  }
  return "";
}

// Display width of UTF-8 text (µ is one column, two bytes).
std::size_t width(const std::string& text) {
  std::size_t n = 0;
  for (const unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string what_happened(const Row& row) {
  const bool rose = row.current >= row.baseline;
  return row.selector + " " + row.stat + (rose ? " rose " : " fell ") +
         (row.change_percent ? percent_text(std::fabs(*row.change_percent), false) : std::string("from 0")) +
         " (limit " + limit_text(*row.limit) + "): " + value_text(row, row.baseline) + " -> " + value_text(row, row.current);
}

std::string samples_text(const Row& row) {
  return row.selector + " " + row.stat + ": baseline has " + std::to_string(row.baseline_samples) + " samples, current " +
         std::to_string(row.current_samples) + "; " + row.stat + " needs at least " + std::to_string(row.samples_needed) +
         " in each run (run longer or at a higher rate)";
}

const char* outcome_text(Outcome outcome) {
  switch (outcome) {
    case Outcome::passed: return "no limit exceeded";
    case Outcome::regressed: return "regressed";
    case Outcome::inconclusive: return "inconclusive: too few samples";
  }
  return "";
}

}  // namespace

std::string render_table(const RunComparison& c) {
  std::vector<std::vector<std::string>> cells{{"metric", "stat", "baseline", "current", "change", "limit", "verdict"}};
  for (const auto& row : c.rows) {
    cells.push_back({row.selector, row.stat, value_text(row, row.baseline), value_text(row, row.current), change_text(row),
                     row.limit ? limit_text(*row.limit) : "", verdict_text(row)});
  }
  std::vector<std::size_t> widths(cells.front().size(), 0);
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], width(line[i]));
  }
  std::string out = "compare: " + c.baseline_label + " (baseline) -> " + c.current_label + " (current)\n";
  for (const auto& note : c.notes) out += "note: " + note + "\n";
  out += "\n";
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const bool numeric = i >= 2 && i <= 5;
      const std::string pad(widths[i] - width(line[i]), ' ');
      text += (i == 0 ? "  " : "  ") + (numeric ? pad + line[i] : line[i] + (i + 1 < line.size() ? pad : ""));
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  out += "\nresult: " + std::string(outcome_text(c.outcome)) + "\n";
  return out;
}

std::vector<std::string> verdict_lines(const RunComparison& c) {
  std::vector<std::string> lines;
  for (const auto& row : c.rows) {
    if (row.verdict == Verdict::regressed) lines.push_back("regression: " + what_happened(row));
  }
  for (const auto& row : c.rows) {
    if (row.verdict == Verdict::too_few_samples) lines.push_back("cannot judge " + samples_text(row));
  }
  return lines;
}

std::string render_junit(const RunComparison& c) {
  report::JUnitSuite suite;
  suite.name = (c.name.empty() ? std::string("rsolv-loadgen") : c.name) + " compare";
  suite.properties = {{"baseline", c.baseline_label}, {"current", c.current_label}};
  for (const auto& row : c.rows) {
    if (!row.limit) continue;
    report::JUnitCase k;
    k.name = row.limit->source;
    k.classname = "compare." + row.selector.substr(0, row.selector.find('{'));
    k.system_out = value_text(row, row.baseline) + " -> " + value_text(row, row.current) + " (" + change_text(row) + ")";
    if (row.verdict == Verdict::regressed) {
      k.failure_message = what_happened(row);
      k.failure_text = *k.failure_message;
    } else if (row.verdict == Verdict::too_few_samples) {
      k.skipped = true;
      k.skipped_message = "cannot judge " + samples_text(row);
    }
    suite.cases.push_back(std::move(k));
  }
  return report::render_junit({suite});
}

std::string render_html(const RunComparison& c) {
  const auto& esc = output::html_escape;
  const bool passed = c.outcome == Outcome::passed;
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  h += "<title>" + esc(c.name) + " — rsolv-loadgen compare</title><style>" + std::string(output::html_style()) +
       "</style></head><body>\n";
  h += "<h1>" + esc(c.name) + " compared <span class=\"badge " + (passed ? "pass" : "fail") + "\">" +
       esc(outcome_text(c.outcome)) + "</span></h1>\n";
  h += "<p class=\"meta\">baseline " + esc(c.baseline_label) + " → current " + esc(c.current_label) + "</p>\n";
  for (const auto& note : c.notes) h += "<p class=\"bad\">" + esc(note) + "</p>\n";
  const auto lines = verdict_lines(c);
  if (!lines.empty()) {
    h += "<ul>";
    for (const auto& line : lines) h += "<li class=\"bad\">" + esc(line) + "</li>";
    h += "</ul>\n";
  }
  h += "<table><tr><th>metric</th><th>stat</th><th>baseline</th><th>current</th><th>change</th><th>limit</th>"
       "<th>samples (baseline / current)</th><th>verdict</th></tr>\n";
  for (const auto& row : c.rows) {
    const char* cls = row.verdict == Verdict::ok ? "ok" : row.verdict == Verdict::shown ? "" : "bad";
    h += "<tr><td>" + esc(row.selector) + "</td><td>" + esc(row.stat) + "</td><td class=\"n\">" +
         esc(value_text(row, row.baseline)) + "</td><td class=\"n\">" + esc(value_text(row, row.current)) +
         "</td><td class=\"n\">" + esc(change_text(row)) + "</td><td class=\"n\">" +
         (row.limit ? esc(limit_text(*row.limit)) : "") + "</td><td class=\"n\">" +
         (row.type == metrics::MetricType::gauge
              ? ""
              : std::to_string(row.baseline_samples) + " / " + std::to_string(row.current_samples)) +
         "</td><td class=\"" + cls + "\">" + esc(verdict_text(row)) + "</td></tr>\n";
  }
  h += "</table>\n</body></html>\n";
  return h;
}

}  // namespace rsolv::loadgen::compare
