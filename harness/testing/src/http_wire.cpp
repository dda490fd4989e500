#include "http_wire.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

#include "rsolv/common/strings.hpp"

namespace rsolv::testing::wire {

namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

namespace {

// Reads from fd into pending until it holds at least `size` bytes.
bool fill(int fd, std::string& pending, std::size_t size) {
  char buffer[8192];
  while (pending.size() < size) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

// Reads until pending holds `delimiter` at or after `from`; returns its offset.
std::optional<std::size_t> fill_until(int fd, std::string& pending, std::string_view delimiter, std::size_t from) {
  constexpr std::size_t kLimit = 64u << 20;  // a test server: refuse absurd requests
  std::size_t found;
  while ((found = pending.find(delimiter, from)) == std::string::npos) {
    if (pending.size() > kLimit || !fill(fd, pending, pending.size() + 1)) return std::nullopt;
  }
  return found;
}

std::optional<std::size_t> parse_size(std::string_view text, int base) {
  if (text.empty()) return std::nullopt;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Decodes a chunked body starting at `offset`; returns the offset just past it.
std::optional<std::size_t> read_chunked(int fd, std::string& pending, std::size_t offset, std::string& body) {
  while (true) {
    const auto line_end = fill_until(fd, pending, "\r\n", offset);
    if (!line_end) return std::nullopt;
    std::string_view size_line(pending.data() + offset, *line_end - offset);
    size_line = size_line.substr(0, size_line.find(';'));  // chunk extensions
    while (!size_line.empty() && size_line.back() == ' ') size_line.remove_suffix(1);
    const auto size = parse_size(size_line, 16);
    if (!size) return std::nullopt;
    offset = *line_end + 2;
    if (*size == 0) {
      // Trailers, if any, end with an empty line.
      const auto end = fill_until(fd, pending, "\r\n", offset);
      if (!end) return std::nullopt;
      if (*end == offset) return offset + 2;
      const auto trailers_end = fill_until(fd, pending, "\r\n\r\n", offset);
      if (!trailers_end) return std::nullopt;
      return *trailers_end + 4;
    }
    if (!fill(fd, pending, offset + *size + 2)) return std::nullopt;
    body.append(pending, offset, *size);
    offset += *size + 2;
  }
}

}  // namespace

std::optional<RawRequest> read_request(int fd, std::string& pending) {
  const auto head_end_found = fill_until(fd, pending, "\r\n\r\n", 0);
  if (!head_end_found) return std::nullopt;
  const auto head_end = *head_end_found;
  RawRequest request;
  const auto head = pending.substr(0, head_end);
  const auto line_end = head.find("\r\n");
  const auto request_line = head.substr(0, line_end);
  const auto first_space = request_line.find(' ');
  const auto second_space = request_line.find(' ', first_space + 1);
  if (first_space == 0 || first_space == std::string::npos || second_space == std::string::npos) return std::nullopt;
  const auto version = request_line.substr(second_space + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return std::nullopt;
  request.parsed.method = request_line.substr(0, first_space);
  if (!std::all_of(request.parsed.method.begin(), request.parsed.method.end(),
                   [](unsigned char c) { return std::isupper(c) || c == '-' || c == '_'; })) {
    return std::nullopt;
  }
  request.parsed.target = request_line.substr(first_space + 1, second_space - first_space - 1);
  if (version == "HTTP/1.0") request.keep_alive = false;
  std::optional<std::size_t> content_length;
  bool chunked = false;
  std::size_t position = line_end == std::string::npos ? head.size() : line_end + 2;
  while (position < head.size()) {
    auto next = head.find("\r\n", position);
    if (next == std::string::npos) next = head.size();
    const auto line = head.substr(position, next - position);
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    const auto value = std::string(trim(line.substr(colon + 1), " \t"));
    const auto name = line.substr(0, colon);
    request.parsed.headers.emplace_back(name, value);
    const auto key = to_lower(name);
    if (key == "content-length") {
      content_length = parse_size(value, 10);
      if (!content_length) return std::nullopt;
    }
    if (key == "transfer-encoding") chunked = to_lower(value).find("chunked") != std::string::npos;
    if (key == "connection" && to_lower(value) == "close") request.keep_alive = false;
    if (key == "connection" && to_lower(value) == "keep-alive") request.keep_alive = true;
    position = next + 2;
  }
  std::size_t total = head_end + 4;
  if (chunked) {
    const auto end = read_chunked(fd, pending, total, request.parsed.body);
    if (!end) return std::nullopt;
    total = *end;
  } else if (content_length) {
    if (!fill(fd, pending, total + *content_length)) return std::nullopt;
    request.parsed.body = pending.substr(total, *content_length);
    total += *content_length;
  }
  pending.erase(0, total);
  return request;
}

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string render_response(int status, const Headers& headers, const std::string& body, bool keep_alive,
                            bool with_body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    out += name + ": " + value + "\r\n";
    has_type = has_type || to_lower(name) == "content-type";
  }
  if (!has_type) out += "Content-Type: application/json\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return with_body ? out + body : out;
}

std::string forward(const std::string& upstream, const RawRequest& request) {
  // upstream: http://127.0.0.1:PORT
  const auto scheme_end = upstream.find("://");
  const auto host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const auto colon = upstream.find(':', host_start);
  if (colon == std::string::npos) return {};
  const auto host = upstream.substr(host_start, colon - host_start);
  auto port_text = std::string_view(upstream).substr(colon + 1);
  port_text = port_text.substr(0, port_text.find('/'));
  const auto port = parse_size(port_text, 10);
  if (!port || *port == 0 || *port > 65535) return {};
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(*port));
  if (::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &address.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return {};
  }
  // Rewrite the head so the upstream closes after answering (then EOF frames the response) and the
  // body, de-chunked when read, goes with a Content-Length.
  std::string bytes = request.parsed.method + " " + request.parsed.target + " HTTP/1.1\r\n";
  bool had_length = false;
  for (const auto& [name, value] : request.parsed.headers) {
    const auto key = to_lower(name);
    had_length = had_length || key == "content-length" || key == "transfer-encoding";
    if (key == "connection" || key == "content-length" || key == "transfer-encoding") continue;
    bytes += name + ": " + value + "\r\n";
  }
  if (had_length || !request.parsed.body.empty()) {
    bytes += "Content-Length: " + std::to_string(request.parsed.body.size()) + "\r\n";
  }
  bytes += "Connection: close\r\n\r\n" + request.parsed.body;
  std::string response;
  if (send_all(fd, bytes)) {
    char buffer[8192];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) response.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return response;
}

}  // namespace rsolv::testing::wire
