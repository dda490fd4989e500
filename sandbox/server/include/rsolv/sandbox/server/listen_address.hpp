#pragma once
// `--listen HOST:PORT` for the sandbox: literal IPv4, [IPv6] or "localhost"; port 0 picks a free one.
#include <cstdint>
#include <string>
#include <string_view>

namespace rsolv::sandbox::server {

struct ListenAddress {
  std::string host;  // a literal address ("127.0.0.1", "::1")
  std::uint16_t port = 0;
  bool is_loopback() const;
  // "http://127.0.0.1:4000" / "http://[::1]:4000"
  std::string url() const;
};

// Throws rsolv::UsageError naming the text when it is not HOST:PORT with a literal address.
ListenAddress parse_listen_address(std::string_view text);

}  // namespace rsolv::sandbox::server
