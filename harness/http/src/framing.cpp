#include "framing.hpp"

#include "rsolv/common/strings.hpp"
#include "rsolv/http/url.hpp"

namespace rsolv::http {

namespace bhttp = boost::beast::http;

namespace {
// Client text echoed in an error: visible ASCII only (a JSON body must stay valid UTF-8).
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) out += (c > 0x20 && c < 0x7f) ? c : '?';
  return out;
}
}  // namespace

std::size_t leading_blank_lines(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes[pos] == '\n') {
      ++pos;
    } else if (bytes[pos] == '\r' && pos + 1 < bytes.size() && bytes[pos + 1] == '\n') {
      pos += 2;
    } else {
      break;
    }
  }
  return pos;
}

std::optional<std::size_t> find_header_end(std::string_view bytes, std::size_t from) {
  // Back up so an end split across reads ("\r\n" + "\r\n") is still seen.
  std::size_t pos = from > 3 ? from - 3 : 0;
  for (;;) {
    pos = bytes.find('\n', pos);
    if (pos == std::string_view::npos) return std::nullopt;
    if (pos + 1 < bytes.size() && bytes[pos + 1] == '\n') return pos + 2;
    if (pos + 2 < bytes.size() && bytes[pos + 1] == '\r' && bytes[pos + 2] == '\n') return pos + 3;
    ++pos;
  }
}

bool has_obs_fold(std::string_view header) {
  for (std::size_t pos = header.find('\n'); pos != std::string_view::npos && pos + 1 < header.size();
       pos = header.find('\n', pos + 1)) {
    if (header[pos + 1] == ' ' || header[pos + 1] == '\t') return true;
  }
  return false;
}

std::optional<std::string> framing_problem(const bhttp::fields& fields) {
  std::size_t codings = 0;
  bool chunked_last = false;
  std::string first_unknown;
  const auto [first, last] = fields.equal_range(bhttp::field::transfer_encoding);
  for (auto field = first; field != last; ++field) {
    const std::string_view value(field->value().data(), field->value().size());
    std::size_t pos = 0;
    while (pos <= value.size()) {
      auto comma = value.find(',', pos);
      if (comma == std::string_view::npos) comma = value.size();
      const auto token = trim(value.substr(pos, comma - pos), " \t");
      if (!token.empty()) {
        ++codings;
        chunked_last = iequals(token, "chunked");
        if (!chunked_last && first_unknown.empty()) first_unknown = printable(token.substr(0, 64));
      }
      pos = comma + 1;
    }
  }
  const bool has_te = fields.find(bhttp::field::transfer_encoding) != fields.end();
  if (has_te && fields.find(bhttp::field::content_length) != fields.end()) {
    return "Transfer-Encoding together with Content-Length makes the body length ambiguous; send one.";
  }
  if (has_te && !first_unknown.empty()) {
    return "Transfer-Encoding '" + first_unknown + "' is not supported; only 'chunked' is.";
  }
  if (has_te && (codings != 1 || !chunked_last)) {
    return "Transfer-Encoding must be exactly 'chunked', once.";
  }
  if (fields.count(bhttp::field::host) > 1) return "A request must carry one Host field, not several.";
  return std::nullopt;
}

}  // namespace rsolv::http
