#include "rsolv/sandbox/server/listen_address.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "rsolv/common/error.hpp"
#include "rsolv/http/url.hpp"

namespace rsolv::sandbox::server {

// The tools' one loopback rule; Asio's alone would call ::ffff:127.0.0.1 remote.
bool ListenAddress::is_loopback() const { return http::is_loopback_host(host); }

std::string ListenAddress::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ListenAddress parse_listen_address(std::string_view text) {
  const auto fail = [&](const std::string& why) -> ListenAddress {
    throw UsageError("invalid --listen '" + std::string(text) + "': " + why + " (write HOST:PORT, e.g. 127.0.0.1:4000)");
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("the port is missing");
  std::string host(text.substr(0, colon));
  const auto port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  if (host.empty()) return fail("the host is missing");
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return fail("the port must be a number from 0 to 65535");
  }
  boost::system::error_code parse_error;
  const auto address = boost::asio::ip::make_address(host, parse_error);
  if (parse_error) return fail("'" + host + "' is not a literal IP address");
  return ListenAddress{address.to_string(), static_cast<std::uint16_t>(port)};
}

}  // namespace rsolv::sandbox::server
