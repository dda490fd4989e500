#include "rsolv/loadgen/engine/url.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>

#include "rsolv/common/error.hpp"
#include "rsolv/http/url.hpp"

namespace rsolv::loadgen::engine {

std::string Origin::str() const { return std::string(tls ? "https://" : "http://") + host_header; }

std::pair<std::string_view, std::string_view> split_origin(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {std::string_view(), url};
  const auto path_start = url.find_first_of("/?", scheme_end + 3);
  if (path_start == std::string_view::npos) return {url, std::string_view()};
  return {url.substr(0, path_start), url.substr(path_start)};
}

// The parsing rules are harness/http's (shared with the action's transport); this maps its parts
// to what a connection is bound to.
Url parse_url(std::string_view text) {
  http::Url parsed;
  try {
    parsed = http::parse_url(text);
  } catch (const Error& error) {
    throw UsageError(error.what());
  }
  // Requests never carry URL credentials, and a run measuring 401s would be worthless: refuse them.
  if (!parsed.userinfo.empty()) {
    throw UsageError("URL " + http::url_for_log(parsed) +
                     " has user:password@ credentials, which are not sent: put them in an Authorization header");
  }
  Url url;
  url.origin.tls = parsed.scheme == "https";
  url.origin.host = parsed.host;
  url.origin.port = static_cast<std::uint16_t>(std::stoi(parsed.port));  // 1 to 65535, checked by the parser
  url.origin.host_header = parsed.authority(false);
  url.target = parsed.target;
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
