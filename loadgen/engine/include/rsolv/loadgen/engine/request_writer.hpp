#pragma once
// HTTP/1.1 request serialisation into a caller-owned buffer that keeps its capacity between
// requests (no allocation per request once warm).
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>

namespace rsolv::loadgen::engine {

inline void append_request_line_start(std::string& out, std::string_view method) {
  out.append(method);
  out.push_back(' ');
}

inline void append_request_line_end(std::string& out) { out.append(" HTTP/1.1\r\n"); }

inline void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

inline void append_content_length(std::string& out, std::size_t length) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, length).ptr;
  out.append("Content-Length: ");
  out.append(digits, static_cast<std::size_t>(end - digits));
  out.append("\r\n");
}

inline void append_end_of_headers(std::string& out) { out.append("\r\n"); }

// Methods whose requests carry a body (so Content-Length: 0 is sent even for an empty one).
inline bool method_has_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace rsolv::loadgen::engine
