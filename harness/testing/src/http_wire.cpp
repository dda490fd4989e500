#include "http_wire.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace rsolv::testing::wire {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

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

std::optional<RawRequest> read_request(int fd, std::string& pending) {
  char buffer[8192];
  std::size_t head_end;
  while ((head_end = pending.find("\r\n\r\n")) == std::string::npos) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    pending.append(buffer, static_cast<std::size_t>(n));
    if (pending.size() > (1 << 20)) return std::nullopt;
  }
  RawRequest request;
  const auto head = pending.substr(0, head_end);
  const auto line_end = head.find("\r\n");
  const auto request_line = head.substr(0, line_end);
  const auto first_space = request_line.find(' ');
  const auto second_space = request_line.find(' ', first_space + 1);
  if (first_space == std::string::npos || second_space == std::string::npos) return std::nullopt;
  request.parsed.method = request_line.substr(0, first_space);
  request.parsed.target = request_line.substr(first_space + 1, second_space - first_space - 1);
  std::size_t content_length = 0;
  std::size_t position = line_end == std::string::npos ? head.size() : line_end + 2;
  while (position < head.size()) {
    auto next = head.find("\r\n", position);
    if (next == std::string::npos) next = head.size();
    const auto line = head.substr(position, next - position);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      const auto name = line.substr(0, colon);
      request.parsed.headers.emplace_back(name, value);
      const auto key = lower(name);
      if (key == "content-length") content_length = std::stoul(value);
      if (key == "connection" && lower(value) == "close") request.keep_alive = false;
    }
    position = next + 2;
  }
  const auto total = head_end + 4 + content_length;
  while (pending.size() < total) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
  request.parsed.body = pending.substr(head_end + 4, content_length);
  request.bytes = pending.substr(0, total);
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

std::string render_response(int status, const Headers& headers, const std::string& body, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    out += name + ": " + value + "\r\n";
    has_type = has_type || lower(name) == "content-type";
  }
  if (!has_type) out += "Content-Type: application/json\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out + body;
}

std::string forward(const std::string& upstream, const RawRequest& request) {
  // upstream: http://127.0.0.1:PORT
  const auto host_start = upstream.find("://") + 3;
  const auto colon = upstream.find(':', host_start);
  const auto host = upstream.substr(host_start, colon - host_start);
  const int port = std::stoi(upstream.substr(colon + 1));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return {};
  }
  // Rewrite the head so the upstream closes after answering: then EOF frames the response.
  std::string bytes = request.parsed.method + " " + request.parsed.target + " HTTP/1.1\r\n";
  for (const auto& [name, value] : request.parsed.headers) {
    if (lower(name) == "connection") continue;
    bytes += name + ": " + value + "\r\n";
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
