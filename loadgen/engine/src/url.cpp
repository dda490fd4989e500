#include "rsolv/loadgen/engine/url.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

#include "rsolv/common/error.hpp"

namespace rsolv::loadgen::engine {

namespace {

[[noreturn]] void bad(std::string_view url, const std::string& why) {
  throw UsageError("invalid URL '" + std::string(url) + "': " + why);
}

}  // namespace

std::string Origin::str() const { return std::string(tls ? "https://" : "http://") + host_header; }

std::pair<std::string_view, std::string_view> split_origin(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {std::string_view(), url};
  const auto path_start = url.find_first_of("/?", scheme_end + 3);
  if (path_start == std::string_view::npos) return {url, std::string_view()};
  return {url.substr(0, path_start), url.substr(path_start)};
}

Url parse_url(std::string_view text) {
  Url url;
  std::string_view rest;
  if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else if (text.starts_with("https://")) {
    url.origin.tls = true;
    rest = text.substr(8);
  } else {
    bad(text, "it must start with http:// or https://");
  }
  const auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) bad(text, "user:password@ in URLs is not supported (send a header)");
  if (const auto hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  std::string_view host = authority;
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) bad(text, "unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') bad(text, "unexpected text after the IPv6 address");
      port_text = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  if (host.empty()) bad(text, "the host is empty");
  int port = url.origin.tls ? 443 : 80;
  if (!port_text.empty()) {
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
      bad(text, "the port must be a number from 1 to 65535");
    }
  }
  url.origin.host = std::string(host);
  url.origin.port = static_cast<std::uint16_t>(port);
  const bool default_port = port == (url.origin.tls ? 443 : 80);
  const std::string bracketed = host.find(':') != std::string_view::npos ? "[" + url.origin.host + "]" : url.origin.host;
  url.origin.host_header = default_port ? bracketed : bracketed + ":" + std::to_string(port);
  if (path.empty()) {
    url.target = "/";
  } else if (path[0] == '?') {
    url.target = "/" + std::string(path);
  } else {
    url.target = std::string(path);
  }
  return url;
}

bool Address::loopback() const {
  if (storage.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (storage.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) return in6->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

std::string Address::str() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (storage.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
  inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  return "[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port));
}

Address resolve(const Origin& origin) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  const auto port = std::to_string(origin.port);
  const int rc = getaddrinfo(origin.host.c_str(), port.c_str(), &hints, &result);
  if (rc != 0 || result == nullptr) {
    throw UsageError("cannot resolve host '" + origin.host + "': " + gai_strerror(rc) + " (check the URL)");
  }
  Address address;
  std::memcpy(&address.storage, result->ai_addr, result->ai_addrlen);
  address.length = static_cast<socklen_t>(result->ai_addrlen);
  freeaddrinfo(result);
  return address;
}

}  // namespace rsolv::loadgen::engine
