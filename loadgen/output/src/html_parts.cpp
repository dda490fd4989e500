#include "rsolv/loadgen/output/presentation.hpp"

namespace rsolv::loadgen::output {

namespace {

constexpr std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#1b1f24;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a}.badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
.pass{background:#1a7f37}.fail{background:#cf222e}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}.card span{color:#57606a;font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid #eaeef2;padding:4px 8px;text-align:left}
th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
figure{margin:8px 0}svg.chart{width:100%;height:auto;border:1px solid #eaeef2;border-radius:6px;background:#fff}
svg .grid{stroke:#eaeef2;stroke-width:1}svg .axis{font-size:11px;fill:#57606a}svg .title{font-size:13px;font-weight:600;fill:#1b1f24}
)";

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '/':
        out += (i > 0 && text[i - 1] == ':') || (i > 1 && text[i - 1] == '/' && text[i - 2] == ':') ? "&#47;" : "/";
        break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string_view html_style() { return kStyle; }

}  // namespace rsolv::loadgen::output
