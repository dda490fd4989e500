#pragma once
// URLs as the load generator needs them: an origin (scheme, host, port) that a connection is bound
// to, and a request target (path and query) sent on it. Origins are resolved once, before the run.
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace rsolv::loadgen::engine {

struct Origin {
  bool tls = false;
  std::string host;         // lower case, without brackets for IPv6
  std::uint16_t port = 0;
  std::string host_header;  // "host" or "host:port" when the port is not the scheme's default

  std::string str() const;  // "http://host:port"
  bool operator==(const Origin&) const = default;
};

struct Url {
  Origin origin;
  std::string target;  // "/path?query", never empty
};

// Accepts http:// and https:// URLs by rsolv::http::parse_url's rules, without user:password@;
// throws rsolv::UsageError naming the URL (never its credentials) and the problem.
Url parse_url(std::string_view text);
// Splits an absolute URL into its origin part ("http://h:p") and the rest ("/path?q"), without
// validating; used by the scenario parser to keep templated paths apart from static origins.
std::pair<std::string_view, std::string_view> split_origin(std::string_view url);

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  bool loopback() const;
  std::string str() const;
};

// getaddrinfo, first result; throws rsolv::UsageError when the host does not resolve.
Address resolve(const Origin& origin);

}  // namespace rsolv::loadgen::engine
